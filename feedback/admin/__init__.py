"""The coordinator's admin of what comes after a visit, one module for each thing it serves.

review: the visitor's and the host's feedback and the published stories; claims: expense
claims and their export; statistics: the year's settings and figures; inlines: the
feedback and the claim on the exchange's own page, and the feedback of every visit on the
host library's page, which this app adds from above.
"""

from django.contrib import admin
from django.db.models import Avg, Count
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from exchange.admin import ExchangeRequestAdmin
from exchange.models import ExchangeRequest
from libraries.models import Library

from ..models import HostFeedback, VisitorFeedback
from . import claims, review, statistics  # noqa: F401  (each registers its admins)
from .inlines import EXCHANGE_INLINES

admin.site.unregister(ExchangeRequest)


@admin.register(ExchangeRequest)
class ExchangeWithAfterVisitAdmin(ExchangeRequestAdmin):
    """An exchange's page shows what came after the visit too."""

    inlines = [*ExchangeRequestAdmin.inlines, *EXCHANGE_INLINES]


LibraryAdmin = type(admin.site._registry[Library])
admin.site.unregister(Library)


@admin.register(Library)
class LibraryWithFeedbackAdmin(LibraryAdmin):
    """A library's page gathers the feedback of every visit it hosted."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(
                (_("Feedback from the visits hosted"), {"fields": ["hosted_feedback"]})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "hosted_feedback"]

    @admin.display(description=_("feedback"))
    def hosted_feedback(self, library: Library) -> str:
        visitors = (
            VisitorFeedback.objects.filter(exchange__host_library=library)
            .select_related("exchange__visitor")
            .order_by("-exchange__first_day")
        )
        hosts = (
            HostFeedback.objects.filter(exchange__host_library=library)
            .select_related("exchange__visitor")
            .order_by("-exchange__first_day")
        )
        summary = visitors.aggregate(count=Count("pk"), average=Avg("rating"))
        return mark_safe(  # noqa: S308  (an auto-escaped template's output)
            render_to_string(
                "feedback/admin/library_feedback.html",
                {"visitors": visitors, "hosts": hosts, "summary": summary},
            )
        )
