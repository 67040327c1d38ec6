"""What the review and the claims admin share: a visit's filters, columns and permissions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from exchange.models import ExchangeRequest
from libraries.admin_filters import RegionFilter
from web.dates import visit_dates


class VisitYearFilter(admin.SimpleListFilter):
    title = _("year of the visit")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        exchanges = ExchangeRequest.objects.filter(
            pk__in=model_admin.model.objects.values("exchange")
        )
        return [(str(day.year), str(day.year)) for day in exchanges.dates("first_day", "year")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(exchange__first_day__year=int(self.value()))
        return queryset


class HostRegionFilter(RegionFilter):
    title = _("host region")
    parameter_name = "region"
    library = "exchange__host_library"


class OfOneVisit:
    """Admin of what the visitor or the host gave on one visit: it comes only through their
    own forms, and only a superuser deletes it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("visit"), ordering="exchange__first_day")
    def visit(self, obj) -> str:
        return str(obj.exchange)

    @admin.display(description=_("dates"), ordering="exchange__first_day")
    def visit_dates(self, obj) -> str:
        return visit_dates(obj.exchange.first_day, obj.exchange.last_day)

    @admin.display(description=_("exchange request"))
    def exchange_link(self, obj) -> str:
        url = reverse("admin:exchange_exchangerequest_change", args=[obj.exchange_id])
        return format_html('<a href="{}">{}</a>', url, obj.exchange)
