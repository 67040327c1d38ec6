"""What happens next with each of the visitor's exchanges, in words and with its buttons.

The words are drawn from the exchange alone, read with what they need (`with_facts`): who
ended a request and why, and after the visit what the feedback app says is still due. The
feedback app, which keeps the feedback and the expense claim, provides both the facts it
reads and the step (``provide_after_the_visit``), as it tells the reminder sweep.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Expression, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from web.dates import visit_dates

from .models import ExchangeRequest, HistoryEntry, State


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    primary: bool = True


@dataclass(frozen=True)
class NextStep:
    """The sentence that says what happens next, what the visitor can do about it, and,
    for a request declined or cancelled, who ended it and why."""

    text: str
    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str = ""
    reason_by: str = ""
    # Something waits for the visitor (not for someone else).
    for_the_visitor: bool = False


AfterTheVisit = Callable[[ExchangeRequest], NextStep]
AfterTheVisitFacts = Callable[[], dict[str, Expression]]
_after_the_visit: AfterTheVisit | None = None
_after_the_visit_facts: AfterTheVisitFacts | None = None


def provide_after_the_visit(step: AfterTheVisit, facts: AfterTheVisitFacts) -> None:
    """Set by the feedback app when it is ready: the next step of a visit that is over,
    drawn from the exchange with the annotations `facts` gives (by name)."""
    global _after_the_visit, _after_the_visit_facts
    _after_the_visit, _after_the_visit_facts = step, facts


def facts() -> dict[str, Expression]:
    """What the next step reads beside the exchange's own fields, as annotations by name."""
    # The newest entry that moved the request to where it is: who ended it and why.
    ending = HistoryEntry.objects.filter(
        exchange=OuterRef("pk"), to_state__in=[State.DECLINED, State.CANCELLED]
    ).order_by("-at", "-pk")
    annotations = {
        "ending_comment": Subquery(ending.values("comment")[:1]),
        "ending_by": Subquery(ending.values("actor_label")[:1]),
    }
    if _after_the_visit_facts:
        annotations.update(_after_the_visit_facts())
    return annotations


def with_facts(exchanges: QuerySet) -> QuerySet:
    """The exchanges with what their next step reads, in the same one query."""
    return exchanges.annotate(**facts())


def _before_the_visit(exchange: ExchangeRequest) -> NextStep:
    state = exchange.state
    if state == State.DRAFT:
        supervisor = exchange.visitor.supervisor_name or exchange.visitor.supervisor_email
        edit = Action(
            _("Continue the request"), reverse("exchange:request-edit", args=[exchange.pk])
        )
        if supervisor:
            text = _("Finish the request and submit it to your supervisor %(name)s.") % {
                "name": supervisor
            }
        else:
            text = _("Finish the request and submit it.")
        return NextStep(text, [edit], for_the_visitor=True)
    if state == State.AWAITING_HOME:
        return NextStep(
            _("Waiting for your supervisor %(name)s.") % {"name": exchange.home_supervisor_label}
        )
    if state == State.AWAITING_HOST:
        return NextStep(
            _("Waiting for %(name)s at %(library)s.")
            % {"name": exchange.host_contact_label, "library": exchange.host_library}
        )
    if state == State.DATES_PROPOSED:
        text = _("%(library)s proposes %(dates)s. Accept or refuse the dates.") % {
            "library": exchange.host_library,
            "dates": visit_dates(exchange.proposed_first_day, exchange.proposed_last_day),
        }
        answer = Action(_("Answer the proposal"), exchange.get_absolute_url() + "#proposed")
        return NextStep(text, [answer], for_the_visitor=True)
    if state == State.AWAITING_MENTOR:
        return NextStep(
            _(
                "%(library)s has approved your visit. It is confirmed once they name your "
                "workplace mentor."
            )
            % {"library": exchange.host_library}
        )
    if state == State.CONFIRMED:
        if exchange.mentor_name:
            return NextStep(
                _("Confirmed. Your workplace mentor is %(name)s.") % {"name": exchange.mentor_name}
            )
        return NextStep(_("Confirmed."))
    return NextStep(exchange.get_state_display().capitalize() + ".")


def _called_off(exchange: ExchangeRequest) -> NextStep:
    reason = exchange.ending_comment or ""
    by = exchange.ending_by or ""
    if exchange.state == State.DECLINED:
        if by:
            text = _("%(name)s declined the request. You can make a new one.") % {"name": by}
        else:
            text = _("Declined. You can make a new request.")
    elif by:
        text = _("%(name)s cancelled the exchange.") % {"name": by}
    else:
        text = _("Cancelled.")
    return NextStep(text, reason=reason, reason_by=by)


def _after_the_visit_without_feedback_app(exchange: ExchangeRequest) -> NextStep:
    return NextStep(_("The visit is over. Thank you for taking part!"))


def next_step(exchange: ExchangeRequest) -> NextStep:
    """The next step of an exchange read `with_facts`; it makes no query."""
    if exchange.is_called_off:
        return _called_off(exchange)
    if exchange.has_taken_place:
        if _after_the_visit:
            return _after_the_visit(exchange)
        return _after_the_visit_without_feedback_app(exchange)
    return _before_the_visit(exchange)


def next_steps(exchanges: Iterable[ExchangeRequest]) -> dict[int, NextStep]:
    """The next step of each exchange read `with_facts`, by its id."""
    return {exchange.pk: next_step(exchange) for exchange in exchanges}
