"""One person's data on request: everything Kollega holds about an email address, as JSON;
and its erasure, refused while it is still needed for an exchange in progress, an unpaid
claim or a library's contact details. Each app's part is its `PersonalData`."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from exchange.models import ExchangeRequest
from exchange.personal_data import roles as visit_roles
from libraries.models import Staff
from web import personal_data

from . import retention


def _normal(email: str) -> str:
    return email.strip().lower()


def _person(email: str) -> Staff | None:
    return Staff.objects.filter(email__iexact=email).first()


def involved_visits(email: str, person: Staff | None) -> set[int]:
    """The visits that name the address anywhere, and the person's own."""
    ids = set().union(*(holder.visits_naming(email) for holder in personal_data.holders()))
    if person is not None:
        ids.update(person.exchanges.values_list("pk", flat=True))
    return ids


def export(email: str) -> dict:
    """Everything Kollega holds about the person with this email address."""
    email = _normal(email)
    person = _person(email)
    holders = personal_data.holders()
    visits = (
        ExchangeRequest.objects.filter(pk__in=involved_visits(email, person))
        .select_related("home_library", "host_library")
        .prefetch_related("approvals", "history")
        .order_by("pk")
    )
    exchanges = []
    for visit in visits:
        roles = visit_roles(visit, email, person)
        item = {}
        for holder in holders:
            item.update(holder.export_visit(visit, email, roles))
        exchanges.append(item)
    data = {"email": email, "exported_at": timezone.now(), "exchanges": exchanges}
    for holder in holders:
        data.update(holder.export(email, person))
    return data


class ErasureRefused(Exception):
    """Erasure would break something still in progress; the message says what to do first."""


def erasure_obstacles(email: str) -> list[str]:
    """Why this person's data cannot be erased yet, in words for the coordinator."""
    email = _normal(email)
    person = _person(email)
    visit_ids = involved_visits(email, person)
    return [
        reason
        for holder in personal_data.holders()
        for reason in holder.erasure_obstacles(email, person, visit_ids)
    ]


@dataclass
class Erasure:
    exchanges: int = 0
    mentions: int = 0
    account: bool = False


def erase(email: str, *, now: datetime | None = None) -> Erasure:
    """Erase what Kollega holds about this person, as the retention job would, but now."""
    email = _normal(email)
    now = now or timezone.now()
    reasons = erasure_obstacles(email)
    if reasons:
        raise ErasureRefused(" ".join(reasons))
    result = Erasure()
    person = _person(email)
    holders = personal_data.holders()
    # Their own visits, all of them; a published story is withdrawn too.
    if person is not None:
        for visit_id in person.exchanges.order_by("pk").values_list("pk", flat=True):
            done = retention.anonymise_visit(visit_id, now=now, withdraw_story=True)
            result.exchanges += done.get("exchanges", 0)
    with transaction.atomic():
        # Other people's visits: only what is about this person.
        others = ExchangeRequest.objects.filter(pk__in=involved_visits(email, None))
        for visit in others.order_by("pk").select_for_update():
            named = [holder.erase_mentions(visit, email) for holder in holders]
            if all(names is None for names in named):
                continue
            names = set().union(*(names for names in named if names))
            for holder in holders:
                holder.mentions_erased(visit, names)
            result.mentions += 1
        for holder in holders:
            holder.erase(email, person)
    if person is not None:
        result.account = bool(retention.anonymise_account(person.pk, now=now))
    return result
