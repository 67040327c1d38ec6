"""The coordinator's admin of what comes after a visit, one module for each thing it serves.

review: the visitor's and the host's feedback and the published stories; claims: expense
claims and their export; statistics: the year's settings and figures; inlines: the
feedback and the claim on the exchange's own page, which this app adds from above.
"""

from django.contrib import admin

from exchange.admin import ExchangeRequestAdmin
from exchange.models import ExchangeRequest

from . import claims, review, statistics  # noqa: F401  (each registers its admins)
from .inlines import EXCHANGE_INLINES

admin.site.unregister(ExchangeRequest)


@admin.register(ExchangeRequest)
class ExchangeWithAfterVisitAdmin(ExchangeRequestAdmin):
    """An exchange's page shows what came after the visit too."""

    inlines = [*ExchangeRequestAdmin.inlines, *EXCHANGE_INLINES]
