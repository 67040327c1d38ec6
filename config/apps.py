from django.contrib.admin.apps import AdminConfig


class KollegaAdminConfig(AdminConfig):
    """The admin app with Kollega's own site and words, and Kollega's deployment checks."""

    default_site = "web.admin_site.KollegaAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin import site

        from web import security_admin

        from . import checks  # noqa: F401  (registers the checks)

        # Every app's admin is registered by now; the devices' pages get Kollega's words.
        security_admin.register(site)
