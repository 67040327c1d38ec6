"""What the outbox holds about people: each message's recipient and text."""

from web.personal_data import PersonalData, as_row, blank

from .models import Notification

ADDRESS = ["recipient", "recipient_name"]
# The error repeats what the mail server said, addresses and names included.
UNSENT = [Notification.Status.PENDING, Notification.Status.UNKNOWN]
CONTENT = ["subject", "body_text", "body_html", "calendar", "error", "draw_from"]


def blank_messages(messages) -> int:
    """Blank the messages' recipients and texts; one not yet sent is never sent empty."""
    count = 0
    for message in messages.select_for_update():
        blank(message, [*ADDRESS, *CONTENT])
        # The deduplication key holds the address; the row's own id keeps it unique.
        message.dedupe_key = f"anonymised:{message.pk}"
        if message.status in UNSENT:
            message.status = Notification.Status.FAILED
        message.save(update_fields=[*ADDRESS, *CONTENT, "dedupe_key", "status"])
        count += 1
    return count


class Messages(PersonalData):
    def anonymise_visit(self, visit, *, now, withdraw_story) -> dict[str, int]:
        blank_messages(Notification.objects.about(visit))
        return {}

    def expired(self, now, cutoff) -> dict:
        # Messages about no visit (sign-in links, accessibility feedback) go after the period.
        return {
            "messages": Notification.objects.about_nothing()
            .filter(created_at__lt=cutoff)
            .exclude(recipient="")
        }

    def remove(self, name: str, rows) -> int:
        return blank_messages(rows)

    def export(self, email: str, person) -> dict:
        sent = Notification.objects.filter(recipient__iexact=email).order_by("pk")
        return {"emails_sent": [as_row(message) for message in sent]}

    def erase(self, email: str, person) -> None:
        blank_messages(Notification.objects.filter(recipient__iexact=email))

    def mentions_erased(self, visit, names: set[str]) -> None:
        # The visit's emails may name the person. The visit is over, so its copies are not
        # needed, and one still unsent is not sent empty.
        for message in Notification.objects.about(visit):
            blank(message, CONTENT)
            if message.status in UNSENT:
                message.status = Notification.Status.FAILED
            message.save(update_fields=[*CONTENT, "status"])
