"""After the visit: the visitor's feedback and expense claim, the mentor's host feedback,
the receipts, and the public experiences page.

Every change goes through feedback.workflow; a GET never changes anything.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from exchange.link_views import (
    answered_through_a_link,
    exchange_of_mentor_link,
)
from exchange.models import ExchangeRequest
from libraries.decorators import profile_required
from libraries.models import Library

from . import pending_claims, workflow
from .forms import (
    ExpenseClaimForm,
    ExperienceFilterForm,
    HostFeedbackForm,
    VisitorFeedbackForm,
    receipt_kind,
)
from .models import (
    ClaimState,
    ExpenseClaim,
    HostFeedback,
    Receipt,
    VisitorFeedback,
    YearSettings,
    estimate_eur,
)

STORIES_PER_PAGE = 20


def _get_exchange_for_user(request, pk: int) -> ExchangeRequest:
    """The signed-in visitor's own visit; anyone else's is a 404."""
    exchanges = ExchangeRequest.objects.with_related()
    return get_object_or_404(exchanges, pk=pk, visitor=request.user)


def _not_over_yet(request, exchange: ExchangeRequest) -> HttpResponse:
    messages.info(request, _("Feedback and the expense claim open once the visit is over."))
    return redirect(exchange)


# --- the visitor's feedback ------------------------------------------------------------


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_form(request, pk: int):
    exchange = _get_exchange_for_user(request, pk)
    given = VisitorFeedback.objects.filter(exchange=exchange).first()
    if given is not None:
        if request.method == "POST":
            messages.info(request, _("You have already given feedback on this visit."))
        claim = ExpenseClaim.objects.filter(exchange=exchange).first()
        context = {"exchange": exchange, "feedback": given, "claim": claim}
        return render(request, "feedback/feedback_given.html", context)
    if not workflow.visit_is_over(exchange):
        return _not_over_yet(request, exchange)

    form = VisitorFeedbackForm(request.POST or None, language=get_language())
    if request.method == "POST" and form.is_valid():
        feedback = form.save(commit=False)
        feedback.exchange = exchange
        try:
            workflow.give_feedback(feedback, by=request.user)
        except workflow.TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you for your feedback! The visit is now closed."))
            return redirect("feedback:feedback-form", pk=exchange.pk)
    return render(request, "feedback/feedback_form.html", {"exchange": exchange, "form": form})


# --- the visitor's expense claim ---------------------------------------------------------


def _estimate(exchange: ExchangeRequest, km_rate) -> dict:
    return {
        "car_km": exchange.travel_car_km,
        "public_transport_eur": exchange.travel_public_eur,
        "other_travel_eur": exchange.travel_other_eur,
        "accommodation_nights": exchange.accommodation_nights,
        "accommodation_eur": exchange.accommodation_eur,
        "total": estimate_eur(exchange, km_rate),
    }


def _claim_of(exchange: ExchangeRequest) -> ExpenseClaim | None:
    return (
        ExpenseClaim.objects.filter(exchange=exchange)
        .select_related("exchange")
        .prefetch_related("receipts")
        .first()
    )


def _claim_context(exchange: ExchangeRequest, claim: ExpenseClaim | None):
    km_rate = YearSettings.km_rate_for(exchange.first_day.year) if exchange.first_day else None
    context = {"exchange": exchange, "claim": claim, "estimate": _estimate(exchange, km_rate)}
    return km_rate, context


def _claim_is_open(request, exchange, claim, context) -> HttpResponse | None:
    """The claim's page when it cannot be made or corrected now, else None."""
    if claim is not None and claim.state != ClaimState.REJECTED:
        if request.method == "POST":
            messages.info(request, _("You have already made an expense claim for this visit."))
        return render(request, "feedback/claim_detail.html", context)
    if claim is None and not workflow.visit_is_over(exchange):
        return _not_over_yet(request, exchange)
    return None


CLAIM_FIELDS = ExpenseClaimForm.Meta.fields


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim_form(request, pk: int):
    """The claim's answers and receipts; sending waits for the check page."""
    exchange = _get_exchange_for_user(request, pk)
    claim = _claim_of(exchange)
    km_rate, context = _claim_context(exchange, claim)
    closed = _claim_is_open(request, exchange, claim, context)
    if closed is not None:
        return closed

    kept = pending_claims.receipts(request.session, exchange.pk)
    if request.method == "POST":
        removed = set(request.POST.getlist("remove_receipt"))
        staying = [entry for entry in kept if entry["name"] not in removed]
        form = ExpenseClaimForm(
            request.POST,
            request.FILES,
            instance=claim,
            exchange=exchange,
            km_rate=km_rate,
            kept_receipts=len(staying),
        )
        valid = form.is_valid()
        # Good receipts stay even when another answer needs correcting: nothing is lost.
        uploads = [] if "receipts" in form.errors else form.cleaned_data.get("receipts") or []
        pending_claims.drop([entry for entry in kept if entry["name"] in removed])
        pending_claims.keep(
            request.session,
            exchange.pk,
            data={name: request.POST.get(name, "") for name in CLAIM_FIELDS},
            kept=staying,
            uploads=uploads,
        )
        if valid:
            return redirect("feedback:claim-check", pk=exchange.pk)
        kept = pending_claims.receipts(request.session, exchange.pk)
    else:
        waiting = pending_claims.answers(request.session, exchange.pk)
        if waiting is not None:
            initial = waiting
        elif claim is None:
            estimate = context["estimate"]
            initial = {
                name: estimate[name]
                for name in [
                    "car_km",
                    "public_transport_eur",
                    "other_travel_eur",
                    "accommodation_nights",
                    "accommodation_eur",
                ]
                if estimate[name] is not None
            }
        else:
            initial = {}
        form = ExpenseClaimForm(
            instance=claim,
            initial=initial,
            exchange=exchange,
            km_rate=km_rate,
            kept_receipts=len(kept),
        )
    context |= {"form": form, "kept_receipts": kept}
    return render(request, "feedback/claim_form.html", context)


@profile_required
@require_http_methods(["GET", "HEAD", "POST"])
def claim_check(request, pk: int):
    """Check your answers, then send: the claim as it will go, each answer with a link back."""
    exchange = _get_exchange_for_user(request, pk)
    claim = _claim_of(exchange)
    km_rate, context = _claim_context(exchange, claim)
    closed = _claim_is_open(request, exchange, claim, context)
    if closed is not None:
        return closed
    waiting = pending_claims.answers(request.session, exchange.pk)
    kept = pending_claims.receipts(request.session, exchange.pk)
    if waiting is None:
        return redirect("feedback:claim-form", pk=exchange.pk)
    form = ExpenseClaimForm(
        waiting, instance=claim, exchange=exchange, km_rate=km_rate, kept_receipts=len(kept)
    )
    if not form.is_valid():
        messages.error(request, _("Some answers need correcting before the claim can be sent."))
        return redirect("feedback:claim-form", pk=exchange.pk)
    checked = form.save(commit=False)
    checked.exchange = exchange
    checked.km_rate = km_rate or 0

    if request.method == "POST":
        uploads = pending_claims.files(kept)
        try:
            workflow.submit_claim(
                checked,
                by=request.user,
                uploads=uploads,
                kinds=[receipt_kind(upload) for upload in uploads],
            )
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("feedback:claim-form", pk=exchange.pk)
        finally:
            for upload in uploads:
                upload.close()
        pending_claims.forget(request.session, exchange.pk)
        messages.success(
            request,
            _(
                "Your expense claim has been sent. The coordinator reviews it, "
                "and you get an email."
            ),
        )
        return redirect("feedback:claim-form", pk=exchange.pk)

    checked.total_eur = checked.compute_total()
    context |= {"checked": checked, "kept_receipts": kept, "km_rate": km_rate}
    return render(request, "feedback/claim_check.html", context)


@require_http_methods(["GET", "HEAD"])
def receipt_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt, only to its claimant and to staff allowed to see expense claims."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    receipt = get_object_or_404(Receipt.objects.select_related("claim"), pk=pk)
    user = request.user
    is_claimant = receipt.claim.claimant_id == user.pk
    is_reviewer = user.is_active and user.is_staff and user.has_perm("feedback.view_expenseclaim")
    if not (is_claimant or is_reviewer):
        raise Http404
    try:
        handle = receipt.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=receipt.original_name,
        content_type=receipt.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- the mentor's host feedback ------------------------------------------------------------


@answered_through_a_link
def host_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """Through the mentor's link: how the visit went, and would the library host again."""
    exchange, problem = exchange_of_mentor_link(
        request, token, ExchangeRequest.objects.with_related()
    )
    if problem:
        return problem

    context = {"exchange": exchange, "token": token}
    given = HostFeedback.objects.filter(exchange=exchange).first()
    if given is not None:
        return render(request, "feedback/host_feedback_given.html", {**context, "given": given})
    if not workflow.visit_is_over(exchange):
        return render(request, "feedback/host_feedback_not_yet.html", context)

    form = HostFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback = form.save(commit=False)
        feedback.exchange = exchange
        feedback.author_name = exchange.mentor_name
        feedback.author_email = exchange.mentor_email
        feedback.language = get_language()
        try:
            workflow.give_host_feedback(feedback)
        except workflow.TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("feedback:host-feedback", token=token)
    context["form"] = form
    return render(request, "feedback/host_feedback_form.html", context)


# --- experiences -----------------------------------------------------------------------------


def experiences(request):
    """The published stories, newest first, by region and host library."""
    hosts = Library.objects.filter(
        pk__in=VisitorFeedback.objects.published().values("exchange__host_library")
    ).in_name_order()
    form = ExperienceFilterForm(request.GET or None, libraries=hosts)
    stories = form.filter(VisitorFeedback.objects.stories())
    page = Paginator(stories, STORIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "feedback/experiences.html", context)


# The newest stories on a library's page; the experiences page has the rest.
LIBRARY_STORIES = 5


def library_stories(library: Library) -> str:
    """The library page's part on visitors' experiences there (empty without a story)."""
    stories = VisitorFeedback.objects.stories().filter(exchange__host_library=library)
    stories = list(stories[:LIBRARY_STORIES])
    if not stories:
        return ""
    context = {"library": library, "stories": stories}
    return render_to_string("feedback/_library_stories.html", context)
