"""The coordinator's view of every exchange. States change only through the workflow."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from libraries.admin import FOCUS_AREA_CHECKBOXES
from libraries.admin_filters import RegionFilter
from libraries.csv_export import csv_response, money
from mail.admin import NotificationInline
from web import desk
from web.admin_site import ShownOnly
from web.dates import visit_dates

from . import workflow
from .forms import CancelForm
from .models import (
    ARRANGEMENT_FIELDS,
    MENTOR_FIELDS,
    OPEN_STATES,
    Approval,
    ExchangeRequest,
    HistoryEntry,
    State,
)

# Set by the workflow, or copied into the request when it moves on: never edited by hand.
WORKFLOW_FIELDS = [
    "state",
    "version",
    "visitor",
    "home_library",
    "host_library",
    "privacy_accepted_at",
    "home_supervisor_name",
    "home_supervisor_email",
    "home_supervisor_language",
    "host_contact_name",
    "host_contact_email",
    "host_contact_language",
    "proposed_first_day",
    "proposed_last_day",
    *MENTOR_FIELDS,
    *ARRANGEMENT_FIELDS,
    "return_visitor_name",
    "return_visitor_email",
    "return_visitor_language",
    "return_first_day",
    "return_last_day",
    "return_of",
    "created_at",
    "submitted_at",
    "updated_at",
]


class ExchangeAdminForm(forms.ModelForm):
    """The coordinator's edits of a request: new dates pass the workflow's own check."""

    def clean(self):
        cleaned = super().clean()
        exchange = self.instance
        if not (exchange.pk and {"first_day", "last_day"} & set(self.changed_data)):
            return cleaned
        if exchange.state not in OPEN_STATES:
            self.add_error(
                "first_day",
                gettext(
                    "The dates of a visit that is over, declined or cancelled stay as they were."
                ),
            )
            return cleaned
        try:
            workflow.check_new_dates(exchange, cleaned.get("first_day"), cleaned.get("last_day"))
        except workflow.TransitionNotAllowed as exc:
            self.add_error("first_day", str(exc))
        return cleaned


def fortnight(now) -> tuple:
    """This week and next, Monday to Sunday, in Finland."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=13)


class HomeRegionFilter(RegionFilter):
    title = _("home region")
    parameter_name = "home_region"
    library = "home_library"


class HostRegionFilter(RegionFilter):
    title = _("host region")
    parameter_name = "host_region"
    library = "host_library"


class _ReadOnlyInline(ShownOnly, admin.TabularInline):
    pass


class HistoryInline(_ReadOnlyInline):
    model = HistoryEntry
    fields = ["at", "actor_label", "from_state", "to_state", "comment"]


class ApprovalInline(_ReadOnlyInline):
    model = Approval
    fields = ["role", "name", "email", "language", "decision", "comment", "decided_at"]


CSV_COLUMNS = [
    (_("number"), lambda e: e.pk),
    (_("state"), lambda e: e.get_state_display()),
    (_("visitor"), lambda e: e.visitor.name),
    (_("visitor's email"), lambda e: e.visitor.email),
    (_("home library"), lambda e: e.home_library.name),
    (_("home region"), lambda e: e.home_library.municipality.region.name),
    (_("host library"), lambda e: e.host_library.name),
    (_("host region"), lambda e: e.host_library.municipality.region.name),
    (_("first day"), lambda e: e.first_day.isoformat() if e.first_day else ""),
    (_("last day"), lambda e: e.last_day.isoformat() if e.last_day else ""),
    (_("days"), lambda e: e.days or ""),
    (_("one-way or reciprocal"), lambda e: e.get_kind_display()),
    (_("recorded by the home employer as"), lambda e: e.get_trip_type_display()),
    (_("language practice"), lambda e: gettext("yes") if e.language_practice else gettext("no")),
    (_("own car, kilometres"), lambda e: e.travel_car_km),
    (_("public transport, euros"), lambda e: money(e.travel_public_eur)),
    (_("other travel, euros"), lambda e: money(e.travel_other_eur)),
    (_("accommodation, nights"), lambda e: e.accommodation_nights),
    (_("accommodation, euros"), lambda e: money(e.accommodation_eur)),
    (_("workplace mentor"), lambda e: e.mentor_name),
    (
        _("submitted"),
        lambda e: (
            timezone.localtime(e.submitted_at).strftime("%Y-%m-%d %H:%M") if e.submitted_at else ""
        ),
    ),
]


def exchanges_csv(exchanges) -> HttpResponse:
    """The exchanges as a CSV file that Excel in Finnish or Swedish opens as it is."""
    response, writer = csv_response(f"kollega-exchanges-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow([str(title) for title, _value in CSV_COLUMNS])
    for exchange in exchanges.select_related(
        "visitor", "home_library__municipality__region", "host_library__municipality__region"
    ):
        writer.writerow([value(exchange) for _title, value in CSV_COLUMNS])
    return response


@admin.register(ExchangeRequest)
class ExchangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "visitor",
        "home_library",
        "host_library",
        "dates",
        "state",
        "submitted",
    ]
    list_display_links = ["visitor"]
    # Newest first by the primary key's index: the model's own order (created_at, no index)
    # had PostgreSQL sort every joined row before the first page.
    ordering = ["-pk"]
    list_per_page = 50
    list_filter = [
        desk.DeskFilter,
        "state",
        HomeRegionFilter,
        HostRegionFilter,
        ("home_library", admin.RelatedOnlyFieldListFilter),
        ("host_library", admin.RelatedOnlyFieldListFilter),
        "kind",
        "trip_type",
    ]
    list_select_related = ["visitor", "home_library", "host_library"]
    date_hierarchy = "first_day"
    search_fields = [
        "visitor__name",
        "visitor__email",
        "home_library__name_fi",
        "home_library__name_sv",
        "host_library__name_fi",
        "host_library__name_sv",
    ]
    readonly_fields = WORKFLOW_FIELDS
    formfield_overrides = FOCUS_AREA_CHECKBOXES
    fieldsets = [
        (None, {"fields": ["state", "version", "visitor", "home_library", "host_library"]}),
        (
            _("The request"),
            {
                "fields": [
                    ("first_day", "last_day"),
                    "alternative_dates",
                    "kind",
                    "trip_type",
                    "expectations",
                    "focus_areas",
                    "language_practice",
                    "cover_arrangements",
                    "privacy_accepted_at",
                ]
            },
        ),
        (
            _("Estimated costs"),
            {
                "fields": [
                    ("travel_car_km", "travel_public_eur", "travel_other_eur"),
                    ("accommodation_nights", "accommodation_eur"),
                ]
            },
        ),
        (
            _("People"),
            {
                "fields": [
                    ("home_supervisor_name", "home_supervisor_email", "home_supervisor_language"),
                    ("host_contact_name", "host_contact_email", "host_contact_language"),
                    ("mentor_name", "mentor_email", "mentor_phone", "mentor_language"),
                    ("meeting_place", "meeting_time"),
                    "programme_notes",
                ]
            },
        ),
        (
            _("Dates proposed and return visit"),
            {
                "fields": [
                    ("proposed_first_day", "proposed_last_day"),
                    ("return_visitor_name", "return_visitor_email", "return_visitor_language"),
                    ("return_first_day", "return_last_day"),
                    "return_of",
                ]
            },
        ),
        (None, {"fields": [("created_at", "submitted_at", "updated_at")]}),
    ]
    inlines = [ApprovalInline, HistoryInline, NotificationInline]
    actions = ["cancel_with_reason", "export_selected_csv"]
    change_list_template = "exchange/admin_change_list.html"

    @admin.display(description=_("dates"), ordering="first_day")
    def dates(self, exchange: ExchangeRequest) -> str:
        if not (exchange.first_day and exchange.last_day):
            return "–"
        return visit_dates(exchange.first_day, exchange.last_day)

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, exchange: ExchangeRequest) -> str:
        if not exchange.submitted_at:
            return "–"
        return date_format(timezone.localtime(exchange.submitted_at), "SHORT_DATE_FORMAT")

    def has_add_permission(self, request) -> bool:
        # A request begins with its visitor, so that the workflow knows whom it speaks for.
        return False

    form = ExchangeAdminForm

    def save_model(self, request, obj, form, change) -> None:
        """New dates of a confirmed visit go through the workflow, which tells everyone
        involved and updates the visit in the visitor's and the mentor's calendars.

        The form has checked the dates with the workflow's own rule; should the workflow
        still refuse (someone else moved the request meanwhile), nothing of the change is
        kept and the page says only why (response_change)."""
        moved = {"first_day", "last_day"} & set(form.changed_data)
        if not (change and moved and obj.state == State.CONFIRMED):
            super().save_model(request, obj, form, change)
            return
        first_day, last_day = obj.first_day, obj.last_day
        obj.first_day, obj.last_day = form.initial["first_day"], form.initial["last_day"]
        try:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                workflow.change_dates(
                    obj.pk, first_day=first_day, last_day=last_day, by=request.user
                )
        except workflow.TransitionNotAllowed as exc:
            request.kollega_refused = str(exc)
            return
        self.message_user(
            request, gettext("The new dates were sent to everyone involved."), messages.SUCCESS
        )
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        if not getattr(request, "kollega_refused", None):
            super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "kollega_refused", None):
            return ""
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if not getattr(request, "kollega_refused", None):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        refused = getattr(request, "kollega_refused", None)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_urls(self):
        export = path(
            "export-csv/",
            self.admin_site.admin_view(self.export_csv_view),
            name="exchange_exchangerequest_export_csv",
        )
        return [export, *super().get_urls()]

    def export_csv_view(self, request):
        """The changelist as it is filtered and searched now, as CSV, all pages at once."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:exchange_exchangerequest_changelist"))
        return exchanges_csv(changelist.get_queryset(request))

    @admin.action(description=_("Export the selected as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return exchanges_csv(queryset)

    @admin.action(description=_("Cancel with a reason"), permissions=["change"])
    def cancel_with_reason(self, request, queryset):
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._cancel(request, queryset, form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Cancel with a reason"),
            "opts": self.model._meta,
            "objects": queryset.select_related("visitor", "host_library"),
            "form": form,
            "action": "cancel_with_reason",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "exchange/admin_cancel.html", context)

    def _cancel(self, request, queryset, reason: str) -> None:
        cancelled = 0
        for exchange in queryset.select_related("visitor", "host_library"):
            try:
                workflow.cancel(exchange.pk, by=request.user, reason=reason)
            except workflow.TransitionNotAllowed as exc:
                self.message_user(request, f"{exchange}: {exc}", messages.WARNING)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "Cancelled %(count)s exchange request.",
                    "Cancelled %(count)s exchange requests.",
                    cancelled,
                )
                % {"count": cancelled},
                messages.SUCCESS,
            )


desk.add(
    ExchangeRequestAdmin,
    ExchangeRequest,
    section=_("Exchanges"),
    place=10,
    rows={
        "supervisor-late": (
            _("requests waiting for a supervisor past the reminder time"),
            lambda rows, now: rows.supervisor_late(now),
        ),
        "stalled": (
            _("stalled requests: no answer after the last reminder"),
            lambda rows, now: rows.stalled(),
        ),
        "visits-soon": (
            _("visits this week and next"),
            lambda rows, now: rows.visits_starting(*fortnight(now)),
        ),
        "mentor": (
            _("approved visits whose host still has to name the mentor"),
            lambda rows, now: rows.mentor_to_name(),
        ),
    },
)
