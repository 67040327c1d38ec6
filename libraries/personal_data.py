"""What the directory holds about people: accounts, sign-in links, accessibility feedback,
supervisors named in profiles and libraries' exchange contacts."""

from django.db.models import Q
from django.utils.translation import gettext as _

from web.personal_data import PersonalData, as_row, blank, blank_log_entries

from .models import AccessibilityFeedback, Library, SignInLink, Staff
from .signin import KEEP_LINKS_FOR

ACCOUNT_FIELDS = ["name", "job_title", "supervisor_name", "supervisor_email"]


class Directory(PersonalData):
    def idle_accounts(self, cutoff) -> set[int]:
        """Librarians' accounts (not the administration's) unused since the cutoff."""
        return set(
            Staff.objects.filter(anonymised_at__isnull=True, is_staff=False, is_superuser=False)
            .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
            .values_list("pk", flat=True)
        )

    def anonymise_account(self, person: Staff, *, now) -> None:
        blank(person, ACCOUNT_FIELDS)
        person.email = f"anonymised-{person.pk}@kollega.invalid"
        person.is_active = False
        person.set_unusable_password()
        person.anonymised_at = now
        person.language_wish = ""
        person.save()
        person.interests.clear()
        person.groups.clear()
        person.user_permissions.clear()
        blank_log_entries(Staff, [person.pk])

    def expired(self, now, cutoff) -> dict:
        return {
            "sign_in_links": SignInLink.objects.filter(created_at__lt=now - KEEP_LINKS_FOR),
            "accessibility_feedback": AccessibilityFeedback.objects.filter(created_at__lt=cutoff),
        }

    def export(self, email: str, person: Staff | None) -> dict:
        return {
            "account": as_row(person) if person else None,
            "groups": [group.name for group in person.groups.all()] if person else [],
            "interests": [str(area) for area in person.interests.all()] if person else [],
            "named_as_supervisor_by": [
                {"id": staff.pk, "name": staff.name}
                for staff in Staff.objects.filter(supervisor_email__iexact=email).order_by("pk")
            ],
            "library_contact_of": [
                {"id": library.pk, "name": str(library)}
                for library in Library.objects.filter(contact_email__iexact=email).order_by("pk")
            ],
            "sign_in_links": [
                as_row(link)
                for link in SignInLink.objects.filter(email__iexact=email).order_by("pk")
            ],
            "accessibility_feedback": [
                as_row(message)
                for message in AccessibilityFeedback.objects.filter(email__iexact=email).order_by(
                    "pk"
                )
            ],
        }

    def erasure_obstacles(self, email: str, person: Staff | None, visit_ids) -> list[str]:
        reasons = []
        if person is not None and (person.is_staff or person.is_superuser):
            reasons.append(_("The person has access to the administration; remove it first."))
        libraries = [
            str(library) for library in Library.objects.filter(contact_email__iexact=email)
        ]
        if libraries:
            reasons.append(
                _("The exchange contact of %(libraries)s; name another contact first.")
                % {"libraries": ", ".join(libraries)}
            )
        return reasons

    def erase(self, email: str, person: Staff | None) -> None:
        Staff.objects.filter(supervisor_email__iexact=email).update(
            supervisor_name="", supervisor_email=""
        )
        SignInLink.objects.filter(email__iexact=email).delete()
        AccessibilityFeedback.objects.filter(email__iexact=email).delete()
