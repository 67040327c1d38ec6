"""What happens next with each of the visitor's exchanges, in words and with its buttons.

After the visit the feedback and the expense claim are due; the feedback app, which keeps
them, says what is still due (``provide_after_the_visit``), as it tells the reminder sweep.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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


AfterTheVisit = Callable[[list[ExchangeRequest]], dict[int, NextStep]]
_after_the_visit: AfterTheVisit | None = None


def provide_after_the_visit(steps: AfterTheVisit) -> None:
    """Set by the feedback app when it is ready: the next step of visits that are over."""
    global _after_the_visit
    _after_the_visit = steps


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


def _called_off(exchange: ExchangeRequest, entry: HistoryEntry | None) -> NextStep:
    reason = entry.comment if entry else ""
    by = entry.actor_label if entry else ""
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


def next_steps(exchanges: Iterable[ExchangeRequest]) -> dict[int, NextStep]:
    """The next step of each exchange, by its id, in a fixed number of queries."""
    exchanges = list(exchanges)
    over = [e for e in exchanges if e.has_taken_place]
    called_off = [e for e in exchanges if e.is_called_off]
    endings = {}
    if called_off:
        # The newest entry that moved each one to where it is: who ended it and why.
        for entry in HistoryEntry.objects.filter(
            exchange__in=called_off, to_state__in=[State.DECLINED, State.CANCELLED]
        ).order_by("at", "pk"):
            endings[entry.exchange_id] = entry
    after = _after_the_visit(over) if over and _after_the_visit else {}
    steps = {}
    for exchange in exchanges:
        if exchange.is_called_off:
            steps[exchange.pk] = _called_off(exchange, endings.get(exchange.pk))
        elif exchange.has_taken_place:
            steps[exchange.pk] = after.get(exchange.pk) or _after_the_visit_without_feedback_app(
                exchange
            )
        else:
            steps[exchange.pk] = _before_the_visit(exchange)
    return steps


def next_step(exchange: ExchangeRequest) -> NextStep:
    return next_steps([exchange])[exchange.pk]
