"""One function per message an exchange sends; each writes its rows to the outbox.

Called inside a workflow transition's transaction, so a rolled-back transition leaves no
message behind. Every recipient gets the message in their own language; the dedupe key
names the exchange's version, so a retried transition cannot send the same message twice.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.utils import timezone

from libraries.emails import contact_details
from libraries.models import Staff
from mail.models import Notification
from mail.outbox import Recipient, batch, enqueue, once_per_batch
from web.dates import VisitDates
from web.prepared import Prepared

from . import ical, links
from .models import Approval, ExchangeRequest, State


def _send(
    kind: str,
    exchange: ExchangeRequest,
    role: str,
    recipient: Recipient,
    *,
    calendar: str = "",
    key: str = "",
    **values,
) -> None:
    """Queue one message. `calendar` is an iCalendar method (ical.REQUEST or ical.CANCEL)
    for a message that carries the visit's event; `key` names a reminder with its number
    (the default names the transition by the exchange's version).

    The message is drawn from the exchange and these values (_context), now or by the
    worker that sends it (draw): they are kept with it in JSON (_kept)."""
    if not recipient.email:
        return
    if "approval" in values and "decide_by" not in values:
        values["decide_by"] = _decide_by(values["approval"])
    # A decision link made now stops working after this day.
    values.setdefault(
        "link_expires",
        timezone.localdate() + timedelta(days=settings.DECISION_LINK_MAX_AGE_DAYS),
    )
    email = recipient.email.strip().lower()
    recipient = Recipient(email=email, name=recipient.name, language=recipient.language)
    enqueue(
        calendar=(lambda: ical.visit_event(exchange, recipient, method=calendar))
        if calendar
        else "",
        kind=kind,
        recipient=recipient,
        dedupe_key=f"{key or f'{kind}:{exchange.pk}:{exchange.version}'}:{role}:{email}",
        context=_context(exchange, role, values),
        about=exchange,
        draw_from={"role": role, "calendar": calendar, "values": _kept(values)},
    )


def _context(exchange: ExchangeRequest, role: str, values: dict) -> dict:
    return {
        "exchange": exchange,
        "role": role,
        # Written out when rendered, in the recipient's language.
        "dates": VisitDates(exchange.first_day, exchange.last_day),
        "proposed_dates": VisitDates(exchange.proposed_first_day, exchange.proposed_last_day),
        "return_dates": VisitDates(exchange.return_first_day, exchange.return_last_day),
        "max_age_days": settings.DECISION_LINK_MAX_AGE_DAYS,
        **values,
    }


def _kept(values: dict) -> dict:
    """The message's own values in JSON: an approval by its id, a day and a visit's days in
    ISO 8601; text, numbers, yes/no and nothing as they are."""
    kept: dict = {}
    for name, value in values.items():
        if isinstance(value, Approval):
            kept[name] = {"approval": value.pk}
        elif isinstance(value, VisitDates):
            kept[name] = {"days": [_iso(value.first_day), _iso(value.last_day)]}
        elif isinstance(value, date) and not isinstance(value, datetime):
            kept[name] = {"day": value.isoformat()}
        elif value is None or type(value) in (str, bool, int):
            kept[name] = value
        else:
            raise TypeError(f"{name}: a {type(value).__name__} cannot be kept with a message")
    return kept


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _values(kept: dict) -> dict:
    """The values _kept wrote, as they were."""
    values: dict = {}
    for name, value in kept.items():
        if isinstance(value, dict) and "approval" in value:
            pk = value["approval"]
            values[name] = once_per_batch(
                ("approval", pk), lambda pk=pk: Approval.objects.get(pk=pk)
            )
        elif isinstance(value, dict) and "days" in value:
            values[name] = VisitDates(*map(_day, value["days"]))
        elif isinstance(value, dict) and "day" in value:
            values[name] = _day(value["day"])
        else:
            values[name] = value
    return values


# The exchange a message is drawn from, with what every message shows of it: compiled once
# per process (web.prepared).
_TO_DRAW = Prepared(lambda pk: ExchangeRequest.objects.with_related().filter(pk=pk).order_by())


def _exchange_to_draw(pk: int) -> ExchangeRequest:
    found = _TO_DRAW.instances(pk)
    if not found:
        raise ExchangeRequest.DoesNotExist(f"exchange {pk} is gone")
    return found[0]


def draw(notification: Notification, recipient: Recipient) -> tuple[dict, str]:
    """The context and the calendar of a message about an exchange, from what _send kept
    with it and the exchange as it is now (mail.outbox.draw)."""
    pk = notification.about_id
    # Read once for the messages the worker draws together (mail.outbox.drawing_together).
    exchange = once_per_batch(("exchange", pk), lambda: _exchange_to_draw(pk))
    kept = notification.draw_from
    method = kept["calendar"]
    calendar = ical.visit_event(exchange, recipient, method=method) if method else ""
    return _context(exchange, kept["role"], _values(kept["values"])), calendar


def _decide_by(approval: Approval):
    """The day a supervisor is asked to decide by: the day of their next reminder."""
    due = approval.next_reminder_at
    return timezone.localdate(due) if due else None


# Who had the visit put in their calendar with the confirmation.
CALENDAR_ROLES = ("visitor", "mentor")

# --- who gets what, in which language ------------------------------------------------


def visitor(exchange: ExchangeRequest) -> Recipient:
    person = exchange.visitor
    return Recipient(email=person.email, name=person.name, language=person.language)


def home_supervisor(exchange: ExchangeRequest) -> Recipient:
    return Recipient(
        email=exchange.home_supervisor_email,
        name=exchange.home_supervisor_name,
        language=exchange.home_supervisor_language or exchange.home_library.main_language,
    )


def host_contact(exchange: ExchangeRequest) -> Recipient:
    return Recipient(
        email=exchange.host_contact_email,
        name=exchange.host_contact_name,
        language=exchange.host_contact_language or exchange.host_library.main_language,
    )


def mentor(exchange: ExchangeRequest) -> Recipient:
    return Recipient(
        email=exchange.mentor_email,
        name=exchange.mentor_name,
        language=exchange.mentor_language or exchange.host_library.main_language,
    )


def approver(approval: Approval) -> Recipient:
    return Recipient(email=approval.email, name=approval.name, language=approval.language)


def coordinator() -> Recipient:
    """The regional coordinator from the contact details (those that sign the messages of the
    same transition); no address means no message."""
    contact = contact_details()
    person = Staff.objects.filter(email__iexact=contact.email).first() if contact.email else None
    language = person.language if person else settings.LANGUAGE_CODE
    return Recipient(email=contact.email, name=contact.name, language=language)


def _involved(exchange: ExchangeRequest) -> list[tuple[str, Recipient]]:
    """Everyone who has heard of the exchange so far, by role."""
    people = [("visitor", visitor(exchange))]
    if exchange.submitted_at:
        people.append(("home", home_supervisor(exchange)))
    if exchange.approvals.filter(role=Approval.Role.HOST).exists():
        people.append(("host", host_contact(exchange)))
    if exchange.mentor_email:
        people.append(("mentor", mentor(exchange)))
    if exchange.history.filter(to_state=State.CONFIRMED).exists():
        people.append(("coordinator", coordinator()))
    return people


# --- the messages --------------------------------------------------------------------


def _together(send: Callable) -> Callable:
    """A message to several people: their rows go into the outbox in one insert."""

    @wraps(send)
    def wrapper(*args, **kwargs):
        with batch():
            return send(*args, **kwargs)

    return wrapper


def decision_request(exchange: ExchangeRequest, approval: Approval) -> None:
    """Ask a supervisor to decide, with their personal decision link."""
    _send(
        "decision_request",
        exchange,
        approval.role,
        approver(approval),
        approval=approval,
        link_url=links.approval_url(approval),
    )


@_together
def submitted(exchange: ExchangeRequest, approval: Approval) -> None:
    """The request went to the home supervisor: tell the visitor, ask the supervisor."""
    person = visitor(exchange)
    _send(
        "submitted",
        exchange,
        "visitor",
        person,
        decide_by=_decide_by(approval),
        link_url=links.exchange_url(exchange, person.language),
    )
    decision_request(exchange, approval)


@_together
def approved_home(exchange: ExchangeRequest, host_approval: Approval, comment: str = "") -> None:
    """The home supervisor approved: tell the visitor, ask the host."""
    person = visitor(exchange)
    _send(
        "approved_home",
        exchange,
        "visitor",
        person,
        comment=comment,
        decide_by=_decide_by(host_approval),
        link_url=links.exchange_url(exchange, person.language),
    )
    decision_request(exchange, host_approval)


@_together
def declined(exchange: ExchangeRequest, approval: Approval) -> None:
    """Tell the visitor, and the home supervisor when the host declined."""
    person = visitor(exchange)
    context = {"approval": approval, "reason": approval.comment}
    _send(
        "declined",
        exchange,
        "visitor",
        person,
        link_url=links.exchange_url(exchange, person.language),
        **context,
    )
    if approval.role == Approval.Role.HOST:
        _send("declined", exchange, "home", home_supervisor(exchange), **context)


def dates_proposed(exchange: ExchangeRequest, comment: str = "") -> None:
    """The host proposes other dates: the visitor accepts or refuses on their own page."""
    person = visitor(exchange)
    _send(
        "dates_proposed",
        exchange,
        "visitor",
        person,
        comment=comment,
        link_url=links.exchange_url(exchange, person.language),
    )


@_together
def confirmed(exchange: ExchangeRequest, host_approval: Approval | None = None) -> None:
    """The visit is on: the visitor, the mentor, both supervisors and the coordinator.

    The host gets the link through which they may complete the first day's arrangements.
    """
    person = visitor(exchange)
    _send(
        "confirmed",
        exchange,
        "visitor",
        person,
        calendar=ical.REQUEST,
        link_url=links.exchange_url(exchange, person.language),
    )
    _send(
        "confirmed",
        exchange,
        "mentor",
        mentor(exchange),
        calendar=ical.REQUEST,
        link_url=links.mentor_url(exchange),
    )
    _send("confirmed", exchange, "home", home_supervisor(exchange))
    _send(
        "confirmed",
        exchange,
        "host",
        host_contact(exchange),
        link_url=links.arrangements_url(host_approval) if host_approval else "",
    )
    _send("confirmed", exchange, "coordinator", coordinator())


@_together
def awaiting_mentor(exchange: ExchangeRequest, host_approval: Approval) -> None:
    """The host approved without naming the mentor yet: the host gets the link to name them,
    and the visitor hears the visit is approved and waits for the mentor."""
    person = visitor(exchange)
    _send(
        "awaiting_mentor",
        exchange,
        "visitor",
        person,
        link_url=links.exchange_url(exchange, person.language),
    )
    _send(
        "awaiting_mentor",
        exchange,
        "host",
        approver(host_approval),
        link_url=links.arrangements_url(host_approval),
        remind_on=timezone.localdate(exchange.mentor_reminder_due_at),
    )


@_together
def arrangements_changed(exchange: ExchangeRequest) -> None:
    """The host completed or changed the first day's arrangements: the visitor and the mentor
    hear it, and their calendars get the event updated."""
    person = visitor(exchange)
    _send(
        "arrangements_changed",
        exchange,
        "visitor",
        person,
        calendar=ical.REQUEST,
        link_url=links.exchange_url(exchange, person.language),
    )
    _send(
        "arrangements_changed",
        exchange,
        "mentor",
        mentor(exchange),
        calendar=ical.REQUEST,
        link_url=links.mentor_url(exchange),
    )


def _had_invitation(exchange: ExchangeRequest) -> bool:
    """Whether the visitor and the mentor were sent the visit for their calendars."""
    return exchange.history.filter(to_state=State.CONFIRMED).exists()


@_together
def cancelled(exchange: ExchangeRequest, *, reason: str, by: Staff) -> None:
    """Tell everyone already involved that the visit will not happen.

    The visitor and the mentor, who had the visit in their calendars, get its cancellation.
    """
    by_coordinator = by.pk != exchange.visitor_id
    invited = _had_invitation(exchange)
    for role, recipient in _involved(exchange):
        _send(
            "cancelled",
            exchange,
            role,
            recipient,
            calendar=ical.CANCEL if invited and role in CALENDAR_ROLES else "",
            reason=reason,
            by_coordinator=by_coordinator,
            was_confirmed=invited,
        )


@_together
def dates_changed(
    exchange: ExchangeRequest, *, previous_dates: VisitDates, reason: str = ""
) -> None:
    """The confirmed visit moved: everyone involved hears it; calendars get the update."""
    for role, recipient in _involved(exchange):
        _send(
            "dates_changed",
            exchange,
            role,
            recipient,
            calendar=ical.REQUEST if role in CALENDAR_ROLES else "",
            previous_dates=previous_dates,
            reason=reason,
        )


# --- reminders (exchange/reminders.py): each key holds the reminder's number -----------


def decision_reminder(
    exchange: ExchangeRequest, approval: Approval, number: int, *, last: bool = False
) -> None:
    """Remind a supervisor who has not decided, with the decision link of the same approval.

    The approval's next reminder time is the day the supervisor is asked to decide by;
    `last` says no reminder follows this one."""
    _send(
        "decision_reminder",
        exchange,
        approval.role,
        approver(approval),
        key=f"decision_reminder:{approval.pk}:{approval.version}:{number}",
        approval=approval,
        number=number,
        last=last,
        asked_on=timezone.localdate(approval.created_at),
        link_url=links.approval_url(approval),
    )


def mentor_reminder(exchange: ExchangeRequest, host_approval: Approval, number: int) -> None:
    """Remind the host who approved that the visit waits for its workplace mentor."""
    _send(
        "mentor_reminder",
        exchange,
        "host",
        approver(host_approval),
        key=f"mentor_reminder:{exchange.pk}:{host_approval.pk}:{number}",
        number=number,
        link_url=links.arrangements_url(host_approval),
    )


def request_stalled(exchange: ExchangeRequest, approval: Approval) -> None:
    """Reminders went unanswered: the visitor and the coordinator hear the request stalls."""
    key = f"request_stalled:{approval.pk}:{approval.version}"
    context = {"approval": approval, "asked_on": timezone.localdate(approval.created_at)}
    person = visitor(exchange)
    _send(
        "request_stalled",
        exchange,
        "visitor",
        person,
        key=key,
        link_url=links.exchange_url(exchange, person.language),
        **context,
    )
    staff = coordinator()
    _send(
        "request_stalled",
        exchange,
        "coordinator",
        staff,
        key=key,
        link_url=links.admin_url(exchange),
        **context,
    )


def visit_near(exchange: ExchangeRequest) -> None:
    """A few days before: the visitor and the mentor get the practicalities."""
    key = f"visit_near:{exchange.pk}:{exchange.first_day:%Y%m%d}:1"
    person = visitor(exchange)
    _send(
        "visit_near",
        exchange,
        "visitor",
        person,
        key=key,
        link_url=links.exchange_url(exchange, person.language),
    )
    _send(
        "visit_near",
        exchange,
        "mentor",
        mentor(exchange),
        key=key,
        link_url=links.mentor_url(exchange),
    )


def feedback_request(exchange: ExchangeRequest) -> None:
    """The visit is over: ask the visitor for feedback and the expense claim."""
    person = visitor(exchange)
    _send(
        "feedback_request",
        exchange,
        "visitor",
        person,
        due_by=_feedback_due_by(exchange),
        **links.after_visit_urls(exchange, person.language),
    )


def _feedback_due_by(exchange: ExchangeRequest):
    """The day the visitor is asked to give feedback and claim by: the next reminder's."""
    due = exchange.feedback_reminder_due_at
    return timezone.localdate(due) if due else None


def feedback_reminder(
    exchange: ExchangeRequest,
    number: int,
    *,
    feedback_missing: bool,
    claim_missing: bool,
    last: bool = False,
) -> None:
    """Ask again for what is still missing after the visit; `last` when none follows."""
    person = visitor(exchange)
    _send(
        "feedback_reminder",
        exchange,
        "visitor",
        person,
        key=f"feedback_reminder:{exchange.pk}:{number}",
        number=number,
        last=last,
        due_by=_feedback_due_by(exchange),
        feedback_missing=feedback_missing,
        claim_missing=claim_missing,
        **links.after_visit_urls(exchange, person.language),
    )
