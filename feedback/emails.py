"""One function per message the feedback app sends; each writes its rows to the outbox.

Called inside the transaction of a step in feedback.workflow. Every recipient reads the
message in their own language; the dedupe keys name the feedback or the claim's version,
so a retried step cannot send the same message twice.
"""

from django.urls import reverse
from django.utils import translation

from exchange import emails as exchange_emails
from exchange import links
from mail.outbox import Recipient, absolute_url, enqueue
from web.dates import VisitDates

from .models import ExpenseClaim, HostFeedback, VisitorFeedback


def claim_url(claim: ExpenseClaim, language: str) -> str:
    """The claimant's page of the claim: absolute, in the given language."""
    with translation.override(language):
        return absolute_url(reverse("feedback:claim-form", args=[claim.exchange_id]))


def host_feedback_url(exchange) -> str:
    """The mentor's host feedback form: absolute, in the mentor's language."""
    language = exchange.mentor_language or exchange.host_library.main_language
    token = links.mentor_token(exchange)
    with translation.override(language):
        return absolute_url(reverse("feedback:host-feedback", kwargs={"token": token}))


def message_to_host(feedback: VisitorFeedback) -> None:
    """The visitor's message to the host library: to its exchange contact and the mentor."""
    if not feedback.message_to_host.strip():
        return
    exchange = feedback.exchange
    sent = set()
    ask_mentor = not HostFeedback.objects.filter(exchange=exchange).exists()
    for role, person in [
        # The mentor first: one person in both roles gets the mentor's message.
        ("mentor", exchange_emails.mentor(exchange)),
        ("host", exchange_emails.host_contact(exchange)),
    ]:
        email = person.email.strip().lower()
        if not email or email in sent:
            continue
        sent.add(email)
        enqueue(
            kind="feedback_message_to_host",
            recipient=Recipient(email=email, name=person.name, language=person.language),
            dedupe_key=f"feedback_message_to_host:{exchange.pk}:{email}",
            context={
                "exchange": exchange,
                "role": role,
                "feedback": feedback,
                "dates": VisitDates(exchange.first_day, exchange.last_day),
                "host_feedback_url": (
                    host_feedback_url(exchange) if role == "mentor" and ask_mentor else ""
                ),
            },
            about=exchange,
        )


def _to_claimant(kind: str, claim: ExpenseClaim) -> None:
    person = claim.claimant
    enqueue(
        kind=kind,
        recipient=Recipient(email=person.email, name=person.name, language=person.language),
        dedupe_key=f"{kind}:{claim.pk}:{claim.version}",
        context={
            "exchange": claim.exchange,
            "claim": claim,
            "dates": VisitDates(claim.exchange.first_day, claim.exchange.last_day),
            "link_url": claim_url(claim, person.language),
        },
        about=claim.exchange,
    )


def claim_approved(claim: ExpenseClaim) -> None:
    _to_claimant("feedback_claim_approved", claim)


def claim_rejected(claim: ExpenseClaim) -> None:
    _to_claimant("feedback_claim_rejected", claim)


def claim_paid(claim: ExpenseClaim) -> None:
    _to_claimant("feedback_claim_paid", claim)
