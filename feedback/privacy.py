"""Privacy by design: personal data kept no longer than needed, and one person's data on request.

Retention (`run`, daily from beat, or `manage.py anonymise_personal_data`): a set number of
months (PERSONAL_DATA_RETENTION_MONTHS, 24 by default) after a visit ends, the names, email
addresses and phone numbers in it, its free texts not published with consent, its emails in
the outbox, its history comments and its admin log entries are blanked, and the receipts of its
expense claim are deleted. A visit ends when it closes with the visitor's feedback, is declined
or cancelled; a visit completed without feedback ends on its last day, and a draft never sent
when it was last saved. What the yearly
statistics count stays: libraries, dates, states, ratings and sums. A person's account goes
the same way once all their visits have, and they have not signed in for the same time.
Expired sessions, sign-in links after a day and failed admin sign-ins after their cool-off
go as well.

On request (`export` and `erase`, from the admin's personal data page): everything Kollega
holds about one email address, as JSON; and erasure of it, refused while it is still needed
for an exchange in progress, an unpaid claim or a library's contact details.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange import workflow
from exchange.models import (
    OPEN_STATES,
    Approval,
    ExchangeRequest,
    HistoryEntry,
    Notification,
    State,
)
from exchange.workflow import SYSTEM_LABEL
from libraries.models import AccessibilityFeedback, Library, SignInLink, Staff
from libraries.signin import KEEP_LINKS_FOR

from .models import (
    ClaimState,
    ExpenseClaim,
    HostFeedback,
    Receipt,
    StoryConsent,
    VisitorFeedback,
    receipt_storage,
)

# States in which a visit has ended, and the time it ended is that of the move into them.
ENDED_STATES = [State.CLOSED, State.DECLINED, State.CANCELLED]
# Claims still to be handled keep their visit's data, whatever its age.
UNSETTLED_CLAIMS = [ClaimState.SUBMITTED, ClaimState.APPROVED]

# What is blanked. The visit's own fields: people and free texts.
EXCHANGE_PERSONAL_FIELDS = [
    "alternative_dates",
    "expectations",
    "cover_arrangements",
    "home_supervisor_name",
    "home_supervisor_email",
    "host_contact_name",
    "host_contact_email",
    "mentor_name",
    "mentor_email",
    "mentor_phone",
    "meeting_place",
    "meeting_time",
    "programme_notes",
    "return_visitor_name",
    "return_visitor_email",
]
# The people an exchange names besides its visitor: (name field, email field, other fields).
EXCHANGE_PEOPLE = [
    ("home_supervisor_name", "home_supervisor_email", []),
    ("host_contact_name", "host_contact_email", []),
    ("mentor_name", "mentor_email", ["mentor_phone"]),
    ("return_visitor_name", "return_visitor_email", []),
]
FEEDBACK_TEXTS = ["learned", "take_home", "message_to_host", "message_to_coordinator"]
CLAIM_TEXTS = ["other_travel_description", "notes", "rejection_reason", "coordinator_note"]
MESSAGE_CONTENT = ["subject", "body_text", "body_html", "calendar"]
MESSAGE_FIELDS = ["recipient", "recipient_name", *MESSAGE_CONTENT]
ACCOUNT_FIELDS = ["name", "job_title", "supervisor_name", "supervisor_email"]
# Never exported: secrets, not data about the person.
NOT_EXPORTED = {"password", "token_hash"}


def retention_cutoff(now: datetime | None = None, months: int | None = None) -> datetime:
    """The moment the retention period reaches back to: `months` calendar months before now."""
    now = now or timezone.now()
    months = settings.PERSONAL_DATA_RETENTION_MONTHS if months is None else months
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    # The 31st of a month that has fewer days becomes that month's last day.
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _as_date(moment: datetime) -> date:
    return timezone.localdate(moment)


# --- what is due ---------------------------------------------------------------------------


def due_exchanges(cutoff: datetime):
    """Visits that ended before the cutoff and still hold personal data."""
    # One query per ended state, so that the moment each one ended is its own move into it.
    ids = set()
    for state in ENDED_STATES:
        ids.update(
            ExchangeRequest.objects.filter(state=state, anonymised_at__isnull=True)
            .annotate(ended_at=Max("history__at", filter=Q(history__to_state=state)))
            .filter(ended_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
    ids.update(
        ExchangeRequest.objects.filter(
            state=State.COMPLETED, anonymised_at__isnull=True, last_day__lt=_as_date(cutoff)
        ).values_list("pk", flat=True)
    )
    # A draft never sent, untouched as long.
    ids.update(
        ExchangeRequest.objects.filter(
            state=State.DRAFT, anonymised_at__isnull=True, updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    unsettled = ExpenseClaim.objects.filter(
        exchange_id__in=ids, state__in=UNSETTLED_CLAIMS
    ).values_list("exchange_id", flat=True)
    return sorted(ids - set(unsettled))


def due_accounts(cutoff: datetime, *, anonymised_too=()) -> list[int]:
    """Librarians' accounts unused since the cutoff whose every visit has been anonymised.

    `anonymised_too`: visits to count as anonymised already (what a dry run would do).
    """
    kept_visits = ExchangeRequest.objects.filter(
        visitor=OuterRef("pk"), anonymised_at__isnull=True
    ).exclude(pk__in=list(anonymised_too))
    return list(
        Staff.objects.filter(anonymised_at__isnull=True, is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .filter(~Exists(kept_visits))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass
class Report:
    exchanges: int = 0
    accounts: int = 0
    receipts: int = 0
    messages: int = 0
    sign_in_links: int = 0
    accessibility_feedback: int = 0
    sessions: int = 0
    failed_admin_sign_ins: int = 0
    dry_run: bool = False
    exchange_ids: list[int] = field(default_factory=list)
    account_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def run(*, dry_run: bool = False, now: datetime | None = None) -> Report:
    """Anonymise everything whose retention period is over; a second run finds nothing."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    report = Report(dry_run=dry_run)
    report.exchange_ids = due_exchanges(cutoff)
    old_messages = Notification.objects.filter(
        exchange__isnull=True, created_at__lt=cutoff
    ).exclude(recipient="")
    old_links = SignInLink.objects.filter(created_at__lt=now - KEEP_LINKS_FOR)
    old_accessibility = AccessibilityFeedback.objects.filter(created_at__lt=cutoff)
    old_sessions = Session.objects.filter(expire_date__lt=now)
    # Failed admin sign-ins (address and IP) are needed only while they can lock someone out.
    old_attempts = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME)
    if dry_run:
        report.exchanges = len(report.exchange_ids)
        report.receipts = Receipt.objects.filter(claim__exchange_id__in=report.exchange_ids).count()
        report.account_ids = due_accounts(cutoff, anonymised_too=report.exchange_ids)
        report.accounts = len(report.account_ids)
        report.messages = old_messages.count()
        report.sign_in_links = old_links.count()
        report.accessibility_feedback = old_accessibility.count()
        report.sessions = old_sessions.count()
        report.failed_admin_sign_ins = old_attempts.count()
        return report

    for exchange_id in report.exchange_ids:
        done, receipts = anonymise_exchange(exchange_id, now=now)
        report.exchanges += done
        report.receipts += receipts
    report.account_ids = due_accounts(cutoff)
    for staff_id in report.account_ids:
        report.accounts += anonymise_account(staff_id, now=now)
    with transaction.atomic():
        report.messages = _blank_messages(old_messages)
        report.sign_in_links = old_links.delete()[0]
        report.accessibility_feedback = old_accessibility.delete()[0]
        report.sessions = old_sessions.delete()[0]
        report.failed_admin_sign_ins = old_attempts.delete()[0]
    return report


# --- anonymising ---------------------------------------------------------------------------


def _blank(obj, fields) -> None:
    for name in fields:
        setattr(obj, name, "")


def _blank_messages(messages) -> int:
    # The deduplication key holds the address; the row's own id keeps it unique.
    count = 0
    for message in messages.select_for_update():
        _blank(message, MESSAGE_FIELDS)
        message.dedupe_key = f"anonymised:{message.pk}"
        if message.status == Notification.Status.PENDING:
            message.status = Notification.Status.FAILED  # never sent empty
        message.save(update_fields=[*MESSAGE_FIELDS, "dedupe_key", "status"])
        count += 1
    return count


def _blank_log_entries(model, object_ids) -> None:
    """Admin log lines name the object as it was shown; keep the line, not the name."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    ids = [str(pk) for pk in object_ids]
    for entry in LogEntry.objects.filter(content_type=content_type, object_id__in=ids):
        entry.object_repr = f"#{entry.object_id}"
        entry.change_message = ""
        entry.save(update_fields=["object_repr", "change_message"])


def _delete_receipts(receipts) -> int:
    names = [receipt.file.name for receipt in receipts]
    count = receipts.delete()[0]
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: [receipt_storage.delete(name) for name in names])
    return count


def anonymise_exchange(
    exchange_id: int, *, now: datetime | None = None, withdraw_story: bool = False
) -> tuple[int, int]:
    """Blank one visit's personal data; returns (1 if done now, receipts deleted)."""
    now = now or timezone.now()
    with transaction.atomic():
        exchange = ExchangeRequest.objects.select_for_update().filter(pk=exchange_id).first()
        if exchange is None or exchange.anonymised_at is not None:
            return 0, 0
        _blank(exchange, EXCHANGE_PERSONAL_FIELDS)
        exchange.anonymised_at = now
        exchange.save(update_fields=[*EXCHANGE_PERSONAL_FIELDS, "anonymised_at", "updated_at"])

        approvals = list(Approval.objects.filter(exchange=exchange))
        for approval in approvals:
            _blank(approval, ["name", "email", "comment"])
            approval.save(update_fields=["name", "email", "comment"])
        for entry in HistoryEntry.objects.filter(exchange=exchange):
            if entry.actor_label != SYSTEM_LABEL:
                entry.actor_label = ""
            entry.comment = ""
            entry.save(update_fields=["actor_label", "comment"])
        _blank_messages(Notification.objects.filter(exchange=exchange))

        feedback = VisitorFeedback.objects.filter(exchange=exchange).first()
        if feedback is not None:
            _blank(feedback, [*FEEDBACK_TEXTS, "coordinator_note"])
            if withdraw_story or not feedback.is_published:
                feedback.published_at = None
                feedback.story = ""
                feedback.story_consent = StoryConsent.NO
            elif feedback.story_consent == StoryConsent.NAMED:
                # The name is gone: the story stays, told by an anonymous visitor.
                feedback.story_consent = StoryConsent.ANONYMOUS
            feedback.save()
        host_feedback = HostFeedback.objects.filter(exchange=exchange).first()
        if host_feedback is not None:
            _blank(host_feedback, ["author_name", "author_email", "how_it_went"])
            host_feedback.save(update_fields=["author_name", "author_email", "how_it_went"])
        receipts = 0
        claim = ExpenseClaim.objects.filter(exchange=exchange).first()
        if claim is not None:
            _blank(claim, CLAIM_TEXTS)
            claim.save(update_fields=CLAIM_TEXTS)
            receipt_ids = list(claim.receipts.values_list("pk", flat=True))
            receipts = _delete_receipts(Receipt.objects.filter(pk__in=receipt_ids))
            _blank_log_entries(Receipt, receipt_ids)

        _blank_log_entries(ExchangeRequest, [exchange.pk])
        _blank_log_entries(Approval, [a.pk for a in approvals])
        for model, obj in [
            (VisitorFeedback, feedback),
            (HostFeedback, host_feedback),
            (ExpenseClaim, claim),
        ]:
            if obj is not None:
                _blank_log_entries(model, [obj.pk])
        workflow.record(exchange, _("Personal data removed."), at=now)
        return 1, receipts


def anonymise_account(staff_id: int, *, now: datetime | None = None) -> int:
    """Blank one person's account; they can no longer sign in. Returns 1 if done now."""
    now = now or timezone.now()
    with transaction.atomic():
        person = Staff.objects.select_for_update().filter(pk=staff_id).first()
        if person is None or person.anonymised_at is not None:
            return 0
        _blank(person, ACCOUNT_FIELDS)
        person.email = f"anonymised-{person.pk}@kollega.invalid"
        person.is_active = False
        person.set_unusable_password()
        person.anonymised_at = now
        person.save()
        person.groups.clear()
        person.user_permissions.clear()
        HistoryEntry.objects.filter(actor=person).exclude(actor_label=SYSTEM_LABEL).update(
            actor_label=""
        )
        _blank_log_entries(Staff, [person.pk])
        return 1


# --- one person, on request ----------------------------------------------------------------


def _row(obj, *, exclude=()) -> dict:
    """A model row as plain values: every concrete field, foreign keys as ids."""
    row = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NOT_EXPORTED or model_field.name in exclude:
            continue
        value = model_field.value_from_object(obj)
        if model_field.name == "file":
            value = getattr(value, "name", "")
        row[model_field.attname] = value
    return row


def _person_q(email: str, *fields: str) -> Q:
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__iexact": email})
    return query


PEOPLE_EMAIL_FIELDS = [email_field for _name, email_field, _other in EXCHANGE_PEOPLE]


def _involved_exchanges(email: str, person: Staff | None):
    query = _person_q(email, *PEOPLE_EMAIL_FIELDS) | Q(approvals__email__iexact=email)
    query |= Q(host_feedback__author_email__iexact=email)
    if person is not None:
        query |= Q(visitor=person)
    return ExchangeRequest.objects.filter(query).distinct().order_by("pk")


def export(email: str) -> dict:
    """Everything Kollega holds about the person with this email address."""
    email = email.strip().lower()
    person = Staff.objects.filter(email__iexact=email).first()
    exchanges = []
    involved = _involved_exchanges(email, person).select_related("home_library", "host_library")
    for exchange in involved.prefetch_related("approvals", "history"):
        roles = []
        if person is not None and exchange.visitor_id == person.pk:
            roles.append("visitor")
        roles += [
            email_field.removesuffix("_email")
            for email_field in PEOPLE_EMAIL_FIELDS
            if getattr(exchange, email_field).lower() == email
        ]
        item = {
            "roles": roles,
            "home_library_name": str(exchange.home_library),
            "host_library_name": str(exchange.host_library),
            **_row(exchange),
            "approvals": [_row(a) for a in exchange.approvals.all()],
            "history": [_row(h) for h in exchange.history.all()],
        }
        if "visitor" in roles:
            feedback = VisitorFeedback.objects.filter(exchange=exchange).first()
            claim = ExpenseClaim.objects.filter(exchange=exchange).first()
            item["feedback"] = _row(feedback) if feedback else None
            item["expense_claim"] = (
                {**_row(claim), "receipts": [_row(r) for r in claim.receipts.all()]}
                if claim
                else None
            )
        else:
            # Another person's visit: the parts about this person, not the visitor's own.
            item["approvals"] = [a for a in item["approvals"] if a["email"].lower() == email]
            item.pop("expectations", None)
            item.pop("cover_arrangements", None)
        host_feedback = HostFeedback.objects.filter(exchange=exchange).first()
        if host_feedback and ("visitor" in roles or host_feedback.author_email.lower() == email):
            item["host_feedback"] = _row(host_feedback)
        exchanges.append(item)
    return {
        "email": email,
        "exported_at": timezone.now(),
        "account": _row(person) if person else None,
        "groups": [g.name for g in person.groups.all()] if person else [],
        "exchanges": exchanges,
        "emails_sent": [
            _row(m) for m in Notification.objects.filter(recipient__iexact=email).order_by("pk")
        ],
        "named_as_supervisor_by": [
            {"id": s.pk, "name": s.name}
            for s in Staff.objects.filter(supervisor_email__iexact=email).order_by("pk")
        ],
        "library_contact_of": [
            {"id": lib.pk, "name": str(lib)}
            for lib in Library.objects.filter(contact_email__iexact=email).order_by("pk")
        ],
        "sign_in_links": [
            _row(link) for link in SignInLink.objects.filter(email__iexact=email).order_by("pk")
        ],
        "accessibility_feedback": [
            _row(message)
            for message in AccessibilityFeedback.objects.filter(email__iexact=email).order_by("pk")
        ],
    }


class ErasureRefused(Exception):
    """Erasure would break something still in progress; the message says what to do first."""


def erasure_obstacles(email: str) -> list[str]:
    """Why this person's data cannot be erased yet, in words for the coordinator."""
    email = email.strip().lower()
    person = Staff.objects.filter(email__iexact=email).first()
    reasons = []
    if person is not None and (person.is_staff or person.is_superuser):
        reasons.append(_("The person has access to the administration; remove it first."))
    involved = _involved_exchanges(email, person)
    open_ids = list(involved.filter(state__in=OPEN_STATES).values_list("pk", flat=True))
    if open_ids:
        reasons.append(
            _("Exchanges in progress: %(ids)s. Finish or cancel them first.")
            % {"ids": ", ".join(f"#{pk}" for pk in open_ids)}
        )
    if person is not None:
        unsettled = list(
            ExpenseClaim.objects.filter(claimant=person, state__in=UNSETTLED_CLAIMS).values_list(
                "exchange_id", flat=True
            )
        )
        if unsettled:
            reasons.append(
                _("Expense claims not yet paid or rejected: %(ids)s.")
                % {"ids": ", ".join(f"#{pk}" for pk in unsettled)}
            )
    libraries = [str(lib) for lib in Library.objects.filter(contact_email__iexact=email)]
    if libraries:
        reasons.append(
            _("The exchange contact of %(libraries)s; name another contact first.")
            % {"libraries": ", ".join(libraries)}
        )
    return reasons


@dataclass
class Erasure:
    exchanges: int = 0
    mentions: int = 0
    account: bool = False


def erase(email: str, *, now: datetime | None = None) -> Erasure:
    """Erase what Kollega holds about this person, as the retention job would, but now."""
    email = email.strip().lower()
    now = now or timezone.now()
    reasons = erasure_obstacles(email)
    if reasons:
        raise ErasureRefused(" ".join(reasons))
    result = Erasure()
    person = Staff.objects.filter(email__iexact=email).first()
    # Their own visits, all of them; a published story is withdrawn too.
    if person is not None:
        for exchange_id in person.exchanges.order_by("pk").values_list("pk", flat=True):
            result.exchanges += anonymise_exchange(exchange_id, now=now, withdraw_story=True)[0]
    with transaction.atomic():
        # Other people's visits: only what is about this person.
        ids = list(_involved_exchanges(email, None).values_list("pk", flat=True))
        for exchange in ExchangeRequest.objects.filter(pk__in=ids).select_for_update():
            result.mentions += _erase_mentions(exchange, email)
        _blank_messages(Notification.objects.filter(recipient__iexact=email))
        Staff.objects.filter(supervisor_email__iexact=email).update(
            supervisor_name="", supervisor_email=""
        )
        SignInLink.objects.filter(email__iexact=email).delete()
        AccessibilityFeedback.objects.filter(email__iexact=email).delete()
    if person is not None:
        result.account = bool(anonymise_account(person.pk, now=now))
    return result


def _erase_mentions(exchange: ExchangeRequest, email: str) -> int:
    changed = []
    for name_field, email_field, others in EXCHANGE_PEOPLE:
        if getattr(exchange, email_field).lower() == email:
            changed += [name_field, email_field, *others]
    labels = set()
    for approval in exchange.approvals.filter(email__iexact=email):
        labels.add(approval.name or approval.email)
        _blank(approval, ["name", "email", "comment"])
        approval.save(update_fields=["name", "email", "comment"])
    for host_feedback in HostFeedback.objects.filter(exchange=exchange, author_email__iexact=email):
        labels.add(host_feedback.author_name)
        _blank(host_feedback, ["author_name", "author_email", "how_it_went"])
        host_feedback.save(update_fields=["author_name", "author_email", "how_it_went"])
    labels.discard("")
    if changed or labels:
        # The emails of the visit may name them. The visit is over, so its copies are not
        # needed, and one still unsent is not sent empty.
        for message in Notification.objects.filter(exchange=exchange):
            _blank(message, MESSAGE_CONTENT)
            if message.status == Notification.Status.PENDING:
                message.status = Notification.Status.FAILED
            message.save(update_fields=[*MESSAGE_CONTENT, "status"])
    if labels:
        # What they wrote when deciding is theirs: the label and the comment go together.
        exchange.history.filter(actor_label__in=labels).update(actor_label="", comment="")
    if changed:
        _blank(exchange, changed)
        exchange.save(update_fields=[*changed, "updated_at"])
    return int(bool(changed or labels))
