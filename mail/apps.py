from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = _("Emails")

    def ready(self) -> None:
        from web import personal_data

        from .personal_data import Messages

        personal_data.register(Messages())
