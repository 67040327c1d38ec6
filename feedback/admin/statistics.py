"""The year's settings (kilometre rate, budget) and the yearly statistics page with its CSV."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from libraries.csv_export import csv_response, money
from web import desk
from web.admin_site import WrittenByKollega

from .. import statistics
from ..models import YearSettings, YearStatistics


@admin.register(YearSettings)
class YearSettingsAdmin(admin.ModelAdmin):
    list_display = ["year", "km_rate", "budget"]
    ordering = ["-year"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(YearStatistics)
class YearStatisticsAdmin(WrittenByKollega, admin.ModelAdmin):
    """The statistics page stands in for the list of this proxy model."""

    def get_urls(self):
        csv_url = path(
            "csv/",
            self.admin_site.admin_view(self.csv_view),
            name="feedback_yearstatistics_csv",
        )
        return [csv_url, *super().get_urls()]

    def _year(self, request) -> int:
        value = request.GET.get("year", "")
        if value.isdigit() and 2000 <= int(value) <= 2100:
            return int(value)
        return timezone.localdate().year

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        figures = statistics.year_figures(year)
        previous = statistics.year_figures(year - 1)
        years = statistics.years_with_data()
        if year not in years:
            years = sorted([*years, year], reverse=True)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Yearly statistics %(year)s") % {"year": year},
            "opts": self.model._meta,
            "year": year,
            "years": years,
            "figures": figures,
            "previous_year": previous.year,
            "rows": [
                (*row, earlier[2])
                for row, earlier in zip(
                    statistics.rows(figures), statistics.rows(previous), strict=True
                )
            ],
            "charts": statistics.charts(figures, previous),
            "programme_rows": [
                (name, value, earlier)
                for (name, value), (_name, earlier) in zip(
                    statistics.programme_figures(figures.programme),
                    statistics.programme_figures(previous.programme),
                    strict=True,
                )
            ],
            "programme_lists": [
                (figures.programme.not_sending, gettext("Libraries that sent no one")),
                (figures.programme.not_hosting, gettext("Libraries that hosted no one")),
            ],
        }
        return TemplateResponse(request, "feedback/admin/statistics.html", context)

    def csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        response, writer = csv_response(f"kollega-statistics-{year}.csv")
        writer.writerow([gettext("section"), gettext("figure"), str(year)])
        writer.writerows(statistics.rows(statistics.year_figures(year), with_names=True))
        return response


def _budget_used(now) -> str:
    approved, budget = statistics.spending(timezone.localdate(now).year)
    if not budget:
        return "–"
    share = (approved * 100 / budget).quantize(Decimal("1"), ROUND_HALF_UP)
    return f"{number_format(share, 0)} %"


def _budget_label():
    year = timezone.localdate().year
    approved, budget = statistics.spending(year)
    if budget is None:
        return gettext("No budget set for %(year)s: set it in the year's settings.") % {
            "year": year
        }
    return gettext("of the %(year)s budget approved: %(approved)s € of %(budget)s €") % {
        "year": year,
        "approved": money(approved),
        "budget": money(budget),
    }


desk.add_item(
    desk.Item(
        key="budget",
        section=_("After the visits"),
        place=29,
        label=lazy(_budget_label, str)(),
        figure=_budget_used,
        url=lambda: reverse("admin:feedback_yearstatistics_changelist"),
        permission="feedback.view_yearstatistics",
        to_do=False,
    )
)
