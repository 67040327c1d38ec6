"""Pages behind signed links: a supervisor's decision page and the workplace mentor's page.

GET and HEAD only show; a POST with a valid CSRF token acts (mail scanners open links).
A forged, expired, replaced or already decided link gets its own page in the language of
the link, never an error and never a change.
"""

import hashlib

from django.contrib import messages
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from libraries import public_pages
from web import page_cache
from web.dates import visit_dates
from web.prepared import Prepared
from web.security import private_link_page, rate_limit

from . import costs, hosting, links, workflow
from .link_forms import (
    AnswerForm,
    ArrangementsForm,
    DeclineForm,
    HomeApproveForm,
    HostDecisionForm,
    MentorForm,
)
from .models import (
    ARRANGEMENT_FIELDS,
    Approval,
    ExchangeRequest,
    HistoryEntry,
    State,
    focus_areas_of,
)

# Problems a link can have, and the HTTP status of the page that explains each.
INVALID, EXPIRED, REPLACED, CANCELLED, BEGUN = (
    "invalid",
    "expired",
    "replaced",
    "cancelled",
    "begun",
)
_STATUS = {INVALID: 404, EXPIRED: 410, REPLACED: 410, CANCELLED: 410, BEGUN: 410}


def link_problem(request: HttpRequest, problem: str, **context) -> HttpResponse:
    """The friendly page of a link that is not valid, has expired, was replaced or is done."""
    exchange = context.get("exchange")
    if problem == CANCELLED and exchange is not None:
        # Who called the exchange off, and when.
        context["ended"] = (
            exchange.history.filter(to_state__in=[State.CANCELLED, State.DECLINED])
            .order_by("pk")
            .last()
        )
    return render(
        request,
        "exchange/links/problem.html",
        {"problem": problem, **context},
        status=_STATUS[problem],
    )


def _exchange_for_page(exchange_id: int) -> ExchangeRequest:
    """The request with everything its page shows, in a fixed number of queries."""
    return (
        ExchangeRequest.objects.with_related().prefetch_related("focus_areas").get(pk=exchange_id)
    )


# What a decision page shows besides the approval's join, by the request's and by the
# visitor's id: compiled once each (web.prepared).
_VISITORS_EXCHANGES = Prepared(
    lambda visitor_id: (
        ExchangeRequest.objects.filter(visitor_id=visitor_id)
        .exclude(state=State.DRAFT)
        .select_related("host_library")
        .order_by("-first_day")
    )
)


def _shown_beside(approval: Approval, exchange: ExchangeRequest) -> dict:
    """What a decision page shows of the request besides its own row and the rows joined to it.

    The visitor's other exchanges are for their own supervisor only: a host library sees
    none of the visitor's dealings with other libraries.
    """
    using = ExchangeRequest.objects.db
    others = []
    if not approval.is_host:
        others = [
            other
            for other in _VISITORS_EXCHANGES.instances(exchange.visitor_id, using)
            if other.pk != exchange.pk
        ]
    return {
        "focus_areas": focus_areas_of(exchange.pk, using),
        "other_exchanges": others,
    }


# The approval of a link with its request and the rows its page shows, in one query whose
# shape never changes: compiled once (web.prepared). Unordered, as get() reads it: planning
# an order of the join cost more than the query.
_APPROVAL_FOR_PAGE = Prepared(
    lambda approval_id: (
        Approval.objects.select_related(
            "exchange__visitor",
            "exchange__home_library__municipality__region",
            "exchange__host_library__municipality__region",
        )
        .filter(pk=approval_id)
        .order_by()
    )
)


def _approval_for_page(approval_id: int) -> Approval | None:
    """The approval of a link with its request and the rows its page shows."""
    found = _APPROVAL_FOR_PAGE.instances(approval_id, Approval.objects.db)
    return found[0] if found else None


def answered_through_a_link(view):
    """A page behind an emailed link that takes an answer: GET shows, only POST acts; private
    headers (on the refusal of another method too), and the answers' rate limit."""
    return private_link_page(
        require_http_methods(["GET", "HEAD", "POST"])(rate_limit("decision")(view))
    )


def _summary_context(
    exchange: ExchangeRequest, approval: Approval, estimate: costs.Estimate | None = None
) -> dict:
    """What the summary at the top of a decision page shows besides the request itself (the
    estimate too, unless it is given)."""
    extras = []
    if approval.is_host and approval.is_pending:
        extras.append((_("Other visits on these days"), _other_visits(exchange)))
    return {
        "estimate": estimate or costs.estimate(exchange),
        # Further lines for the summary, as (label, value) pairs, from whoever has them.
        "summary_extras": extras,
    }


def _other_visits_of(exchange_id: int):
    """The host's other requests that hold a place on any of this request's days: its host
    and days read by the database, so that the query is of one value (web.prepared)."""
    this = ExchangeRequest.objects.filter(pk=exchange_id).order_by()
    return (
        hosting.counted_requests(
            this.values("host_library_id"),
            Subquery(this.values("first_day")),
            Subquery(this.values("last_day")),
            besides=exchange_id,
        )
        .select_related("visitor", "home_library")
        .order_by("first_day", "pk")
    )


_OTHER_VISITS = Prepared(_other_visits_of)


def _other_visits(exchange: ExchangeRequest) -> str:
    """The host's other requests that hold a place on any of the visit's days, in words."""
    if not (exchange.first_day and exchange.last_day):
        return "–"
    others = _OTHER_VISITS.instances(exchange.pk, ExchangeRequest.objects.db)
    lines = [
        _("%(dates)s: %(visitor)s, %(library)s (%(state)s)")
        % {
            "dates": visit_dates(*hosting.held_days(other)),
            "visitor": other.visitor,
            "library": other.home_library.name,
            "state": other.get_state_display(),
        }
        for other in others
    ]
    capacity = ngettext(
        "Your library takes %(capacity)s visitor a day.",
        "Your library takes %(capacity)s visitors a day.",
        exchange.host_library.visitors_per_day,
    ) % {"capacity": exchange.host_library.visitors_per_day}
    if not lines:
        return _("None. %(capacity)s") % {"capacity": capacity}
    return "; ".join(lines) + ". " + capacity


# What a page with an unanswered decision form shows, kept in the cache (see _page_key).
PAGE_TIMEOUT = public_pages.TIMEOUT


def _page_key(approval: Approval) -> tuple[str, costs.Estimate]:
    """The cache key of an unanswered decision page: it changes with everything the page shows.

    The request's own fields move its version or its update time (every save), the names of
    libraries, municipalities and focus areas the public pages' content version, any request
    submitted, decided or cancelled (the visitor's other exchanges, the host's other visits on
    those days) the visits version (both kept beside the page: public_pages.kept_for_versions);
    the visitor's name and title and the cost estimate (with the year's kilometre rate) are
    read each time. What no save reports shows after PAGE_TIMEOUT. Returns the key and the
    estimate, which the page shows."""
    exchange = approval.exchange
    visitor = exchange.visitor
    estimate = costs.estimate(exchange)
    parts = (
        approval.pk,
        approval.version,
        exchange.version,
        exchange.updated_at.isoformat(),
        visitor.name,
        visitor.job_title,
        visitor.email,
        estimate.total,
        estimate.unpriced_km,
        get_language(),
    )
    return "decision-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32], estimate


def _page_parts(context: dict, fields: str | None = None) -> dict:
    """The title, the top (the request in short) and the form's fields of a decision page
    (`fields` when they are drawn already)."""
    if fields is None:
        fields = render_to_string("exchange/links/_approval_fields.html", context)
    return {
        "title": mark_safe(render_to_string("exchange/links/_approval_title.txt", context).strip()),
        "top": mark_safe(render_to_string("exchange/links/_approval_top.html", context)),
        "fields": mark_safe(fields),
    }


# The fields of unanswered decision forms, drawn once per process for each set of what they
# show (see _unanswered_fields).
_UNANSWERED_FIELDS: dict[tuple, str] = {}


def _unanswered_fields(context: dict) -> str:
    """The fields of a decision form before any answer: the same for every supervisor of one
    role in one language, and for a host also of one mentor's language offered first and of
    whether a return visit is asked for. Everything they show is in the key, read from the
    forms themselves (each field's initial value, the answers offered)."""
    approve_form = context["approve_form"]
    key = (
        get_language(),
        context["is_host"],
        tuple(context["answer_form"].fields["action"].choices),
        tuple((name, field.initial, field.required) for name, field in approve_form.fields.items()),
        tuple(context["decline_form"].fields),
    )
    fields = _UNANSWERED_FIELDS.get(key)
    if fields is None:
        fields = render_to_string("exchange/links/_approval_fields.html", context)
        _UNANSWERED_FIELDS[key] = fields
    return fields


def _empty_approve_form(approval: Approval, exchange: ExchangeRequest):
    if approval.is_host:
        return HostDecisionForm(exchange=exchange, prefix="approve")
    return HomeApproveForm(prefix="approve")


def _unanswered_forms(approval: Approval, exchange: ExchangeRequest) -> dict:
    return {
        "answer_form": AnswerForm(is_host=approval.is_host),
        "approve_form": _empty_approve_form(approval, exchange),
        "decline_form": DeclineForm(prefix="decline"),
        "answer": "",
    }


def _full_page_context(
    approval: Approval,
    exchange: ExchangeRequest,
    forms: dict,
    estimate: costs.Estimate | None = None,
) -> dict:
    return {
        "approval": approval,
        "exchange": exchange,
        "is_host": approval.is_host,
        **forms,
        **_shown_beside(approval, exchange),
        **_summary_context(exchange, approval, estimate),
    }


@answered_through_a_link
def approval_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = links.read_approval_token(token)
    except links.LinkExpired:
        return link_problem(request, EXPIRED)
    except links.LinkInvalid:
        return link_problem(request, INVALID)

    approval = _approval_for_page(data.approval_id)
    if approval is None:
        return link_problem(request, INVALID)
    if approval.version != data.version:
        return link_problem(request, REPLACED)
    is_host = approval.is_host
    exchange = approval.exchange
    if not approval.is_pending:
        return _decided(request, approval, exchange, answered_again=request.method == "POST")
    if request.method != "POST":
        return _unanswered_page(request, approval)

    answer_form = AnswerForm(request.POST, is_host=is_host)
    # Only the answer's form is made before the answer is taken; the others only when the
    # page is shown again.
    approve_form = decline_form = None
    answer = answer_form.answer
    try:
        if answer == AnswerForm.DECLINE:
            decline_form = DeclineForm(request.POST, prefix="decline")
            if decline_form.is_valid():
                workflow.decline(
                    approval.pk,
                    version=data.version,
                    reason=decline_form.cleaned_data["reason"],
                )
                return redirect(request.path)
        elif answer and is_host:
            approve_form = HostDecisionForm(
                request.POST,
                exchange=exchange,
                prefix="approve",
                proposes_dates=answer == AnswerForm.PROPOSE,
            )
            if approve_form.is_valid():
                _submit_host_form(approval, data.version, approve_form)
                return redirect(request.path)
        elif answer:
            approve_form = HomeApproveForm(request.POST, prefix="approve")
            if approve_form.is_valid():
                workflow.approve_home(
                    approval.pk,
                    version=data.version,
                    comment=approve_form.cleaned_data["comment"],
                )
                return redirect(request.path)
    except workflow.LinkReplaced:
        return link_problem(request, REPLACED)
    except workflow.AlreadyDecided:
        approval.refresh_from_db()
        return _decided(
            request,
            approval,
            _exchange_for_page(approval.exchange_id),
            answered_again=True,
        )
    except workflow.TransitionNotAllowed as problem:
        form = decline_form if answer == AnswerForm.DECLINE else approve_form
        form.add_error(None, problem.message)

    forms = {
        "answer_form": answer_form,
        "approve_form": approve_form or _empty_approve_form(approval, exchange),
        "decline_form": decline_form or DeclineForm(prefix="decline"),
        "answer": answer_form.answer,
    }
    context = _full_page_context(approval, exchange, forms)
    return render(
        request,
        "exchange/links/approval.html",
        {**context, "page": _page_parts(context)},
        status=400,
    )


def _unanswered_page(request: HttpRequest, approval: Approval) -> HttpResponse:
    """The decision page before any answer: its parts from the cache when they are there, else
    drawn (with what the page shows besides the approval's join) and kept. For a reader who
    is not signed in (as a supervisor is) the whole page is kept, under its address too, since
    its language switch leads back to it (web.page_cache)."""
    key, estimate = _page_key(approval)

    def draw() -> dict:
        exchange = approval.exchange
        forms = _unanswered_forms(approval, exchange)
        context = _full_page_context(approval, exchange, forms, estimate)
        return _page_parts(context, _unanswered_fields(context))

    if page_cache.can_keep(request):
        address = request.get_full_path().encode()
        page_key = f"{key}:page:{hashlib.sha256(address).hexdigest()[:32]}"
        page = public_pages.kept_for_versions(
            page_key,
            lambda: page_cache.drawn(
                request,
                "exchange/links/approval.html",
                {"approval": approval, "is_host": approval.is_host, "page": draw()},
            ),
            PAGE_TIMEOUT,
        )
        return page_cache.response(request, page)
    parts = public_pages.kept_for_versions(key, draw, PAGE_TIMEOUT)
    return render(
        request,
        "exchange/links/approval.html",
        {"approval": approval, "is_host": approval.is_host, "page": parts},
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


@answered_through_a_link
def arrangements_link(request: HttpRequest, token: str) -> HttpResponse:
    """The host's page after approving: name the workplace mentor when they did not yet, and
    complete or change the first day's arrangements until the visit begins."""
    try:
        data = links.read_arrangements_token(token)
    except links.LinkInvalid:
        return link_problem(request, INVALID)
    approval = Approval.objects.filter(pk=data.approval_id, role=Approval.Role.HOST).first()
    answered = (Approval.Decision.APPROVED, Approval.Decision.DATES_PROPOSED)
    if approval is None or approval.decision not in answered:
        return link_problem(request, INVALID)
    if approval.version != data.version:
        return link_problem(request, REPLACED)
    exchange = _exchange_for_page(approval.exchange_id)
    if exchange.is_called_off:
        return link_problem(request, CANCELLED, exchange=exchange)
    if exchange.has_taken_place or (exchange.is_confirmed and exchange.has_begun):
        return link_problem(request, BEGUN, exchange=exchange)

    form = None
    if exchange.is_awaiting_mentor:
        form = MentorForm(request.POST or None, exchange=exchange)
    elif exchange.is_confirmed:
        form = ArrangementsForm(
            request.POST or None,
            initial={name: getattr(exchange, name) for name in ARRANGEMENT_FIELDS},
        )
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                if exchange.is_awaiting_mentor:
                    workflow.name_mentor(approval.pk, version=data.version, mentor=form.mentor())
                    messages.success(
                        request,
                        _(
                            "You named %(mentor)s as the workplace mentor. The visit is "
                            "confirmed: the visitor and the mentor have been sent the details "
                            "and a calendar invitation."
                        )
                        % {"mentor": form.cleaned_data["mentor_name"]},
                    )
                else:
                    version = exchange.version
                    changed = workflow.change_arrangements(
                        approval.pk, version=data.version, **form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("Saved. The visitor and the workplace mentor have been told.")
                        if changed.version != version
                        else _("Nothing was changed."),
                    )
                return redirect(request.path)
            except workflow.LinkReplaced:
                return link_problem(request, REPLACED)
            except workflow.TransitionNotAllowed as problem:
                form.add_error(None, problem.message)
        status = 400
    return render(
        request,
        "exchange/links/arrangements.html",
        {"approval": approval, "exchange": exchange, "form": form},
        status=status,
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


# A request's history, a few rows, by its id: compiled once (web.prepared).
_HISTORY = Prepared(
    lambda exchange_id: HistoryEntry.objects.filter(exchange_id=exchange_id).order_by("pk")
)


def _decided(
    request: HttpRequest,
    approval: Approval,
    exchange: ExchangeRequest,
    *,
    answered_again: bool = False,
) -> HttpResponse:
    """What this link decided, when, and where the exchange has gone since.

    Only this link decides its approval, so the page speaks to its reader as "you". An answer
    sent after that (from a page left open in another tab, or a form sent twice) is not
    recorded, and the page says so above the answer that stands.
    """
    if approval.decision == Approval.Decision.WITHDRAWN:
        return link_problem(request, CANCELLED, exchange=exchange)
    if answered_again:
        messages.warning(
            request,
            _(
                "This request had already been answered through this link, so the answer "
                "you just sent was not recorded. The answer that stands is shown below."
            ),
        )
    # The moves from this answer on: the first is the answer's own.
    moves = [
        entry
        for entry in _HISTORY.instances(exchange.pk, HistoryEntry.objects.db)
        if entry.at >= approval.decided_at and entry.to_state != entry.from_state
    ]
    return render(
        request,
        "exchange/links/decided.html",
        {
            "approval": approval,
            "exchange": exchange,
            "latest": moves[-1] if len(moves) > 1 else None,
            "arrangements_url": (
                reverse("exchange:arrangements-link", args=[links.arrangements_token(approval)])
                if approval.is_host and not exchange.is_called_off
                else ""
            ),
        },
    )


@private_link_page
@require_http_methods(["GET", "HEAD"])
def mentor_link(request: HttpRequest, token: str) -> HttpResponse:
    exchange, problem = exchange_of_mentor_link(request, token)
    if problem:
        return problem
    exchange = _exchange_for_page(exchange.pk)
    return render(request, "exchange/links/mentor.html", {"exchange": exchange})
