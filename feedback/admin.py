"""The coordinator's review: feedback, stories, expense claims, year settings and statistics.

What visitors and mentors wrote is shown, never edited; the coordinator adds a private note,
marks things reviewed, publishes stories (only with consent) and decides claims through
feedback.workflow.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.admin_site import ShownOnly, WrittenByKollega
from exchange.emails import date_range
from exchange.models import ExchangeRequest
from libraries.admin_filters import RegionFilter
from libraries.csv_export import csv_response, money

from . import privacy_admin, statistics, workflow  # noqa: F401  (registers its page)
from .forms import RejectClaimForm
from .models import (
    ClaimState,
    ExpenseClaim,
    HostFeedback,
    Receipt,
    VisitorFeedback,
    YearSettings,
    YearStatistics,
    estimate_eur,
    euros,
)


def _exchange_link(exchange: ExchangeRequest) -> str:
    url = reverse("admin:exchange_exchangerequest_change", args=[exchange.pk])
    return format_html('<a href="{}">{}</a>', url, exchange)


def _dates(exchange: ExchangeRequest) -> str:
    return date_range(exchange.first_day, exchange.last_day)


# --- filters -------------------------------------------------------------------------------


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


class _DoneFilter(admin.SimpleListFilter):
    field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ReviewedFilter(_DoneFilter):
    title = _("reviewed")
    parameter_name = "reviewed"
    field = "reviewed_at"


class PublishedFilter(_DoneFilter):
    title = _("published")
    parameter_name = "published"
    field = "published_at"


# --- visitor feedback ----------------------------------------------------------------------


class VisitorFeedbackAdminForm(forms.ModelForm):
    reviewed = forms.BooleanField(label=_("Reviewed"), required=False)
    published = forms.BooleanField(
        label=_("Published on the experiences page"),
        required=False,
        help_text=_("Only a story the visitor allowed to be published."),
    )

    class Meta:
        model = VisitorFeedback
        fields = ["coordinator_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        feedback = self.instance
        self.fields["reviewed"].initial = feedback.reviewed_at is not None
        self.fields["published"].initial = feedback.is_published
        if not feedback.can_be_published:
            self.fields["published"].disabled = True
            self.fields["published"].help_text = _(
                "The visitor did not allow this story to be published."
            )

    def clean_published(self) -> bool:
        published = self.cleaned_data["published"]
        if published and not self.instance.can_be_published:
            raise forms.ValidationError(_("The visitor did not allow this story to be published."))
        return published

    def save(self, commit=True):
        feedback = super().save(commit=False)
        now = timezone.now()
        if self.cleaned_data["reviewed"] != (feedback.reviewed_at is not None):
            feedback.reviewed_at = now if self.cleaned_data["reviewed"] else None
        if self.cleaned_data["published"] != feedback.is_published:
            feedback.published_at = now if self.cleaned_data["published"] else None
        if commit:
            feedback.save()
        return feedback


class _OfOneVisit:
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
        return _dates(obj.exchange)

    @admin.display(description=_("exchange request"))
    def exchange_link(self, obj) -> str:
        return _exchange_link(obj.exchange)


class _Reviewed(_OfOneVisit):
    """Feedback the coordinator marks as reviewed."""

    @admin.display(description=_("reviewed"), boolean=True, ordering="reviewed_at")
    def is_reviewed(self, obj) -> bool:
        return obj.reviewed_at is not None

    @admin.action(description=_("Mark as reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = queryset.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())
        self.message_user(
            request,
            ngettext("Marked %(count)s as reviewed.", "Marked %(count)s as reviewed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(VisitorFeedback)
class VisitorFeedbackAdmin(_Reviewed, admin.ModelAdmin):
    form = VisitorFeedbackAdminForm
    list_display = [
        "visit",
        "visit_dates",
        "rating",
        "would_recommend",
        "story_consent",
        "is_published",
        "is_reviewed",
        "created_at",
    ]
    list_display_links = ["visit"]
    list_filter = [
        VisitYearFilter,
        HostRegionFilter,
        ("exchange__host_library", admin.RelatedOnlyFieldListFilter),
        "rating",
        ReviewedFilter,
        "story_consent",
        PublishedFilter,
    ]
    list_select_related = ["exchange__visitor", "exchange__host_library"]
    search_fields = [
        "exchange__visitor__name",
        "exchange__visitor__email",
        "exchange__host_library__name_fi",
        "exchange__host_library__name_sv",
        "learned",
        "take_home",
        "story",
    ]
    actions = ["mark_reviewed", "publish_stories", "unpublish_stories"]
    readonly_fields = [
        "exchange_link",
        "created_at",
        "rating",
        "would_recommend",
        "learned",
        "take_home",
        "message_to_host",
        "message_to_coordinator",
        "story_consent",
        "story_language",
        "story",
        "reviewed_at",
        "published_at",
    ]
    fieldsets = [
        (None, {"fields": ["exchange_link", "created_at"]}),
        (
            _("The visitor's feedback"),
            {
                "fields": [
                    "rating",
                    "would_recommend",
                    "learned",
                    "take_home",
                    "message_to_host",
                    "message_to_coordinator",
                ]
            },
        ),
        (_("Story"), {"fields": ["story_consent", "story_language", "story"]}),
        (
            _("Review"),
            {
                "fields": [
                    ("reviewed", "reviewed_at"),
                    ("published", "published_at"),
                    "coordinator_note",
                ]
            },
        ),
    ]

    @admin.display(description=_("published"), boolean=True, ordering="published_at")
    def is_published(self, obj: VisitorFeedback) -> bool:
        return obj.published_at is not None

    @admin.action(description=_("Publish the stories"), permissions=["change"])
    def publish_stories(self, request, queryset):
        published = refused = 0
        for feedback_id in queryset.values_list("pk", flat=True):
            try:
                workflow.publish_story(feedback_id)
            except workflow.TransitionNotAllowed:
                refused += 1
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)s story.", "Published %(count)s stories.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)s story was not published: the visitor did not allow it.",
                    "%(count)s stories were not published: the visitors did not allow it.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Withdraw the stories from publication"), permissions=["change"])
    def unpublish_stories(self, request, queryset):
        # One by one through the workflow: each save tells the public pages to drop the story.
        published = list(queryset.filter(published_at__isnull=False).values_list("pk", flat=True))
        for feedback_id in published:
            workflow.unpublish_story(feedback_id)
        count = len(published)
        self.message_user(
            request,
            ngettext("Withdrew %(count)s story.", "Withdrew %(count)s stories.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(HostFeedback)
class HostFeedbackAdmin(_Reviewed, admin.ModelAdmin):
    list_display = [
        "visit",
        "author_name",
        "would_host_again",
        "language",
        "created_at",
        "is_reviewed",
    ]
    list_display_links = ["visit"]
    list_filter = [VisitYearFilter, HostRegionFilter, "would_host_again", ReviewedFilter]
    list_select_related = ["exchange__visitor", "exchange__host_library"]
    search_fields = ["exchange__visitor__name", "author_name", "author_email", "how_it_went"]
    fields = [
        "exchange_link",
        ("author_name", "author_email", "language"),
        "created_at",
        "how_it_went",
        "would_host_again",
        "reviewed_at",
    ]
    readonly_fields = [
        "exchange_link",
        "author_name",
        "author_email",
        "language",
        "created_at",
        "how_it_went",
        "would_host_again",
        "reviewed_at",
    ]
    actions = ["mark_reviewed"]


# --- expense claims --------------------------------------------------------------------------


class ReceiptInline(ShownOnly, admin.TabularInline):
    model = Receipt
    fields = ["open_link", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_link(self, obj: Receipt) -> str:
        url = reverse("feedback:receipt", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


CLAIM_CSV_COLUMNS = [
    (_("number"), lambda c: c.pk),
    (_("state"), lambda c: c.get_state_display()),
    (_("claimant"), lambda c: c.claimant.name),
    (_("claimant's email"), lambda c: c.claimant.email),
    (_("home library"), lambda c: c.exchange.home_library.name),
    (_("host library"), lambda c: c.exchange.host_library.name),
    (_("first day"), lambda c: c.exchange.first_day.isoformat()),
    (_("last day"), lambda c: c.exchange.last_day.isoformat()),
    (_("own car, kilometres"), lambda c: c.car_km),
    (_("kilometre allowance, euros per km"), lambda c: money(c.km_rate)),
    (_("own car, euros"), lambda c: money(c.car_eur)),
    (_("public transport, euros"), lambda c: money(c.public_transport_eur)),
    (_("other travel, euros"), lambda c: money(c.other_travel_eur)),
    (_("what the other travel was"), lambda c: c.other_travel_description),
    (_("accommodation, nights"), lambda c: c.accommodation_nights),
    (_("accommodation, euros"), lambda c: money(c.accommodation_eur)),
    (_("total, euros"), lambda c: money(c.total_eur)),
    (
        _("approved"),
        lambda c: timezone.localtime(c.decided_at).strftime("%Y-%m-%d") if c.decided_at else "",
    ),
]


def claims_csv(claims) -> HttpResponse:
    response, writer = csv_response(f"kollega-claims-{timezone.localdate():%Y-%m-%d}.csv")
    writer.writerow([str(title) for title, _value in CLAIM_CSV_COLUMNS])
    for claim in claims.select_related(
        "claimant", "exchange__home_library", "exchange__host_library"
    ).order_by("decided_at", "pk"):
        writer.writerow([value(claim) for _title, value in CLAIM_CSV_COLUMNS])
    return response


@admin.register(ExpenseClaim)
class ExpenseClaimAdmin(_OfOneVisit, admin.ModelAdmin):
    list_display = [
        "visit",
        "visit_dates",
        "state",
        "total_eur",
        "estimate",
        "submitted_at",
        "decided_at",
    ]
    list_display_links = ["visit"]
    list_filter = ["state", VisitYearFilter, HostRegionFilter]
    list_select_related = ["claimant", "exchange__visitor", "exchange__host_library"]
    search_fields = ["claimant__name", "claimant__email", "exchange__host_library__name_fi"]
    inlines = [ReceiptInline]
    actions = ["approve_claims", "reject_claims", "mark_claims_paid", "export_selected_csv"]
    change_list_template = "feedback/admin/claim_change_list.html"
    change_form_template = "feedback/admin/claim_change_form.html"
    fieldsets = [
        (None, {"fields": ["exchange_link", "claimant", "state", "submitted_at"]}),
        (
            _("Claimed, beside the estimate in the request"),
            {"fields": ["comparison", "other_travel_description", "notes"]},
        ),
        (
            _("Review"),
            {
                "fields": [
                    "rejection_reason",
                    ("decided_at", "decided_by"),
                    "paid_at",
                    "coordinator_note",
                ]
            },
        ),
    ]
    readonly_fields = [
        "exchange_link",
        "claimant",
        "state",
        "submitted_at",
        "comparison",
        "other_travel_description",
        "notes",
        "rejection_reason",
        "decided_at",
        "decided_by",
        "paid_at",
    ]

    @admin.display(description=_("estimate, euros"))
    def estimate(self, obj: ExpenseClaim):
        return estimate_eur(obj.exchange, obj.km_rate)

    @admin.display(description=_("costs"))
    def comparison(self, obj: ExpenseClaim) -> str:
        exchange = obj.exchange
        rows = [
            (gettext("Own car, kilometres"), exchange.travel_car_km, obj.car_km),
            (
                gettext("Own car, euros"),
                ""
                if exchange.travel_car_km is None
                else money(euros(exchange.travel_car_km * obj.km_rate)),
                money(obj.car_eur),
            ),
            (
                gettext("Public transport, euros"),
                money(exchange.travel_public_eur),
                money(obj.public_transport_eur),
            ),
            (
                gettext("Other travel, euros"),
                money(exchange.travel_other_eur),
                money(obj.other_travel_eur),
            ),
            (
                gettext("Accommodation, nights"),
                exchange.accommodation_nights,
                obj.accommodation_nights,
            ),
            (
                gettext("Accommodation, euros"),
                money(exchange.accommodation_eur),
                money(obj.accommodation_eur),
            ),
            (
                gettext("Total, euros"),
                money(estimate_eur(exchange, obj.km_rate)),
                money(obj.total_eur),
            ),
        ]
        body = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            ((name, "–" if est in (None, "") else est, claimed) for name, est, claimed in rows),
        )
        return format_html(
            "<table><thead><tr><th></th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table><p>{}</p>",
            gettext("estimate"),
            gettext("claimed"),
            body,
            gettext("Kilometre allowance %(rate)s € per km.") % {"rate": money(obj.km_rate)},
        )

    # Decisions, from the list (actions) and from one claim's page (buttons).

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "export-approved/",
                wrap(self.export_approved_view),
                name="feedback_expenseclaim_export_approved",
            ),
            path(
                "<int:pk>/decide/",
                wrap(require_POST(self.decide_view)),
                name="feedback_expenseclaim_decide",
            ),
            path("<int:pk>/reject/", wrap(self.reject_view), name="feedback_expenseclaim_reject"),
            *super().get_urls(),
        ]

    def _apply_to_claims(self, request, claim_ids, step, **kwargs) -> int:
        """Take one workflow step on each claim; say why any was refused; count the rest."""
        done = 0
        for claim_id in claim_ids:
            try:
                step(claim_id, by=request.user, **kwargs)
            except workflow.TransitionNotAllowed as exc:
                self.message_user(request, f"#{claim_id}: {exc}", messages.WARNING)
            else:
                done += 1
        return done

    def _done(self, request, message: str, count: int) -> None:
        if count:
            self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve the claims"), permissions=["change"])
    def approve_claims(self, request, queryset):
        count = self._apply_to_claims(
            request, queryset.values_list("pk", flat=True), workflow.approve_claim
        )
        self._done(
            request,
            ngettext("Approved %(count)s claim.", "Approved %(count)s claims.", count),
            count,
        )

    @admin.action(description=_("Mark the claims paid"), permissions=["change"])
    def mark_claims_paid(self, request, queryset):
        claim_ids = queryset.values_list("pk", flat=True)
        count = self._apply_to_claims(request, claim_ids, workflow.mark_claim_paid)
        self._done(
            request,
            ngettext("Marked %(count)s claim paid.", "Marked %(count)s claims paid.", count),
            count,
        )

    @admin.action(description=_("Reject with a reason"), permissions=["change"])
    def reject_claims(self, request, queryset):
        form = RejectClaimForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            claim_ids = queryset.values_list("pk", flat=True)
            count = self._apply_to_claims(
                request, claim_ids, workflow.reject_claim, reason=form.cleaned_data["reason"]
            )
            self._done(
                request,
                ngettext("Rejected %(count)s claim.", "Rejected %(count)s claims.", count),
                count,
            )
            return None
        return self._reject_page(request, queryset, form, action="reject_claims")

    def _reject_page(self, request, claims, form, *, action: str = ""):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject with a reason"),
            "opts": self.model._meta,
            "objects": claims.select_related("claimant", "exchange__host_library"),
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "feedback/admin/reject_claims.html", context)

    def reject_view(self, request, pk: int):
        claim = get_object_or_404(ExpenseClaim, pk=pk)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        form = RejectClaimForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = self._apply_to_claims(
                request, [claim.pk], workflow.reject_claim, reason=form.cleaned_data["reason"]
            )
            if count:
                self.message_user(
                    request,
                    gettext("The claim was rejected and the claimant has been told."),
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(reverse("admin:feedback_expenseclaim_change", args=[pk]))
        return self._reject_page(request, ExpenseClaim.objects.filter(pk=pk), form)

    def decide_view(self, request, pk: int):
        claim = get_object_or_404(ExpenseClaim, pk=pk)
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        steps = {"approve": workflow.approve_claim, "paid": workflow.mark_claim_paid}
        step = steps.get(request.POST.get("decision"))
        if step is not None and self._apply_to_claims(request, [claim.pk], step):
            self.message_user(request, gettext("The claimant has been told."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:feedback_expenseclaim_change", args=[pk]))

    # Exports for the accounts office.

    @admin.action(description=_("Export the selected as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return claims_csv(queryset)

    def export_approved_view(self, request):
        """The approved, not yet paid claims among those the list shows now."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:feedback_expenseclaim_changelist"))
        claims = changelist.get_queryset(request).filter(state=ClaimState.APPROVED)
        return claims_csv(claims)


# --- the year's settings and statistics ----------------------------------------------------------


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
            "rows": statistics.rows(figures),
            "charts": statistics.charts(figures),
        }
        return TemplateResponse(request, "feedback/admin/statistics.html", context)

    def csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        response, writer = csv_response(f"kollega-statistics-{year}.csv")
        writer.writerow([gettext("section"), gettext("figure"), str(year)])
        writer.writerows(statistics.rows(statistics.year_figures(year)))
        return response


# --- on the exchange's own page in the admin ----------------------------------------------------


class _ExchangeInline(ShownOnly, admin.StackedInline):
    max_num = 1
    show_change_link = True


class VisitorFeedbackInline(_ExchangeInline):
    model = VisitorFeedback
    fields = ["rating", "would_recommend", "story_consent", "published_at", "reviewed_at"]
    readonly_fields = fields


class HostFeedbackInline(_ExchangeInline):
    model = HostFeedback
    fields = ["author_name", "would_host_again", "created_at"]
    readonly_fields = fields


class ExpenseClaimInline(_ExchangeInline):
    model = ExpenseClaim
    fk_name = "exchange"
    fields = ["state", "total_eur", "submitted_at", "decided_at", "paid_at"]
    readonly_fields = fields


EXCHANGE_INLINES = [VisitorFeedbackInline, HostFeedbackInline, ExpenseClaimInline]
