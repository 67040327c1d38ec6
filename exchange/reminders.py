"""The reminder sweep: nobody has to chase anybody.

One function, `run`, used by the hourly beat task (exchange.tasks.send_reminders) and by
`manage.py send_reminders`. It finds what is due through indexed columns (an approval's
next reminder time, an approved visit's next reminder to name its workplace mentor, a
confirmed visit's first day, a completed visit's next feedback reminder), so its cost
follows the reminders due, not the exchanges kept. Each item is handled in its own
transaction with the exchange row locked and the reason checked again,
and each reminder is an outbox row whose dedupe key holds its number: however often the
sweep runs, and from however many processes, each reminder goes once, and one whose
reason has gone (the supervisor answered, the visit was cancelled) is not sent.
"""

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import emails, workflow
from .models import Approval, ExchangeRequest, State
from .workdays import add_working_days

log = logging.getLogger(__name__)

# A supervisor is reminded at most this many times; after that the request stalls.
MAX_DECISION_REMINDERS = 2
# After the visit, feedback and the expense claim are asked again at most this many times.
MAX_FEEDBACK_REMINDERS = 2
# A host who approved without naming the workplace mentor is reminded at most this many times.
MAX_MENTOR_REMINDERS = 2

STEPS = (
    "decision_reminders",
    "mentor_reminders",
    "practicalities",
    "completed",
    "feedback_reminders",
)


@dataclass
class Summary:
    decision_reminders: int = 0
    stalled: int = 0
    mentor_reminders: int = 0
    practicalities: int = 0
    completed: int = 0
    feedback_reminders: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def run(*, dry_run: bool = False, steps: Iterable[str] = STEPS) -> Summary:
    """Send every reminder that is due now. With dry_run, count them and change nothing."""
    now = timezone.now()
    summary = Summary()
    # A dry run does the real work in one transaction and rolls it back, so its counts are
    # exactly what a real run would do; the messages' on-commit sends are dropped with it.
    with transaction.atomic() if dry_run else nullcontext():
        for step in steps:
            if step == "decision_reminders":
                for approval_id in list(approvals_due(now)):
                    outcome = remind_approver(approval_id, now)
                    if outcome == "reminded":
                        summary.decision_reminders += 1
                    elif outcome == "stalled":
                        summary.stalled += 1
            elif step == "mentor_reminders":
                summary.mentor_reminders += sum(
                    remind_host_of_mentor(exchange_id, now)
                    for exchange_id in list(mentors_due(now))
                )
            elif step == "practicalities":
                summary.practicalities += sum(
                    send_practicalities(exchange_id, now) for exchange_id in list(visits_near(now))
                )
            elif step == "completed":
                summary.completed += sum(
                    complete_visit(exchange_id) for exchange_id in list(visits_over(now))
                )
            elif step == "feedback_reminders":
                summary.feedback_reminders += sum(
                    remind_feedback(exchange_id, now) for exchange_id in list(feedback_due(now))
                )
            else:
                raise ValueError(f"unknown reminder step {step!r}")
        if dry_run:
            transaction.set_rollback(True)
    log.info("reminder sweep%s: %s", " (dry run)" if dry_run else "", summary.as_dict())
    return summary


# --- what is due: indexed lookups of ids ---------------------------------------------


def approvals_due(now: datetime) -> QuerySet:
    """Pending approvals whose next reminder is due.

    Partial index approval_reminder_due (next_reminder_at WHERE decision = 'pending').
    """
    return (
        Approval.objects.filter(decision=Approval.Decision.PENDING, next_reminder_at__lte=now)
        .order_by("next_reminder_at")
        .values_list("pk", flat=True)
    )


def mentors_due(now: datetime) -> QuerySet:
    """Approved visits whose host is due a reminder to name the workplace mentor.

    Partial index exchange_mentor_reminder_due (mentor_reminder_due_at WHERE NOT NULL).
    """
    return (
        ExchangeRequest.objects.filter(mentor_reminder_due_at__lte=now)
        .order_by("mentor_reminder_due_at")
        .values_list("pk", flat=True)
    )


def _practicalities_window(now: datetime) -> tuple:
    today = timezone.localdate(now)
    return today, today + timedelta(days=settings.PRACTICALITIES_DAYS_BEFORE)


def visits_near(now: datetime) -> QuerySet:
    """Confirmed visits that begin within the window and have not had the practicalities.

    Partial index exchange_practicalities_due (first_day WHERE state = 'confirmed' AND
    practicalities_sent_at IS NULL).
    """
    today, last = _practicalities_window(now)
    return (
        ExchangeRequest.objects.filter(
            state=State.CONFIRMED,
            practicalities_sent_at__isnull=True,
            first_day__gte=today,
            first_day__lte=last,
        )
        .order_by("first_day")
        .values_list("pk", flat=True)
    )


def visits_over(now: datetime) -> QuerySet:
    """Confirmed visits whose last day has passed (index on state, last_day)."""
    return (
        ExchangeRequest.objects.filter(state=State.CONFIRMED, last_day__lt=timezone.localdate(now))
        .order_by("last_day")
        .values_list("pk", flat=True)
    )


def feedback_due(now: datetime) -> QuerySet:
    """Visits over whose next feedback reminder is due.

    Partial index exchange_feedback_due (feedback_reminder_due_at WHERE NOT NULL).
    """
    return (
        ExchangeRequest.objects.filter(feedback_reminder_due_at__lte=now)
        .order_by("feedback_reminder_due_at")
        .values_list("pk", flat=True)
    )


def _lock(exchange_id: int) -> ExchangeRequest:
    return workflow.locked_requests().get(pk=exchange_id)


# --- one item each, in its own transaction ---------------------------------------------


def remind_approver(approval_id: int, now: datetime) -> str | None:
    """Remind a supervisor who has not decided, or, after the last reminder, tell the
    visitor and the coordinator that the request stalls. Returns what was done."""
    with transaction.atomic():
        exchange_id = (
            Approval.objects.filter(pk=approval_id).values_list("exchange_id", flat=True).first()
        )
        if exchange_id is None:
            return None
        # The exchange first, then its approval: the order every transition locks them in.
        exchange = _lock(exchange_id)
        approval = Approval.objects.select_for_update().get(pk=approval_id)
        if approval.next_reminder_at is None or approval.next_reminder_at > now:
            return None  # another sweep got here first
        waiting_state = (
            State.AWAITING_HOME if approval.role == Approval.Role.HOME else State.AWAITING_HOST
        )
        if not approval.is_pending or exchange.state != waiting_state:
            approval.next_reminder_at = None
            approval.save(update_fields=["next_reminder_at"])
            return None
        if approval.reminders_sent < MAX_DECISION_REMINDERS:
            approval.reminders_sent += 1
            # Set first: the reminder asks for a decision by the day of the next one.
            approval.next_reminder_at = add_working_days(now, settings.REMINDER_WORKING_DAYS)
            emails.decision_reminder(
                exchange,
                approval,
                approval.reminders_sent,
                last=approval.reminders_sent == MAX_DECISION_REMINDERS,
            )
            outcome = "reminded"
        else:
            emails.request_stalled(exchange, approval)
            approval.next_reminder_at = None
            outcome = "stalled"
        approval.save(update_fields=["reminders_sent", "next_reminder_at"])
        return outcome


def remind_host_of_mentor(exchange_id: int, now: datetime) -> bool:
    """Remind the host who approved that the visit waits for its workplace mentor."""
    with transaction.atomic():
        exchange = _lock(exchange_id)
        due = exchange.mentor_reminder_due_at
        if due is None or due > now:
            return False  # another sweep got here first
        number = exchange.mentor_reminders_sent + 1
        host_approval = workflow.host_answer(exchange)
        still_needed = (
            exchange.state == State.AWAITING_MENTOR
            and host_approval is not None
            and not exchange.has_begun
        )
        if not still_needed or number > MAX_MENTOR_REMINDERS:
            exchange.mentor_reminder_due_at = None
            exchange.save(update_fields=["mentor_reminder_due_at"])
            return False
        emails.mentor_reminder(exchange, host_approval, number)
        exchange.mentor_reminders_sent = number
        exchange.mentor_reminder_due_at = (
            add_working_days(now, settings.REMINDER_WORKING_DAYS)
            if number < MAX_MENTOR_REMINDERS
            else None
        )
        exchange.save(update_fields=["mentor_reminders_sent", "mentor_reminder_due_at"])
        return True


def send_practicalities(exchange_id: int, now: datetime) -> bool:
    """The visit is near: the visitor and the mentor get the practicalities, once."""
    with transaction.atomic():
        exchange = _lock(exchange_id)
        today, last = _practicalities_window(now)
        if (
            exchange.state != State.CONFIRMED
            or exchange.practicalities_sent_at is not None
            or not (today <= exchange.first_day <= last)
        ):
            return False
        emails.visit_near(exchange)
        exchange.practicalities_sent_at = now
        exchange.save(update_fields=["practicalities_sent_at"])
        return True


def complete_visit(exchange_id: int) -> bool:
    """The visit is over: it becomes completed and the visitor is asked for feedback."""
    try:
        workflow.complete(exchange_id)
    except workflow.TransitionNotAllowed:
        return False  # cancelled, or completed by another sweep meanwhile
    return True


def remind_feedback(exchange_id: int, now: datetime) -> bool:
    """Ask the visitor again for the feedback or the expense claim still missing."""
    with transaction.atomic():
        exchange = _lock(exchange_id)
        due = exchange.feedback_reminder_due_at
        if due is None or due > now:
            return False  # another sweep got here first
        feedback_missing = not has_feedback(exchange)
        claim_missing = not has_expense_claim(exchange)
        still_needed = exchange.state in (State.COMPLETED, State.CLOSED) and (
            feedback_missing or claim_missing
        )
        number = exchange.feedback_reminders_sent + 1
        if not still_needed or number > MAX_FEEDBACK_REMINDERS:
            exchange.feedback_reminder_due_at = None
            exchange.save(update_fields=["feedback_reminder_due_at"])
            return False
        exchange.feedback_reminders_sent = number
        # Set first: the reminder asks for what is missing by the day of the next one.
        exchange.feedback_reminder_due_at = (
            now + timedelta(days=settings.FEEDBACK_REMINDER_DAYS)
            if number < MAX_FEEDBACK_REMINDERS
            else None
        )
        emails.feedback_reminder(
            exchange,
            number,
            feedback_missing=feedback_missing,
            claim_missing=claim_missing,
            last=number == MAX_FEEDBACK_REMINDERS,
        )
        exchange.save(update_fields=["feedback_reminders_sent", "feedback_reminder_due_at"])
        return True


# --- what the visitor has done after the visit ----------------------------------------


@dataclass(frozen=True)
class AfterTheVisit:
    """What the app that keeps the visitor's feedback and expense claim tells the sweep."""

    has_feedback: Callable[[int], bool]
    has_expense_claim: Callable[[int], bool]


_after_the_visit: AfterTheVisit | None = None


def provide_after_the_visit(answers: AfterTheVisit) -> None:
    """Set by the feedback app when it is ready."""
    global _after_the_visit
    _after_the_visit = answers


def _answers() -> AfterTheVisit:
    if _after_the_visit is None:
        # Without the answers every visitor would be reminded of what they may have done.
        raise ImproperlyConfigured(
            "The reminder sweep needs to know whether feedback and an expense claim exist: "
            "install the feedback app, which provides it."
        )
    return _after_the_visit


def has_feedback(exchange: ExchangeRequest) -> bool:
    """The visitor's feedback closes the visit; the feedback app also keeps the row."""
    if exchange.state == State.CLOSED:
        return True
    return _answers().has_feedback(exchange.pk)


def has_expense_claim(exchange: ExchangeRequest) -> bool:
    return _answers().has_expense_claim(exchange.pk)
