"""What an exchange holds about people: the people it names, its free texts, the
supervisors' decisions and the history of who did what."""

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from web.personal_data import (
    PersonalData,
    as_row,
    blank,
    blank_log_entries,
    email_q,
    numbers,
)

from . import workflow
from .models import OPEN_STATES, Approval, ExchangeRequest, HistoryEntry, State

# States in which a visit has ended, and the time it ended is that of the move into them.
ENDED_STATES = [State.CLOSED, State.DECLINED, State.CANCELLED]

# The visit's own fields: people and free texts.
PERSONAL_FIELDS = [
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
# The people a visit names besides its visitor: (name field, email field, other fields).
PEOPLE = [
    ("home_supervisor_name", "home_supervisor_email", []),
    ("host_contact_name", "host_contact_email", []),
    ("mentor_name", "mentor_email", ["mentor_phone"]),
    ("return_visitor_name", "return_visitor_email", []),
]
PEOPLE_EMAIL_FIELDS = [email_field for _name, email_field, _other in PEOPLE]
# Only the visitor's own export holds what they wrote in the request.
VISITORS_OWN = ["expectations", "cover_arrangements"]
APPROVAL_PERSONAL_FIELDS = ["name", "email", "comment"]


def roles(visit: ExchangeRequest, email: str, person) -> list[str]:
    """What the address is in the visit: its visitor, its home supervisor, ..."""
    found = []
    if person is not None and visit.visitor_id == person.pk:
        found.append("visitor")
    found += [
        email_field.removesuffix("_email")
        for email_field in PEOPLE_EMAIL_FIELDS
        if getattr(visit, email_field).lower() == email
    ]
    return found


class Exchanges(PersonalData):
    def ended_visits(self, cutoff) -> set[int]:
        ids = set()
        # One query per ended state, so that the moment each one ended is its own move into it.
        for state in ENDED_STATES:
            ids.update(
                ExchangeRequest.objects.filter(state=state, anonymised_at__isnull=True)
                .annotate(ended_at=Max("history__at", filter=Q(history__to_state=state)))
                .filter(ended_at__lt=cutoff)
                .values_list("pk", flat=True)
            )
        # A visit completed without feedback ends on its last day.
        ids.update(
            ExchangeRequest.objects.filter(
                state=State.COMPLETED,
                anonymised_at__isnull=True,
                last_day__lt=timezone.localdate(cutoff),
            ).values_list("pk", flat=True)
        )
        # A draft never sent, untouched as long.
        ids.update(
            ExchangeRequest.objects.filter(
                state=State.DRAFT, anonymised_at__isnull=True, updated_at__lt=cutoff
            ).values_list("pk", flat=True)
        )
        return ids

    def accounts_on_hold(self, account_ids) -> set[int]:
        """A visitor's account stays while any of their visits still holds personal data."""
        return set(
            ExchangeRequest.objects.filter(
                visitor_id__in=account_ids, anonymised_at__isnull=True
            ).values_list("visitor_id", flat=True)
        )

    def anonymise_visit(self, visit: ExchangeRequest, *, now, withdraw_story) -> dict[str, int]:
        blank(visit, PERSONAL_FIELDS)
        visit.anonymised_at = now
        visit.save(update_fields=[*PERSONAL_FIELDS, "anonymised_at", "updated_at"])
        approvals = list(Approval.objects.filter(exchange=visit))
        for approval in approvals:
            blank(approval, APPROVAL_PERSONAL_FIELDS)
            approval.save(update_fields=APPROVAL_PERSONAL_FIELDS)
        for entry in HistoryEntry.objects.filter(exchange=visit):
            if entry.actor_label != workflow.SYSTEM_LABEL:
                entry.actor_label = ""
            entry.comment = ""
            entry.save(update_fields=["actor_label", "comment"])
        blank_log_entries(ExchangeRequest, [visit.pk])
        blank_log_entries(Approval, [approval.pk for approval in approvals])
        workflow.record(visit, _("Personal data removed."), at=now)
        return {}

    def anonymise_account(self, person, *, now) -> None:
        HistoryEntry.objects.filter(actor=person).exclude(actor_label=workflow.SYSTEM_LABEL).update(
            actor_label=""
        )

    def visits_naming(self, email: str) -> set[int]:
        query = email_q(email, *PEOPLE_EMAIL_FIELDS) | Q(approvals__email__iexact=email)
        return set(ExchangeRequest.objects.filter(query).values_list("pk", flat=True))

    def export_visit(self, visit: ExchangeRequest, email: str, roles: list[str]) -> dict:
        own = "visitor" in roles
        item = {
            "roles": roles,
            "home_library_name": str(visit.home_library),
            "host_library_name": str(visit.host_library),
            **as_row(visit, exclude=() if own else VISITORS_OWN),
            "approvals": [
                as_row(approval)
                for approval in visit.approvals.all()
                # Another person's visit: the decisions of this person, not the others'.
                if own or approval.email.lower() == email
            ],
            "history": [as_row(entry) for entry in visit.history.all()],
        }
        return item

    def erasure_obstacles(self, email: str, person, visit_ids) -> list[str]:
        in_progress = ExchangeRequest.objects.filter(pk__in=visit_ids, state__in=OPEN_STATES)
        if ids := numbers(in_progress.values_list("pk", flat=True)):
            return [
                _("Exchanges in progress: %(ids)s. Finish or cancel them first.") % {"ids": ids}
            ]
        return []

    def erase_mentions(self, visit: ExchangeRequest, email: str) -> set[str] | None:
        changed = []
        for name_field, email_field, others in PEOPLE:
            if getattr(visit, email_field).lower() == email:
                changed += [name_field, email_field, *others]
        names = set()
        for approval in visit.approvals.filter(email__iexact=email):
            names.add(approval.name or approval.email)
            blank(approval, APPROVAL_PERSONAL_FIELDS)
            approval.save(update_fields=APPROVAL_PERSONAL_FIELDS)
        if changed:
            blank(visit, changed)
            visit.save(update_fields=[*changed, "updated_at"])
        return names if changed or names else None

    def mentions_erased(self, visit: ExchangeRequest, names: set[str]) -> None:
        # What they wrote when deciding is theirs: the label and the comment go together.
        names = names - {""}
        if names:
            visit.history.filter(actor_label__in=names).update(actor_label="", comment="")
