from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchanges")

    def ready(self) -> None:
        from web import personal_data

        from .personal_data import Exchanges

        personal_data.register(Exchanges())
