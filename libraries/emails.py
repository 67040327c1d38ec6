"""What every email says about who sends it: the frame's context (mail.outbox.provide_frame)
and whom a reply reaches (mail.outbox.provide_reply_to).

The coordinator's contact details sign every message, so a supervisor or a host who has
never heard of Kollega knows who writes and whom to ask; answering the message asks her.
"""

from mail.outbox import Recipient, once_per_batch
from web.mailboxes import same_mailbox

from . import public_pages
from .models import ContactDetails


def _read_contact() -> ContactDetails:
    return ContactDetails.objects.first() or ContactDetails()


def _contact() -> ContactDetails:
    """From the cache, under the public pages' content version, which an edit of the contact
    moves on (public_pages.watch)."""
    return public_pages.cached("coordinator's contact details", (), _read_contact)


def contact_details() -> ContactDetails:
    """The coordinator's contact details, read once for the messages of one transition."""
    return once_per_batch("coordinator's contact details", _contact)


def frame(recipient: Recipient) -> dict:
    """The coordinator's contact details, and whether the message goes to the coordinator
    (who is not signed off to herself)."""
    contact = contact_details()
    return {"coordinator": contact, "to_coordinator": same_mailbox(contact.email, recipient.email)}


def reply_to(address: str) -> tuple[str, str] | None:
    """The coordinator, whom a reply to any message reaches, so that a question asked by
    answering the message goes to the person who can answer it; none in a message to the
    coordinator herself, or without her address."""
    contact = contact_details()
    if not contact.email or same_mailbox(contact.email, address):
        return None
    return contact.name, contact.email
