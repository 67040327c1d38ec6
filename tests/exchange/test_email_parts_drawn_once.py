"""What the messages of one transition share (the exchange's facts, the first day's
practicalities) is drawn once per language for all of them, and every message reads exactly
as if it had been drawn alone."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from exchange import emails, workflow
from exchange.models import Approval
from mail import outbox
from mail.models import Notification
from tests import personas
from tests.exchange import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# The transitions of every kind of message an exchange writes, and the reminders.
KINDS = {
    "submitted",
    "decision_request",
    "approved_home",
    "declined",
    "dates_proposed",
    "confirmed",
    "awaiting_mentor",
    "arrangements_changed",
    "dates_changed",
    "cancelled",
    "decision_reminder",
    "mentor_reminder",
    "request_stalled",
    "visit_near",
    "feedback_request",
    "feedback_reminder",
}


def every_message(visitor, host, coordinator) -> None:
    """Write every kind of message of an exchange, the transitions in their own batches."""
    first = date(2027, 2, 1)

    def days(weeks: int) -> dict:
        return {
            "first_day": first + timedelta(weeks=weeks),
            "last_day": first + timedelta(weeks=weeks, days=1),
        }

    # Confirmed, the arrangements changed, moved to other days, then cancelled.
    exchange = support.confirmed_visit(visitor, host, **days(0))
    answer = exchange.approvals.get(role=Approval.Role.HOST)
    workflow.change_arrangements(
        answer.pk,
        version=answer.version,
        meeting_place="Pääovi & kahvio",
        meeting_time="8.30",
        programme_notes="Aamulla <kirjastoauto>, iltapäivällä lukupiiri.",
    )
    moved = days(1)
    workflow.change_dates(exchange.pk, by=coordinator, reason="Remontti.", **moved)
    exchange.refresh_from_db()
    emails.visit_near(exchange)
    workflow.cancel(exchange.pk, by=coordinator, reason="Sairastuminen.")

    # Declined at home; declined by the host; other dates proposed.
    declined = support.submitted(visitor, host, **days(2))
    approval = support.pending(declined, "home")
    workflow.decline(approval.pk, version=approval.version, reason="Ei nyt.")
    for weeks, answer_with in [(3, "decline"), (4, "propose")]:
        waiting = support.approved_at_home(visitor, host, **days(weeks))
        approval = support.pending(waiting, "host")
        emails.decision_reminder(waiting, approval, 1)
        emails.decision_reminder(waiting, approval, 2, last=True)
        emails.request_stalled(waiting, approval)
        if answer_with == "decline":
            workflow.decline(approval.pk, version=approval.version, reason="Vi renoverar.")
        else:
            workflow.propose_dates(
                approval.pk, version=approval.version, mentor=personas.mentor(), **days(5)
            )

    # Approved before the mentor is named, reminded, then named; the visit over.
    later = support.approved_at_home(visitor, host, **days(6))
    approval = support.pending(later, "host")
    later = workflow.approve_host(
        approval.pk, version=approval.version, mentor=workflow.mentor_later("sv")
    )
    answer = later.approvals.get(role=Approval.Role.HOST)
    emails.mentor_reminder(later, answer, 1)
    later = workflow.name_mentor(answer.pk, version=answer.version, mentor=personas.mentor())
    emails.feedback_request(later)
    emails.feedback_reminder(later, 1, feedback_missing=True, claim_missing=True)
    emails.feedback_reminder(later, 2, feedback_missing=False, claim_missing=True, last=True)


@pytest.fixture
def drawn_alone(monkeypatch):
    """Every message written is drawn again on its own, with nothing shared, and must be the
    same to the byte; gives the messages compared."""
    compared = []
    enqueue = outbox.enqueue

    def checked(**message):
        notification = enqueue(**message)
        if notification is not None:
            with monkeypatch.context() as alone:
                alone.setattr(outbox._batch, "memo", None, raising=False)
                alone.setattr(outbox, "_lasting", {})
                drawn = outbox.render(message["kind"], message["recipient"], message["context"])
            assert drawn == (notification.subject, notification.body_text, notification.body_html)
            compared.append(notification)
        return notification

    monkeypatch.setattr(emails, "enqueue", checked)
    return compared


@pytest.fixture
def drawn():
    """How many times each template was drawn, by name."""
    counts = Counter()

    def count(sender, template, context, **kwargs):
        counts[template.name] += 1

    template_rendered.connect(count)
    yield counts
    template_rendered.disconnect(count)


@pytest.mark.parametrize("speaks", ["fi", "sv"])
def test_every_message_reads_as_if_drawn_alone(
    speaks, home, host, coordinator, coordinator_contact, drawn_alone
):
    visitor = personas.alice(home) if speaks == "fi" else personas.bertil(host)
    visitor.job_title = "Kirjastonhoitaja & <tiimivastaava>"
    visitor.save()

    every_message(visitor, host if speaks == "fi" else home, coordinator)

    assert {message.kind for message in drawn_alone} == KINDS
    assert len(drawn_alone) == Notification.objects.count()
    assert {message.language for message in drawn_alone} == {"fi", "sv"}


def test_the_confirmation_draws_what_its_messages_share_once_per_language(
    alice, host, coordinator_contact, drawn
):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    drawn.clear()
    # As if this were the process's first transition: the frame's lasting blocks not drawn.
    outbox._lasting.clear()
    # Nor the contact details read yet (they are kept in the cache once read).
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    sent = support.notifications("confirmed")
    assert sorted(message.language for message in sent) == ["fi", "fi", "fi", "sv", "sv"]
    assert drawn["emails/confirmed.html"] == 5
    assert drawn["emails/includes/facts.html"] == 2
    assert drawn["emails/includes/facts.txt"] == 2
    # In both parts, and once more for the coordinator, who is not told to ask herself.
    assert drawn["emails/includes/sender.txt"] == 2 * 2 + 2
    # The mentor's practicalities leave the mentor out: theirs are drawn apart.
    assert drawn["emails/includes/practicalities.html"] == 3
    # The coordinator, one of the five, is not signed off to herself.
    assert drawn["emails/includes/signature.html"] == 2
    # The coordinator, one of the five, is found by the contact details that sign them all.
    assert sum("libraries_contactdetails" in query["sql"] for query in queries) == 1


def test_the_frames_signature_is_drawn_again_only_when_the_contact_details_change(
    alice, host, coordinator_contact, drawn
):
    support.submitted(alice, host)
    drawn.clear()

    day = support.weekday_ahead(40)
    support.submitted(alice, host, first_day=day, last_day=day)
    # Drawn for the first request's messages already, in the same words.
    assert drawn["emails/includes/signature.html"] == 0
    assert drawn["emails/includes/sender.txt"] == 0

    coordinator_contact.phone = "040 999 8888"
    coordinator_contact.save()
    day = support.weekday_ahead(47)
    exchange = support.submitted(alice, host, first_day=day, last_day=day)

    assert drawn["emails/includes/signature.html"] >= 1
    assert drawn["emails/includes/sender.txt"] == 0
    for message in support.notifications(exchange=exchange):
        assert "040 999 8888" in message.body_text
        assert "tel:+358409998888" in message.body_html
