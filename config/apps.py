from django.contrib.admin.apps import AdminConfig


class KollegaAdminConfig(AdminConfig):
    """The admin app with Kollega's own site, and Kollega's deployment checks."""

    default_site = "web.admin_site.KollegaAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import checks  # noqa: F401  (registers the checks)
