"""Pages behind signed links: a supervisor's decision page and the workplace mentor's page.

GET and HEAD only show; a POST with a valid CSRF token acts (mail scanners open links).
A forged, expired, replaced or already decided link gets its own page in the language of
the link, never an error and never a change.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from web.security import private_link_page, rate_limit

from . import links, workflow
from .link_forms import DeclineForm, HomeApproveForm, HostDecisionForm
from .models import Approval, ExchangeRequest, State

# Problems a link can have, and the HTTP status of the page that explains each.
INVALID, EXPIRED, REPLACED, DECIDED, CANCELLED = (
    "invalid",
    "expired",
    "replaced",
    "decided",
    "cancelled",
)
_STATUS = {INVALID: 404, EXPIRED: 410, REPLACED: 410, DECIDED: 200, CANCELLED: 410}


def link_problem(request: HttpRequest, problem: str, **context) -> HttpResponse:
    """The friendly page of a link that is not valid, has expired, was replaced or is done."""
    return render(
        request,
        "exchange/links/problem.html",
        {"problem": problem, **context},
        status=_STATUS[problem],
    )


def _exchange_for_page(exchange_id: int) -> ExchangeRequest:
    """The request with everything the summary shows, in a fixed number of queries."""
    return (
        ExchangeRequest.objects.with_related()
        .prefetch_related("focus_areas")
        .prefetch_related(
            Prefetch(
                "visitor__exchanges",
                queryset=ExchangeRequest.objects.exclude(state=State.DRAFT)
                .exclude(pk=exchange_id)
                .select_related("host_library")
                .order_by("-first_day"),
                to_attr="other_exchanges",
            )
        )
        .get(pk=exchange_id)
    )


def answered_through_a_link(view):
    """A page behind an emailed link that takes an answer: GET shows, only POST acts; private
    headers (on the refusal of another method too), and the answers' rate limit."""
    return private_link_page(
        require_http_methods(["GET", "HEAD", "POST"])(rate_limit("decision")(view))
    )


@answered_through_a_link
def approval_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = links.read_approval_token(token)
    except links.LinkExpired:
        return link_problem(request, EXPIRED)
    except links.LinkInvalid:
        return link_problem(request, INVALID)

    approval = Approval.objects.filter(pk=data.approval_id).first()
    if approval is None:
        return link_problem(request, INVALID)
    if approval.version != data.version:
        return link_problem(request, REPLACED)
    exchange = _exchange_for_page(approval.exchange_id)
    if not approval.is_pending:
        return _decided(request, approval, exchange)

    is_host = approval.role == Approval.Role.HOST
    approve_form = (
        HostDecisionForm(exchange=exchange, prefix="approve")
        if is_host
        else HomeApproveForm(prefix="approve")
    )
    decline_form = DeclineForm(prefix="decline")

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                decline_form = DeclineForm(request.POST, prefix="decline")
                if decline_form.is_valid():
                    workflow.decline(
                        approval.pk,
                        version=data.version,
                        reason=decline_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Thank you. The visitor has been told."))
                    return redirect(request.path)
            elif action == "approve" and is_host:
                approve_form = HostDecisionForm(request.POST, exchange=exchange, prefix="approve")
                if approve_form.is_valid():
                    _submit_host_form(approval, data.version, approve_form)
                    messages.success(request, _("Thank you. Everyone involved has been told."))
                    return redirect(request.path)
            elif action == "approve":
                approve_form = HomeApproveForm(request.POST, prefix="approve")
                if approve_form.is_valid():
                    workflow.approve_home(
                        approval.pk,
                        version=data.version,
                        comment=approve_form.cleaned_data["comment"],
                    )
                    messages.success(
                        request, _("Thank you. The request has been sent to the host library.")
                    )
                    return redirect(request.path)
        except workflow.LinkReplaced:
            return link_problem(request, REPLACED)
        except workflow.AlreadyDecided:
            approval.refresh_from_db()
            return _decided(request, approval, _exchange_for_page(approval.exchange_id))
        except workflow.TransitionNotAllowed as problem:
            form = decline_form if action == "decline" else approve_form
            form.add_error(None, problem.message)
        status = 400
    else:
        status = 200

    return render(
        request,
        "exchange/links/approval.html",
        {
            "approval": approval,
            "exchange": exchange,
            "is_host": is_host,
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
        status=status,
    )


def _submit_host_form(approval: Approval, version: int, form: HostDecisionForm) -> None:
    """The host's valid form to the workflow: the dates approved, or other dates proposed."""
    data = form.cleaned_data
    if form.proposes_dates:
        workflow.propose_dates(
            approval.pk,
            version=version,
            first_day=data["first_day"],
            last_day=data["last_day"],
            mentor=form.mentor(),
            return_visit=form.return_visit(),
            comment=data["comment"],
        )
    else:
        workflow.approve_host(
            approval.pk,
            version=version,
            mentor=form.mentor(),
            return_visit=form.return_visit(),
            comment=data["comment"],
        )


def exchange_of_mentor_link(
    request: HttpRequest, token: str, exchanges=ExchangeRequest.objects
) -> tuple[ExchangeRequest | None, HttpResponse | None]:
    """The visit a mentor's link is for; or, when the link no longer works, the page saying why."""
    try:
        data = links.read_mentor_token(token)
    except links.LinkInvalid:
        return None, link_problem(request, INVALID)
    exchange = exchanges.filter(pk=data.exchange_id).first()
    if exchange is None or not data.is_for(exchange.mentor_email):
        return None, link_problem(request, REPLACED if exchange else INVALID)
    if links.mentor_link_expired(exchange):
        return None, link_problem(request, EXPIRED)
    if exchange.state in (State.CANCELLED, State.DECLINED):
        return None, link_problem(request, CANCELLED, exchange=exchange)
    return exchange, None


def _decided(request: HttpRequest, approval: Approval, exchange: ExchangeRequest) -> HttpResponse:
    if approval.decision == Approval.Decision.WITHDRAWN:
        return link_problem(request, CANCELLED, exchange=exchange)
    return link_problem(request, DECIDED, approval=approval, exchange=exchange)


@private_link_page
@require_http_methods(["GET", "HEAD"])
def mentor_link(request: HttpRequest, token: str) -> HttpResponse:
    exchange, problem = exchange_of_mentor_link(request, token)
    if problem:
        return problem
    exchange = _exchange_for_page(exchange.pk)
    return render(request, "exchange/links/mentor.html", {"exchange": exchange})
