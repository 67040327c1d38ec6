from django.utils.translation import gettext_lazy as _

from libraries.models import Staff


class PersonalData(Staff):
    """The admin's personal data page (export and erasure); a proxy for its permissions."""

    class Meta:
        proxy = True
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        default_permissions = ("view",)
        permissions = [("erase_personaldata", "Can erase a person's data on request")]
