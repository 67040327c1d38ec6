import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from exchange import workflow
from mail import outbox, tasks
from mail.models import Notification
from mail.outbox import Recipient
from tests.exchange import support

pytestmark = pytest.mark.django_db


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def exchange(alice, host):
    return support.draft(alice, host)


def test_messages_are_sent_once_the_transition_commits(
    alice, exchange, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(exchange.pk, by=alice)
        assert mailoutbox == []

    assert sorted(m.to[0] for m in mailoutbox) == [
        '"Alice Aalto" <alice@seinajoki.fi>',
        '"Eeva Esihenkilö" <eeva@seinajoki.fi>',
    ]
    assert "Eeva Esihenkil" in str(next(m for m in mailoutbox if "eeva" in m.to[0]).message())
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    message = next(m for m in mailoutbox if "eeva" in m.to[0])
    assert message.subject == Notification.objects.get(kind="decision_request").subject
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<a href=" in html
    assert "http://" in message.body


def test_the_send_task_run_twice_sends_once(alice, exchange, mailoutbox):
    workflow.submit(exchange.pk, by=alice)
    notification = Notification.objects.get(kind="submitted")

    tasks.send_notification.apply(args=[notification.pk])
    tasks.send_notification.apply(args=[notification.pk])

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 1)
    assert notification.sent_at is not None


def test_a_message_with_a_used_dedupe_key_is_not_written_again(exchange):
    recipient = Recipient(email="alice@seinajoki.fi", name="Alice Aalto", language="fi")
    context = {"link_url": "http://127.0.0.1:8000/fi/", "exchange": exchange}

    first = outbox.enqueue(
        kind="submitted", recipient=recipient, dedupe_key="k:1", context=context, about=exchange
    )
    second = outbox.enqueue(
        kind="submitted", recipient=recipient, dedupe_key="k:1", context=context, about=exchange
    )

    assert first is not None
    assert second is None
    assert list(exchange.notifications.all()) == [first]
    assert Notification.objects.count() == 1


def test_a_refused_message_is_kept_with_the_error_and_the_sweep_sends_it_later(
    alice, exchange, settings, mailoutbox
):
    workflow.submit(exchange.pk, by=alice)
    notification = Notification.objects.get(kind="submitted")
    settings.EMAIL_BACKEND = "tests.exchange.test_outbox.BrokenBackend"

    with pytest.raises(smtplib.SMTPException):
        outbox.deliver(notification.pk)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "Connection unexpectedly closed" in notification.error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox.send_pending() == 2
        assert outbox.send_pending() == 0

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.error) == ("sent", 2, "")
    assert len(mailoutbox) == 2


def test_a_message_that_keeps_failing_is_marked_failed(alice, exchange, settings, mailoutbox):
    workflow.submit(exchange.pk, by=alice)
    notification = Notification.objects.get(kind="submitted")
    settings.EMAIL_BACKEND = "tests.exchange.test_outbox.BrokenBackend"

    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        with pytest.raises(smtplib.SMTPException):
            outbox.deliver(notification.pk)
    # The last attempt gives up: nothing left for a retry to do.
    assert outbox.deliver(notification.pk) is False

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert outbox.deliver(notification.pk) is False


def test_the_sweep_leaves_fresh_messages_to_their_own_task(alice, exchange, mailoutbox):
    workflow.submit(exchange.pk, by=alice)

    assert outbox.send_pending() == 0
    assert mailoutbox == []
