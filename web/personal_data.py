"""What each app holds about people, declared by the app that holds it.

Every app that stores personal data registers one `PersonalData` from its AppConfig.ready()
(as pretix's data shredders do). It alone knows its fields: how they are found by an email
address, exported, anonymised when their time is up, and erased on request. The privacy
app on top walks the registry; no module lists another app's fields.

The unit of retention is the visit (an exchange request): it ends, and once its period is
over every app blanks what it holds about it. A person's account goes once all their
visits have.
"""

from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

# Never exported: secrets, not data about the person.
NOT_EXPORTED = {"password", "token_hash"}


class PersonalData:
    """The hooks one app fills in. Each does nothing by default.

    `visit` is a locked exchange request; `person` the account of the email address, or None.
    """

    # --- retention ---------------------------------------------------------------------

    def ended_visits(self, cutoff: datetime) -> set[int]:
        """Visits that ended before the cutoff and still hold personal data."""
        return set()

    def visits_on_hold(self, visit_ids: set[int]) -> set[int]:
        """Of these visits, those whose data is still needed, whatever their age."""
        return set()

    def idle_accounts(self, cutoff: datetime) -> set[int]:
        """Accounts unused since the cutoff."""
        return set()

    def accounts_on_hold(self, account_ids: set[int]) -> set[int]:
        """Of these accounts, those whose data is still needed."""
        return set()

    def anonymise_visit(self, visit, *, now: datetime, withdraw_story: bool) -> dict[str, int]:
        """Blank what this app holds about one visit; returns counts worth reporting."""
        return {}

    def anonymise_account(self, person, *, now: datetime) -> None:
        """Blank what this app holds about one account that goes."""

    def expired(self, now: datetime, cutoff: datetime) -> dict[str, models.QuerySet]:
        """Rows past their time that are not about a visit, by the report's name for them."""
        return {}

    def remove(self, name: str, rows: models.QuerySet) -> int:
        """Remove expired rows (`expired`); by default they are deleted."""
        return rows.delete()[0]

    # --- one person, on request ----------------------------------------------------------

    def visits_naming(self, email: str) -> set[int]:
        """Visits that name this address in what this app holds."""
        return set()

    def export(self, email: str, person) -> dict:
        """What this app holds about the address outside visits, by section."""
        return {}

    def export_visit(self, visit, email: str, roles: list[str]) -> dict:
        """This app's part of one visit's export, for someone in these roles in it."""
        return {}

    def erasure_obstacles(self, email: str, person, visit_ids: set[int]) -> list[str]:
        """Why the address's data cannot be erased yet, in words for the coordinator."""
        return []

    def erase(self, email: str, person) -> None:
        """Erase what this app holds about the address outside visits."""

    def erase_mentions(self, visit, email: str) -> set[str] | None:
        """Remove the address from another person's visit.

        Returns None when the visit did not name it here; else the names it was shown by.
        """
        return None

    def mentions_erased(self, visit, names: set[str]) -> None:
        """The visit named the address somewhere: drop what may repeat it (copies, labels)."""


_registry: list[PersonalData] = []


def register(holder: PersonalData) -> PersonalData:
    """Declare one app's personal data (from its AppConfig.ready)."""
    if not any(type(known) is type(holder) for known in _registry):
        _registry.append(holder)
    return holder


def holders() -> list[PersonalData]:
    return list(_registry)


# --- what every app's declaration uses ---------------------------------------------------


def blank(obj: models.Model, fields) -> None:
    for name in fields:
        setattr(obj, name, "")


def blank_log_entries(model: type[models.Model], object_ids) -> None:
    """Admin log lines name the object as it was shown; keep the line, not the name."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    ids = [str(pk) for pk in object_ids]
    for entry in LogEntry.objects.filter(content_type=content_type, object_id__in=ids):
        entry.object_repr = f"#{entry.object_id}"
        entry.change_message = ""
        entry.save(update_fields=["object_repr", "change_message"])


def as_row(obj: models.Model, *, exclude=()) -> dict:
    """A model row as plain values: every concrete field, foreign keys as ids."""
    row = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in NOT_EXPORTED or model_field.name in exclude:
            continue
        value = model_field.value_from_object(obj)
        if isinstance(model_field, models.FileField):
            value = getattr(value, "name", "")
        row[model_field.attname] = value
    return row


def numbers(ids) -> str:
    """Records as the coordinator finds them in the admin: "#12, #15" (empty for none)."""
    return ", ".join(f"#{pk}" for pk in sorted(ids))


def email_q(email: str, *fields: str) -> models.Q:
    """Rows where any of these fields holds the address, in any case."""
    query = models.Q()
    for name in fields:
        query |= models.Q(**{f"{name}__iexact": email})
    return query
