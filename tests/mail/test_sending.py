"""The outbox on its own: what a message does when the mail server is slow, away or refuses.

These messages are about nothing (a sign-in link): the outbox knows nothing of exchanges.
"""

import smtplib
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mail import outbox
from mail.models import Notification
from tests.exchange.test_concurrency import at_once
from tests.mail.mailserver import free_port, send_through

NOW = datetime(2027, 1, 11, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


def sign_in_link(email: str = "liisa@kokkola.fi", **fields) -> Notification:
    """One message in the outbox, written as sign-in writes it, not yet handed to a task."""
    notification = outbox.enqueue(
        kind="sign_in",
        recipient=outbox.Recipient(email=email, name="Liisa Lukija", language="fi"),
        dedupe_key=f"sign_in:test:{email}",
        context={"link_url": "http://127.0.0.1:8000/fi/kirjaudu/x/", "minutes": 15},
    )
    if fields:
        Notification.objects.filter(pk=notification.pk).update(**fields)
    return Notification.objects.get(pk=notification.pk)


def test_a_mail_server_that_refuses_connections_leaves_the_message_waiting(db, settings):
    send_through(settings, free_port())  # nothing listens there
    message = sign_in_link()

    with pytest.raises(ConnectionRefusedError):
        outbox.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.PENDING, 1)
    assert message.error.startswith("ConnectionRefusedError")
    assert message.next_attempt_at == NOW + timedelta(seconds=settings.OUTBOX_RETRY_DELAY)
    assert message.sent_at is None


def test_a_mail_server_that_never_answers_times_out_and_leaves_the_message_waiting(db, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never says a word
    send_through(settings, silent.getsockname()[1], timeout=1)
    message = sign_in_link()

    try:
        # smtplib reports a silent server as a disconnection that timed out.
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
            outbox.deliver(message.pk)
    finally:
        silent.close()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.PENDING, 1)
    assert "timed out" in message.error
    assert message.next_attempt_at == NOW + timedelta(seconds=settings.OUTBOX_RETRY_DELAY)


def test_a_recipient_refused_with_code_500_fails_at_once(db, mail_server):
    mail_server.refused = {"liisa@kokkola.fi": "500 5.5.2 Syntax error"}
    message = sign_in_link()

    assert outbox.deliver(message.pk) is False

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.FAILED, 1)
    assert message.error.startswith("SMTPRecipientsRefused")
    # Failed for good: the sweep does not try again, however late.
    assert outbox.send_pending() == 0
    assert mail_server.received == []


def test_the_sweep_sends_the_oldest_due_message_first(db, mail_server):
    hour = timedelta(hours=1)
    for email, waited in [
        ("b@kokkola.fi", 2 * hour),
        ("c@kokkola.fi", hour),
        ("a@vaasa.fi", 3 * hour),
    ]:
        sign_in_link(email, created_at=NOW - waited, next_attempt_at=NOW - waited)
    sign_in_link("later@vaasa.fi", next_attempt_at=NOW + hour)

    assert outbox.send_pending() == 3

    assert mail_server.recipients() == ["a@vaasa.fi", "b@kokkola.fi", "c@kokkola.fi"]
    assert Notification.objects.get(recipient="later@vaasa.fi").status == "pending"


def test_the_sweep_picks_up_a_message_just_past_its_grace(db, mail_server, time_machine):
    message = sign_in_link()  # its own task was lost

    time_machine.move_to(NOW + outbox.SWEEP_GRACE - timedelta(seconds=1), tick=False)
    assert outbox.send_pending() == 0
    time_machine.move_to(NOW + outbox.SWEEP_GRACE + timedelta(seconds=1), tick=False)
    assert outbox.send_pending() == 1

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.SENT, 1)
    assert mail_server.recipients() == ["liisa@kokkola.fi"]


def test_an_over_long_subject_is_stored_cut_at_its_limit(db, settings, tmp_path):
    (tmp_path / "emails").mkdir()
    for part, text in [("subject.txt", "{{ subject }}"), ("txt", "Hei!"), ("html", "<p>Hei!</p>")]:
        (tmp_path / "emails" / f"long.{part}").write_text(text)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    limit = Notification._meta.get_field("subject").max_length
    subject = "Kirjastojen henkilövaihto " * 20

    message = outbox.enqueue(
        kind="long",
        recipient=outbox.Recipient(email="liisa@kokkola.fi", name="", language="fi"),
        dedupe_key="long:1",
        context={"subject": subject},
    )

    stored = Notification.objects.get(pk=message.pk).subject
    assert len(subject) > limit
    assert stored == " ".join(subject.split())[:limit]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_message_at_once_with_a_slow_mail_server_send_one_email(mail_server):
    mail_server.slowness = 1
    # Written straight to the table: here no task of its own goes first.
    message = Notification.objects.create(
        kind="sign_in",
        recipient="liisa@kokkola.fi",
        language="fi",
        dedupe_key="slow",
        body_text="Hei",
    )

    def send():
        return outbox.deliver(message.pk)

    results = at_once(send, send)

    assert sorted(results) == [False, True]
    assert mail_server.recipients() == ["liisa@kokkola.fi"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.SENT, 1)
