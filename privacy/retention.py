"""Personal data kept no longer than needed.

A set number of months (PERSONAL_DATA_RETENTION_MONTHS, 24 by default) after a visit ends,
every app blanks what it holds about it: the names, email addresses and phone numbers, the
free texts not published with consent, the emails, the history comments and the admin log
lines; the receipts of its expense claim are deleted. A visit ends when it closes with the
visitor's feedback, is declined or cancelled; a visit completed without feedback ends on
its last day, and a draft never sent when it was last saved. What the yearly statistics
count stays: libraries, dates, states, ratings and sums. A person's account goes the same
way once all their visits have, and they have not signed in for the same time. Expired
sessions, sign-in links after a day and failed admin sign-ins after their cool-off go too.

`run` is the nightly job (privacy.tasks, and `manage.py anonymise_personal_data`). Each
app's part is its `PersonalData` (web/personal_data.py); this module only walks them.
"""

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exchange.models import ExchangeRequest
from libraries.models import Staff
from web import personal_data

log = logging.getLogger(__name__)


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

    def add(self, counts: dict[str, int]) -> None:
        for name, count in counts.items():
            setattr(self, name, getattr(self, name) + count)

    def as_dict(self) -> dict:
        return asdict(self)


def due_visits(cutoff: datetime) -> list[int]:
    """Visits that ended before the cutoff, still hold personal data and are not held back."""
    holders = personal_data.holders()
    ids = set().union(*(holder.ended_visits(cutoff) for holder in holders))
    held = set().union(*(holder.visits_on_hold(ids) for holder in holders))
    return sorted(ids - held)


def due_accounts(cutoff: datetime) -> list[int]:
    """Accounts unused since the cutoff whose every visit has been anonymised."""
    holders = personal_data.holders()
    ids = set().union(*(holder.idle_accounts(cutoff) for holder in holders))
    held = set().union(*(holder.accounts_on_hold(ids) for holder in holders))
    return sorted(ids - held)


def run(*, dry_run: bool = False, now: datetime | None = None) -> Report:
    """Anonymise everything whose retention period is over; a second run finds nothing.

    With dry_run, the work is done and reported, then rolled back: the report says exactly
    what a real run would do, and nothing changes (no receipt file is deleted either).
    """
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    report = Report(dry_run=dry_run)
    with transaction.atomic():
        report.exchange_ids = due_visits(cutoff)
        for visit_id in report.exchange_ids:
            report.add(anonymise_visit(visit_id, now=now))
        report.account_ids = due_accounts(cutoff)
        for staff_id in report.account_ids:
            report.accounts += anonymise_account(staff_id, now=now)
        for holder in personal_data.holders():
            for name, rows in holder.expired(now, cutoff).items():
                report.add({name: holder.remove(name, rows)})
        if dry_run:
            transaction.set_rollback(True)
    log.info("retention%s: %s", " (dry run)" if dry_run else "", report.as_dict())
    return report


def anonymise_visit(
    visit_id: int, *, now: datetime | None = None, withdraw_story: bool = False
) -> dict[str, int]:
    """Blank one visit's personal data in every app; counts what was done (none if done)."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = (
            ExchangeRequest.objects.select_for_update()
            .select_related("home_library", "host_library")
            .filter(pk=visit_id)
            .first()
        )
        if visit is None or visit.anonymised_at is not None:
            return {}
        counts = {"exchanges": 1}
        for holder in personal_data.holders():
            for name, count in holder.anonymise_visit(
                visit, now=now, withdraw_story=withdraw_story
            ).items():
                counts[name] = counts.get(name, 0) + count
        return counts


def anonymise_account(staff_id: int, *, now: datetime | None = None) -> int:
    """Blank one person's account in every app; they can no longer sign in. 1 if done now."""
    now = now or timezone.now()
    with transaction.atomic():
        person = Staff.objects.select_for_update().filter(pk=staff_id).first()
        if person is None or person.anonymised_at is not None:
            return 0
        for holder in personal_data.holders():
            holder.anonymise_account(person, now=now)
        return 1
