"""Expense claims: the coordinator compares them with the estimate and decides them through
feedback.workflow; the accounts office gets the approved ones as CSV.
"""

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

from libraries.csv_export import csv_response, money
from web import desk
from web.admin_site import ShownOnly

from .. import workflow
from ..forms import RejectClaimForm
from ..models import ClaimState, ExpenseClaim, Receipt, estimate_eur, euros
from .visits import HostRegionFilter, OfOneVisit, VisitYearFilter


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
class ExpenseClaimAdmin(OfOneVisit, admin.ModelAdmin):
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
    list_filter = [desk.DeskFilter, "state", VisitYearFilter, HostRegionFilter]
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


desk.add(
    ExpenseClaimAdmin,
    ExpenseClaim,
    section=_("After the visits"),
    place=20,
    rows={
        "claims-to-decide": (
            _("expense claims waiting for a decision"),
            lambda rows, now: rows.filter(state=ClaimState.SUBMITTED),
        ),
        "claims-to-pay": (
            _("expense claims approved and waiting for payment"),
            lambda rows, now: rows.filter(state=ClaimState.APPROVED),
        ),
    },
)
