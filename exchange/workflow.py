"""The exchange state machine: every transition of an ExchangeRequest lives here.

Each transition is one transaction: it locks the request row (select_for_update), checks
the state, changes it, bumps ``exchange.version``, writes a HistoryEntry and writes its
emails to the outbox. A second click, a second tab or a second worker waits for the lock,
then finds the state already moved and changes nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from libraries import availability
from libraries.models import Library, Staff, library_by_id
from web.dates import VisitDates, visit_dates
from web.names import ONE_LINE, is_single_line
from web.prepared import Prepared, locking_by_id

from . import emails
from .models import (
    ARRANGEMENT_FIELDS,
    CANCELLABLE_STATES,
    DAY_HOLDING_STATES,
    MAX_VISIT_DAYS,
    MENTOR_FIELDS,
    Approval,
    ExchangeRequest,
    HistoryEntry,
    ReturnVisit,
    State,
    visit_days_span,
)
from .workdays import add_working_days

# Who acts when no person does (a scheduled sweep).
SYSTEM_LABEL = "Kollega"

# Said alike by the workflow and by the request form, which checks before submitting.
DAYS_TAKEN = gettext_lazy("You already have an open exchange request for some of these days.")
# Said alike wherever a visitor's own address is named as the person who decides.
OWN_APPROVAL = gettext_lazy(
    "A visitor cannot approve their own request. Give another person's address."
)
# How far ahead a visit may begin: far enough for any real plan, and a bound for every
# date a form can send (year 9999 would otherwise reach the calendar file).
MAX_YEARS_AHEAD = 2


class TransitionNotAllowed(Exception):
    """The request is not in a state that allows this step; nothing was changed."""

    def __init__(self, message: str = ""):
        super().__init__(message or _("This step is no longer possible."))
        self.message = str(self.args[0])

    def __str__(self) -> str:
        return self.message


class DaysRefused(TransitionNotAllowed):
    """The visitor cannot ask for these days: they gave some of them to another request, the
    host cannot take a visitor on them, or both. ``errors`` says each by the request's field it
    concerns (None: the request as a whole), as the request form shows it."""

    def __init__(self, errors: dict[str | None, ValidationError]):
        super().__init__(next(iter(errors.values())).messages[0])
        self.errors = errors


class AlreadyDecided(TransitionNotAllowed):
    """The approval was decided already (or is no longer needed)."""


class LinkReplaced(TransitionNotAllowed):
    """The approval's link was replaced by a newer one."""


@dataclass
class MentorDetails:
    """The workplace mentor and the first day's practicalities, named by the host.

    The host may approve before knowing who the mentor will be: without a name and an
    address the mentor is not named yet, and the exchange waits for them.
    """

    name: str
    email: str
    phone: str
    language: str
    meeting_place: str = ""
    meeting_time: str = ""
    programme_notes: str = ""

    @property
    def is_named(self) -> bool:
        return bool(self.name.strip() and self.email.strip())


def mentor_later(language: str = "", **arrangements: str) -> MentorDetails:
    """The host's answer without a mentor yet, with whatever practicalities they gave."""
    return MentorDetails(name="", email="", phone="", language=language, **arrangements)


# --- helpers -------------------------------------------------------------------------


# What a transition reads of a request besides its own row.
_READ_WITH = ("visitor", "home_library__municipality", "host_library__municipality")
# What it locks of those rows: the request, and its visitor, so that two requests of one
# visitor are checked for overlapping days one after the other. The libraries are read, not
# locked: two visitors asking at once for each other's libraries would otherwise each hold
# one and wait for the other. The host's row is locked where its places are counted
# (_check_days).
#
# Every lock is FOR NO KEY UPDATE: it keeps out the other transitions, which take the same
# lock, but not a transaction that only writes a row pointing at the locked one (PostgreSQL
# checks a foreign key with FOR KEY SHARE, at commit). With FOR UPDATE, two requests
# committed at once for each other's libraries each waited for the library the other held.
_LOCKED = ("self", "visitor")


def locked_requests():
    """Requests as a transition (or a reminder) reads and locks them: see _LOCKED."""
    return ExchangeRequest.objects.select_for_update(of=_LOCKED, no_key=True).select_related(
        *_READ_WITH
    )


def _lock_exchange(exchange_id: int) -> ExchangeRequest:
    try:
        return locked_requests().get(pk=exchange_id)
    except ExchangeRequest.DoesNotExist:
        raise TransitionNotAllowed(_("This exchange request does not exist.")) from None


def _lock_approval_row(approval_id: int) -> tuple[Approval, ExchangeRequest]:
    """The approval and its request in one query that locks the request, not the approval.

    Whoever changes an approval's decision, version or approver holds its request's lock, so
    none of these changes while this transaction holds it. The approval's row is as it was
    when the query began, perhaps before it waited for that lock: a decision is written only
    where the row still is as read (_decide_approval).
    """
    found = _APPROVAL_LOCKING_ITS_REQUEST.instances(approval_id, router.db_for_write(Approval))
    if not found:
        raise TransitionNotAllowed(_("This link is not valid."))
    return found[0], found[0].exchange


# Its shape never changes: compiled once per process (web.prepared).
_APPROVAL_LOCKING_ITS_REQUEST = Prepared(
    lambda approval_id: (
        Approval.objects.select_for_update(of=("exchange", "exchange__visitor"), no_key=True)
        .select_related(*(f"exchange__{name}" for name in _READ_WITH))
        .filter(pk=approval_id)
        .order_by()
    )
)


def _check_live(approval: Approval, version: int) -> None:
    if not approval.is_pending:
        raise AlreadyDecided(_("This request has been decided already."))
    if approval.version != version:
        raise LinkReplaced(_("This link has been replaced by a newer one."))


def _decide_approval(
    approval_id: int, version: int, decision: str, comment: str, *, role: str | None = None
) -> tuple[Approval, ExchangeRequest]:
    """Lock the request and record the decision on its approval, if the approval is this
    role's, still pending and of this link's version: one conditional UPDATE, which finds the
    approval as it is now. The request's state is checked by the caller, in the same
    transaction: a refusal there undoes the decision."""
    approval, exchange = _lock_approval_row(approval_id)
    _check_live(approval, version)
    if role is not None and approval.role != role:
        raise TransitionNotAllowed(_("This link is not valid."))
    decided_at = timezone.now()
    written = Approval.objects.filter(
        pk=approval.pk, decision=Approval.Decision.PENDING, version=version
    ).update(decision=decision, comment=comment, decided_at=decided_at)
    if not written:
        # Decided or sent to another person while this waited for the request's lock.
        approval.refresh_from_db(fields=["decision", "version"])
        _check_live(approval, version)
        raise AlreadyDecided(_("This request has been decided already."))
    approval.decision, approval.comment, approval.decided_at = decision, comment, decided_at
    return approval, exchange


def _require(exchange: ExchangeRequest, *states: str) -> None:
    if exchange.state not in states:
        raise AlreadyDecided(
            _("This step is no longer possible: the request is now “%(state)s”.")
            % {"state": exchange.get_state_display()}
        )


def record(
    exchange: ExchangeRequest,
    comment: str,
    *,
    by: Staff | None = None,
    at=None,
    actor_label: str = "",
) -> HistoryEntry:
    """A history row for something done to the exchange that does not move its state."""
    return HistoryEntry.objects.create(
        exchange=exchange,
        at=at or timezone.now(),
        actor=by,
        actor_label=actor_label or (str(by) if by else SYSTEM_LABEL),
        from_state=exchange.state,
        to_state=exchange.state,
        comment=comment,
    )


def _move(
    exchange: ExchangeRequest,
    to_state: str,
    *,
    actor: Staff | None = None,
    actor_label: str = "",
    comment: str = "",
    update_fields: Sequence[str] = (),
) -> HistoryEntry:
    from_state = exchange.state
    exchange.state = to_state
    exchange.version += 1
    if exchange.pk is None:
        # A request that leaves its first state as it is first saved is written once.
        exchange.save(force_insert=True)
    else:
        exchange.save(update_fields=["state", "version", "updated_at", *update_fields])
    return HistoryEntry.objects.create(
        exchange=exchange,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else SYSTEM_LABEL),
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def _withdraw_pending(exchange: ExchangeRequest) -> None:
    """Links still waiting for a decision are no longer needed."""
    exchange.approvals.filter(decision=Approval.Decision.PENDING).update(
        decision=Approval.Decision.WITHDRAWN, decided_at=timezone.now()
    )


def _first_reminder_due() -> datetime:
    """When a supervisor who has not answered gets the first reminder."""
    return add_working_days(timezone.now(), settings.REMINDER_WORKING_DAYS)


def _check_names(*names: str) -> None:
    """Names go into email headers and onto pages as one line; the forms refuse any other,
    and so does the workflow for whatever reaches it another way."""
    if not all(is_single_line(name) for name in names):
        raise TransitionNotAllowed(str(ONE_LINE))


def _languages_of(*people: tuple[str, str]) -> list[str]:
    """The language of each (email, default): a person Kollega knows reads their own language,
    anyone else gets the default. One query for all of them."""
    asked = {f"is_{n}": Q(email__iexact=email) for n, (email, _default) in enumerate(people)}
    rows = list(
        Staff.objects.filter(reduce(or_, asked.values()))
        .annotate(
            **{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in asked.items()}
        )
        .order_by("name", "email")
        .values("language", *asked)
    )
    languages = []
    for name, (_email, default) in zip(asked, people, strict=True):
        # The first person with that address, as a lookup of that address alone finds them.
        known = next((row["language"] for row in rows if row[name]), "")
        languages.append(known or default)
    return languages


def visit_date_errors(first_day: date | None, last_day: date | None) -> dict[str, ValidationError]:
    """What is wrong with a visit's dates, by the day it concerns: "first_day", "last_day".

    A visit lasts 1–5 days and begins after today, at most two years ahead. A day not given
    is no error here; the forms and check_dates each say in their own way that both are
    needed.
    """
    errors = {}
    if first_day and last_day:
        if last_day < first_day:
            errors["last_day"] = ValidationError(
                _("The last day cannot be before the first day."), code="before_first"
            )
        elif visit_days_span(first_day, last_day) > MAX_VISIT_DAYS:
            errors["last_day"] = ValidationError(
                _("A visit lasts at most %(days)s days."),
                code="too_long",
                params={"days": MAX_VISIT_DAYS},
            )
    today = timezone.localdate()
    if first_day and first_day <= today:
        errors["first_day"] = ValidationError(
            _("The first day must be in the future."), code="past"
        )
    elif first_day and first_day > latest_first_day(today):
        errors["first_day"] = ValidationError(
            _("The first day can be at most %(years)s years ahead."),
            code="too_far",
            params={"years": MAX_YEARS_AHEAD},
        )
    return errors


def latest_first_day(today: date) -> date:
    """The last day a visit may begin on, MAX_YEARS_AHEAD years after today."""
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def check_dates(first_day: date | None, last_day: date | None) -> None:
    """Raise TransitionNotAllowed unless the dates make a visit of 1–5 days in the future."""
    if not (first_day and last_day):
        raise TransitionNotAllowed(_("Give the first and the last day of the visit."))
    errors = visit_date_errors(first_day, last_day)
    if errors:
        raise TransitionNotAllowed(next(iter(errors.values())).messages[0])


def days_taken(visitor_id: int, first_day: date, last_day: date, *, besides: int | None) -> bool:
    """Does another submitted request of the visitor (not ``besides``) hold any of these days?"""
    return (
        ExchangeRequest.objects.filter(visitor_id=visitor_id)
        .holding_days(first_day, last_day)
        .exclude(pk=besides)
        .exists()
    )


# Said alike by the request form and by the workflow.
KEEPING_OPEN_NEEDED = gettext_lazy(
    "Your library has three people or fewer: tell how it stays open while you are away."
)


def host_refusal(
    host: Library, first_day: date, last_day: date, *, besides: int | None = None
) -> str | None:
    """Why the host cannot take a visitor on these days (closed, full, not a hosting day),
    counting every request but `besides` that holds a place there; None when it can."""
    return availability.refusal(
        host, first_day, last_day, today=timezone.localdate(), besides=besides
    )


def days_refusals(
    visitor_id: int,
    host: Library | None,
    first_day: date,
    last_day: date,
    *,
    besides: int | None,
) -> dict[str | None, ValidationError]:
    """What keeps the visitor from asking for these days, by the request's field it concerns
    (None: the request as a whole): some of the days given to another of their requests, and
    the host's refusal, when a host is given. Empty when nothing does."""
    errors: dict[str | None, ValidationError] = {}
    if days_taken(visitor_id, first_day, last_day, besides=besides):
        errors[None] = ValidationError(DAYS_TAKEN)
    refusal = host and host_refusal(host, first_day, last_day, besides=besides)
    if refusal:
        errors["first_day"] = ValidationError(refusal, code="host_busy")
    return errors


def _check_days(exchange: ExchangeRequest) -> None:
    """Raise DaysRefused unless the request may hold its days (see days_refusals).

    The host library's row is locked before its places are counted, so that two requests
    for its last place on the same day are counted one after the other: the second waits,
    then finds the place taken. (_lock_exchange reads the library without locking it.) A
    return visit is not counted against its host's places."""
    host = None
    if exchange.return_of_id is None:
        host = library_by_id(exchange.host_library_id, locking=True)
        if host is None:
            raise TransitionNotAllowed(_("This library does not take visitors at the moment."))
        exchange.host_library = host
    errors = days_refusals(
        exchange.visitor_id, host, exchange.first_day, exchange.last_day, besides=exchange.pk
    )
    if errors:
        raise DaysRefused(errors)


def needs_keeping_open(exchange: ExchangeRequest) -> bool:
    """A small home library must say how it stays open; a return visit is asked by the host."""
    return exchange.return_of_id is None and exchange.home_library.is_small


def _check_no_overlap(exchange: ExchangeRequest, first_day: date, last_day: date) -> None:
    if days_taken(exchange.visitor_id, first_day, last_day, besides=exchange.pk):
        raise TransitionNotAllowed(str(DAYS_TAKEN))


def check_new_dates(exchange: ExchangeRequest, first_day: date | None, last_day: date | None):
    """Raise TransitionNotAllowed unless a request may move to these dates: a visit of 1–5
    days in the future, on days the visitor has not given to another request."""
    check_dates(first_day, last_day)
    if exchange.state in DAY_HOLDING_STATES:
        _check_no_overlap(exchange, first_day, last_day)


def _submit(
    exchange: ExchangeRequest,
    *,
    actor: Staff | None,
    actor_label: str = "",
    supervisor: tuple[str, str, str | None],
) -> ExchangeRequest:
    """draft → awaiting_home, with the given (name, email, language) as the home supervisor;
    a language of None is looked up (_languages_of), defaulting to the visitor's.

    A request not saved yet is written once, already submitted (submit_new)."""
    _require(exchange, State.DRAFT)
    check_dates(exchange.first_day, exchange.last_day)
    if exchange.host_library_id == exchange.home_library_id:
        raise TransitionNotAllowed(_("You cannot visit your own library."))
    if exchange.return_of_id is None and not exchange.host_library.accepts_visitors:
        raise TransitionNotAllowed(_("This library does not take visitors at the moment."))
    _check_days(exchange)
    if needs_keeping_open(exchange) and not exchange.keeping_open.strip():
        raise TransitionNotAllowed(str(KEEPING_OPEN_NEEDED))
    name, email, language = supervisor
    _check_names(name, exchange.host_contact_name)
    if not email:
        raise TransitionNotAllowed(
            _("Add your own supervisor's email address to your profile first.")
        )
    if exchange.visitor.owns_mailbox(email):
        raise TransitionNotAllowed(str(OWN_APPROVAL))

    host = exchange.host_library
    named = exchange.host_contact_email
    if named and exchange.return_of_id is None and not host.owns_email(named):
        raise TransitionNotAllowed(
            _("The host contact's address must belong to the staff of %(library)s.")
            % {"library": host}
        )
    if not exchange.host_contact_email:
        exchange.host_contact_name = host.contact_name
        exchange.host_contact_email = host.contact_email
        exchange.host_contact_language = host.contact_language
    if not exchange.host_contact_email:
        raise TransitionNotAllowed(
            _("The host library has no contact person yet. Name the person you agreed with.")
        )
    if exchange.visitor.owns_mailbox(exchange.host_contact_email):
        raise TransitionNotAllowed(str(OWN_APPROVAL))
    _fill_languages(exchange, supervisor=(email, language))
    exchange.home_supervisor_name = name
    exchange.home_supervisor_email = email
    exchange.submitted_at = timezone.now()
    _move(
        exchange,
        State.AWAITING_HOME,
        actor=actor,
        actor_label=actor_label,
        update_fields=[
            "host_contact_name",
            "host_contact_email",
            "host_contact_language",
            "home_supervisor_name",
            "home_supervisor_email",
            "home_supervisor_language",
            "submitted_at",
        ],
    )
    approval = Approval.objects.create(
        exchange=exchange,
        role=Approval.Role.HOME,
        name=name,
        email=email,
        language=exchange.home_supervisor_language,
        next_reminder_at=_first_reminder_due(),
    )
    emails.submitted(exchange, approval)
    return exchange


def _fill_languages(exchange: ExchangeRequest, *, supervisor: tuple[str, str | None]) -> None:
    """The home supervisor's language, and the host contact's unless given, as Kollega knows
    them: both looked up at once (_languages_of)."""
    email, language = supervisor
    people, fill = [], []
    if language is None:
        people.append((email, exchange.visitor.language))
        fill.append("home_supervisor_language")
    else:
        exchange.home_supervisor_language = language
    if not exchange.host_contact_language:
        people.append((exchange.host_contact_email, exchange.host_library.main_language))
        fill.append("host_contact_language")
    if people:
        for name, found in zip(fill, _languages_of(*people), strict=True):
            setattr(exchange, name, found)


def _create_return_visit(exchange: ExchangeRequest, host_approval: Approval) -> ExchangeRequest:
    """The second half of a reciprocal exchange: submitted at once, with its own approvals."""
    details = exchange.return_details()
    # The return visitor's own account when their address reaches it, however it is written.
    visitor = Staff.objects.for_mailbox(details.email)
    created = visitor is None
    if created:
        visitor = Staff.objects.create(
            email=details.email.strip().lower(),
            name=details.name,
            library=exchange.host_library,
            language=details.language,
        )
    if not created and visitor.library_id is None:
        visitor.library = exchange.host_library
        visitor.save(update_fields=["library"])
    if not visitor.supervisor_email:
        visitor.supervisor_name = host_approval.name
        visitor.supervisor_email = host_approval.email
        visitor.save(update_fields=["supervisor_name", "supervisor_email"])

    back = ExchangeRequest.objects.create(
        visitor=visitor,
        home_library=exchange.host_library,
        host_library=exchange.home_library,
        first_day=details.first_day,
        last_day=details.last_day,
        kind=ExchangeRequest.Kind.RECIPROCAL,
        trip_type=exchange.trip_type,
        language_practice=exchange.language_practice,
        return_of=exchange,
        host_contact_name=exchange.home_supervisor_name,
        host_contact_email=exchange.home_supervisor_email,
        host_contact_language=exchange.home_supervisor_language,
    )
    HistoryEntry.objects.create(
        exchange=back,
        actor_label=host_approval.approver_label,
        from_state="",
        to_state=State.DRAFT,
        comment=_("Return visit of a reciprocal exchange."),
    )
    return _submit(
        back,
        actor=None,
        actor_label=host_approval.approver_label,
        supervisor=(host_approval.name, host_approval.email, host_approval.language),
    )


def _set_mentor(exchange: ExchangeRequest, mentor: MentorDetails) -> list[str]:
    """The mentor (when named) and the first day's practicalities, as the host gave them."""
    _check_names(mentor.name)
    if bool(mentor.name.strip()) != bool(mentor.email.strip()):
        raise TransitionNotAllowed(_("Give both the workplace mentor's name and email address."))
    if mentor.is_named and exchange.visitor.owns_mailbox(mentor.email):
        raise TransitionNotAllowed(_("The visitor cannot be their own workplace mentor."))
    exchange.mentor_name = mentor.name.strip()
    exchange.mentor_email = mentor.email.strip().lower()
    exchange.mentor_phone = mentor.phone.strip()
    exchange.mentor_language = mentor.language if mentor.is_named else ""
    return [*MENTOR_FIELDS, *_set_arrangements(exchange, mentor)]


def _set_arrangements(exchange: ExchangeRequest, mentor: MentorDetails) -> list[str]:
    exchange.meeting_place = mentor.meeting_place.strip()
    exchange.meeting_time = mentor.meeting_time.strip()
    exchange.programme_notes = mentor.programme_notes.strip()
    return list(ARRANGEMENT_FIELDS)


def _await_mentor(exchange: ExchangeRequest) -> list[str]:
    """The host has approved without naming the mentor: they are reminded until they do."""
    exchange.mentor_reminder_due_at = _first_reminder_due()
    exchange.mentor_reminders_sent = 0
    return ["mentor_reminder_due_at", "mentor_reminders_sent"]


def host_answer(exchange: ExchangeRequest) -> Approval | None:
    """The host's answer the exchange goes on from (the latest, if a link was replaced)."""
    return (
        exchange.approvals.filter(
            role=Approval.Role.HOST,
            decision__in=[Approval.Decision.APPROVED, Approval.Decision.DATES_PROPOSED],
        )
        .order_by("pk")
        .last()
    )


def _set_return_visit(exchange: ExchangeRequest, return_visit: ReturnVisit | None) -> list[str]:
    if not exchange.needs_return_visit:
        return []
    if return_visit is None:
        raise TransitionNotAllowed(_("Name who will come back in this reciprocal exchange."))
    check_dates(return_visit.first_day, return_visit.last_day)
    _check_names(return_visit.name)
    if not exchange.host_library.owns_email(return_visit.email):
        raise TransitionNotAllowed(
            _("The return visitor's email address must belong to %(library)s.")
            % {"library": exchange.host_library}
        )
    exchange.return_visitor_name = return_visit.name
    exchange.return_visitor_email = return_visit.email.strip().lower()
    exchange.return_visitor_language = return_visit.language
    exchange.return_first_day = return_visit.first_day
    exchange.return_last_day = return_visit.last_day
    return [
        "return_visitor_name",
        "return_visitor_email",
        "return_visitor_language",
        "return_first_day",
        "return_last_day",
    ]


def _confirm_extras(exchange: ExchangeRequest, host_approval: Approval | None) -> None:
    """What every confirmation does: the return visit (reciprocal) and the emails."""
    host_approval = host_approval or host_answer(exchange)
    if exchange.needs_return_visit and exchange.return_visitor_email:
        _create_return_visit(exchange, host_approval)
    emails.confirmed(exchange, host_approval)


# --- transitions ---------------------------------------------------------------------


def _own_supervisor(visitor: Staff) -> tuple[str, str, None]:
    """The visitor's supervisor as their profile names them; the language is looked up."""
    return (visitor.supervisor_name, visitor.supervisor_email.strip().lower(), None)


def submit(exchange_id: int, *, by: Staff) -> ExchangeRequest:
    """draft → awaiting_home: the visitor sends the request to their own supervisor."""
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can submit this request."))
        return _submit(exchange, actor=by, supervisor=_own_supervisor(exchange.visitor))


def submit_new(
    exchange: ExchangeRequest, *, by: Staff, save_m2m: Callable[[], None]
) -> ExchangeRequest:
    """draft → awaiting_home for a request not saved yet: the visitor submits it as they
    first save it. The request is written once, already submitted, then ``save_m2m`` writes
    its relations (the form's focus areas), in the same transaction.

    No one else can see the request before it commits, so the visitor's row is what is
    locked (as a transition locks it with the request): their requests are checked for
    overlapping days one after the other."""
    with transaction.atomic():
        visitor = _VISITOR_LOCKED.instances(by.pk, router.db_for_write(Staff))[0]
        exchange.visitor, exchange.home_library = visitor, visitor.library
        _submit(exchange, actor=by, supervisor=_own_supervisor(visitor))
        save_m2m()
        return exchange


# The visitor with their library, locked as submit_new locks them: compiled once.
_VISITOR_LOCKED = locking_by_id(Staff, "library__municipality")


def approve_home(approval_id: int, *, version: int, comment: str = "") -> ExchangeRequest:
    """awaiting_home → awaiting_host: the home supervisor approves; the host is asked next."""
    with transaction.atomic():
        approval, exchange = _decide_approval(
            approval_id, version, Approval.Decision.APPROVED, comment, role=Approval.Role.HOME
        )
        _require(exchange, State.AWAITING_HOME)
        _move(exchange, State.AWAITING_HOST, actor_label=approval.approver_label, comment=comment)
        host_approval = Approval.objects.create(
            exchange=exchange,
            role=Approval.Role.HOST,
            name=exchange.host_contact_name,
            email=exchange.host_contact_email,
            language=exchange.host_contact_language or exchange.host_library.main_language,
            next_reminder_at=_first_reminder_due(),
        )
        emails.approved_home(exchange, host_approval, comment)
        return exchange


def decline(approval_id: int, *, version: int, reason: str) -> ExchangeRequest:
    """awaiting_home | awaiting_host → declined, with a reason."""
    if not reason.strip():
        raise TransitionNotAllowed(_("Give a reason for declining."))
    with transaction.atomic():
        approval, exchange = _decide_approval(
            approval_id, version, Approval.Decision.DECLINED, reason
        )
        expected = (
            State.AWAITING_HOME if approval.role == Approval.Role.HOME else State.AWAITING_HOST
        )
        _require(exchange, expected)
        _move(exchange, State.DECLINED, actor_label=approval.approver_label, comment=reason)
        emails.declined(exchange, approval)
        return exchange


def approve_host(
    approval_id: int,
    *,
    version: int,
    mentor: MentorDetails,
    return_visit: ReturnVisit | None = None,
    comment: str = "",
) -> ExchangeRequest:
    """awaiting_host → confirmed: the host approves and names the workplace mentor; or
    awaiting_host → awaiting_mentor: the host approves and names the mentor later."""
    with transaction.atomic():
        approval, exchange = _decide_host_approval(
            approval_id, version, Approval.Decision.APPROVED, comment
        )
        if mentor.is_named:
            to_state, fields = State.CONFIRMED, []
        else:
            to_state, fields = State.AWAITING_MENTOR, _await_mentor(exchange)
        _record_host_answer(
            approval,
            exchange,
            to_state,
            mentor=mentor,
            return_visit=return_visit,
            comment=comment,
            fields=fields,
        )
        if mentor.is_named:
            _confirm_extras(exchange, approval)
        else:
            emails.awaiting_mentor(exchange, approval)
        return exchange


def name_mentor(approval_id: int, *, version: int, mentor: MentorDetails) -> ExchangeRequest:
    """awaiting_mentor → confirmed: the host names the workplace mentor through their link.

    The confirmation goes out as when the mentor is named at once: the visitor's and the
    mentor's calendar invitations, the supervisors and the coordinator.
    """
    with transaction.atomic():
        approval, exchange = _lock_arrangements(approval_id, version)
        _require(exchange, State.AWAITING_MENTOR)
        if not mentor.is_named:
            raise TransitionNotAllowed(_("Give the workplace mentor's name and email address."))
        fields = _set_mentor(exchange, mentor)
        exchange.mentor_reminder_due_at = None
        _move(
            exchange,
            State.CONFIRMED,
            actor_label=approval.approver_label,
            comment=_("Workplace mentor named: %(name)s.") % {"name": exchange.mentor_name},
            update_fields=[*fields, "mentor_reminder_due_at"],
        )
        _confirm_extras(exchange, approval)
        return exchange


def change_arrangements(
    approval_id: int, *, version: int, meeting_place: str, meeting_time: str, programme_notes: str
) -> ExchangeRequest:
    """The host completes or changes the first day's practicalities of a confirmed visit,
    until the visit begins. The visitor and the mentor are told; their calendars updated."""
    with transaction.atomic():
        approval, exchange = _lock_arrangements(approval_id, version)
        _require(exchange, State.CONFIRMED)
        if exchange.has_begun:
            raise TransitionNotAllowed(_("The visit has begun: its arrangements are as agreed."))
        before = [getattr(exchange, name) for name in ARRANGEMENT_FIELDS]
        details = mentor_later(
            meeting_place=meeting_place,
            meeting_time=meeting_time,
            programme_notes=programme_notes,
        )
        fields = _set_arrangements(exchange, details)
        if [getattr(exchange, name) for name in ARRANGEMENT_FIELDS] == before:
            return exchange
        exchange.version += 1
        exchange.save(update_fields=[*fields, "version", "updated_at"])
        record(
            exchange,
            _("The first day's arrangements changed."),
            actor_label=approval.approver_label,
        )
        emails.arrangements_changed(exchange)
        return exchange


def _lock_arrangements(approval_id: int, version: int) -> tuple[Approval, ExchangeRequest]:
    """Lock the request and the host's answer its arrangements link was made for."""
    approval, exchange = _lock_approval_row(approval_id)
    answered = (Approval.Decision.APPROVED, Approval.Decision.DATES_PROPOSED)
    if approval.role != Approval.Role.HOST or approval.decision not in answered:
        raise TransitionNotAllowed(_("This link is not valid."))
    if approval.version != version:
        raise LinkReplaced(_("This link has been replaced by a newer one."))
    return approval, exchange


def propose_dates(
    approval_id: int,
    *,
    version: int,
    first_day: date,
    last_day: date,
    mentor: MentorDetails,
    return_visit: ReturnVisit | None = None,
    comment: str = "",
) -> ExchangeRequest:
    """awaiting_host → dates_proposed: the host suggests other days, and names the mentor
    now or later."""
    with transaction.atomic():
        approval, exchange = _decide_host_approval(
            approval_id, version, Approval.Decision.DATES_PROPOSED, comment
        )
        check_dates(first_day, last_day)
        exchange.proposed_first_day = first_day
        exchange.proposed_last_day = last_day
        _record_host_answer(
            approval,
            exchange,
            State.DATES_PROPOSED,
            mentor=mentor,
            return_visit=return_visit,
            comment=comment,
            fields=["proposed_first_day", "proposed_last_day"],
        )
        emails.dates_proposed(exchange, comment)
        return exchange


def _decide_host_approval(
    approval_id: int, version: int, decision: str, comment: str
) -> tuple[Approval, ExchangeRequest]:
    approval, exchange = _decide_approval(
        approval_id, version, decision, comment, role=Approval.Role.HOST
    )
    _require(exchange, State.AWAITING_HOST)
    return approval, exchange


def _record_host_answer(
    approval: Approval,
    exchange: ExchangeRequest,
    to_state: str,
    *,
    mentor: MentorDetails,
    return_visit: ReturnVisit | None,
    comment: str,
    fields: Sequence[str] = (),
) -> None:
    """The host's answer, its decision already on the approval: the mentor (and who comes
    back) recorded, the move."""
    fields = [*fields, *_set_mentor(exchange, mentor), *_set_return_visit(exchange, return_visit)]
    _move(
        exchange,
        to_state,
        actor_label=approval.approver_label,
        comment=comment,
        update_fields=fields,
    )


def accept_dates(exchange_id: int, *, by: Staff) -> ExchangeRequest:
    """dates_proposed → confirmed: the visitor takes the host's dates (→ awaiting_mentor
    when the host names the workplace mentor later)."""
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can accept the dates."))
        _require(exchange, State.DATES_PROPOSED)
        first_day, last_day = exchange.proposed_first_day, exchange.proposed_last_day
        check_dates(first_day, last_day)
        _check_no_overlap(exchange, first_day, last_day)
        exchange.first_day, exchange.last_day = first_day, last_day
        if exchange.has_mentor:
            _move(exchange, State.CONFIRMED, actor=by, update_fields=["first_day", "last_day"])
            _confirm_extras(exchange, None)
            return exchange
        fields = ["first_day", "last_day", *_await_mentor(exchange)]
        _move(exchange, State.AWAITING_MENTOR, actor=by, update_fields=fields)
        emails.awaiting_mentor(exchange, host_answer(exchange))
        return exchange


def refuse_dates(exchange_id: int, *, by: Staff, reason: str = "") -> ExchangeRequest:
    """dates_proposed → cancelled: the visitor cannot come on the host's dates."""
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can refuse the dates."))
        _require(exchange, State.DATES_PROPOSED)
        _move(exchange, State.CANCELLED, actor=by, comment=reason)
        emails.cancelled(exchange, reason=reason, by=by)
        return exchange


def cancel(exchange_id: int, *, by: Staff, reason: str) -> ExchangeRequest:
    """Any open state before the visit → cancelled, by the visitor or the coordinator."""
    if not reason.strip():
        raise TransitionNotAllowed(_("Give a reason for cancelling."))
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if exchange.visitor_id != by.pk and not by.is_staff:
            raise TransitionNotAllowed(_("Only the visitor or the coordinator can cancel."))
        _require(exchange, *CANCELLABLE_STATES)
        if not exchange.can_be_cancelled:
            raise TransitionNotAllowed(_("The visit has begun and can no longer be cancelled."))
        was_draft = exchange.state == State.DRAFT
        _withdraw_pending(exchange)
        _move(exchange, State.CANCELLED, actor=by, comment=reason)
        if not was_draft:
            emails.cancelled(exchange, reason=reason, by=by)
        return exchange


def complete(exchange_id: int) -> ExchangeRequest:
    """confirmed → completed, once the last day of the visit has passed.

    The visitor is asked for feedback and the expense claim, and reminded later
    (exchange/reminders.py) while either is missing.
    """
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        _require(exchange, State.CONFIRMED)
        if exchange.last_day is None or exchange.last_day >= timezone.localdate():
            raise TransitionNotAllowed(_("The visit is not over yet."))
        exchange.feedback_reminder_due_at = timezone.now() + timedelta(
            days=settings.FEEDBACK_REMINDER_DAYS
        )
        exchange.feedback_reminders_sent = 0
        _move(
            exchange,
            State.COMPLETED,
            update_fields=["feedback_reminder_due_at", "feedback_reminders_sent"],
        )
        emails.feedback_request(exchange)
        return exchange


def change_dates(
    exchange_id: int, *, first_day: date, last_day: date, by: Staff, reason: str = ""
) -> ExchangeRequest:
    """A confirmed visit moves to other days (the coordinator, as agreed with both libraries).

    Everyone involved hears it, and the visitor's and the mentor's calendars get the event
    updated: the same UID with a higher SEQUENCE.
    """
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if not by.is_staff:
            raise TransitionNotAllowed(_("Only the coordinator can change the dates."))
        _require(exchange, State.CONFIRMED)
        if (first_day, last_day) == (exchange.first_day, exchange.last_day):
            return exchange
        check_new_dates(exchange, first_day, last_day)
        previous = VisitDates(exchange.first_day, exchange.last_day)
        exchange.first_day, exchange.last_day = first_day, last_day
        # The practicalities go again before the new first day.
        exchange.practicalities_sent_at = None
        exchange.version += 1
        exchange.save(
            update_fields=[
                "first_day",
                "last_day",
                "practicalities_sent_at",
                "version",
                "updated_at",
            ]
        )
        record(
            exchange,
            (
                _("Dates changed from %(previous)s to %(dates)s. %(reason)s")
                % {
                    "previous": previous,
                    "dates": visit_dates(first_day, last_day),
                    "reason": reason,
                }
            ).strip(),
            by=by,
        )
        emails.dates_changed(exchange, previous_dates=previous, reason=reason)
        return exchange


def close(exchange_id: int, *, by: Staff) -> ExchangeRequest:
    """completed → closed: the visitor's feedback closes the visit.

    Called inside the transaction that saves the feedback; the feedback app writes the
    messages the feedback causes (feedback.emails), so they share this transaction.
    """
    with transaction.atomic():
        exchange = _lock_exchange(exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can give feedback on this visit."))
        _require(exchange, State.COMPLETED)
        _move(exchange, State.CLOSED, actor=by)
        return exchange


def change_approver(
    approval_id: int, *, name: str, email: str, language: str, by: Staff
) -> ExchangeRequest:
    """Send a pending approval to another person; the old link stops working."""
    with transaction.atomic():
        exchange_id = (
            Approval.objects.filter(pk=approval_id).values_list("exchange_id", flat=True).first()
        )
        if exchange_id is None:
            raise TransitionNotAllowed(_("This link is not valid."))
        exchange = _lock_exchange(exchange_id)
        approval = Approval.objects.select_for_update().get(pk=approval_id)
        if not approval.is_pending:
            raise AlreadyDecided(_("This request has been decided already."))
        if exchange.visitor.owns_mailbox(email):
            raise TransitionNotAllowed(str(OWN_APPROVAL))
        approval.name, approval.email, approval.language = name, email.strip().lower(), language
        approval.version += 1
        # The new person gets the full time to answer, and reminders of their own.
        approval.next_reminder_at = _first_reminder_due()
        approval.reminders_sent = 0
        approval.save(
            update_fields=[
                "name",
                "email",
                "language",
                "version",
                "next_reminder_at",
                "reminders_sent",
            ]
        )
        if approval.role == Approval.Role.HOME:
            exchange.home_supervisor_name = approval.name
            exchange.home_supervisor_email = approval.email
            exchange.home_supervisor_language = approval.language
            fields = ["home_supervisor_name", "home_supervisor_email", "home_supervisor_language"]
        else:
            exchange.host_contact_name = approval.name
            exchange.host_contact_email = approval.email
            exchange.host_contact_language = approval.language
            fields = ["host_contact_name", "host_contact_email", "host_contact_language"]
        exchange.version += 1
        exchange.save(update_fields=["version", "updated_at", *fields])
        record(exchange, _("Decision link sent to %(email)s.") % {"email": approval.email}, by=by)
        emails.decision_request(exchange, approval)
        return exchange
