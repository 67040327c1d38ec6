"""The outbox on its own: what a message does when the mail server is slow, away or refuses.

These messages are about nothing (a sign-in link): the outbox knows nothing of exchanges.
"""

import smtplib
import socket
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from mail import outbox
from mail.models import Notification
from tests.mail.mailserver import free_port, send_through
from tests.threads import at_once

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


def unqueued(email: str, **fields) -> Notification:
    """A message written straight to the outbox: no task of its own goes first."""
    return Notification.objects.create(
        kind="sign_in", recipient=email, language="fi", dedupe_key=f"unqueued:{email}", **fields
    )


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
    message = unqueued("liisa@kokkola.fi")

    def send():
        return outbox.deliver(message.pk)

    results = at_once(send, send)

    assert sorted(results) == [False, True]
    assert mail_server.recipients() == ["liisa@kokkola.fi"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.SENT, 1)


def test_a_poisoned_message_first_in_the_queue_holds_back_none_of_the_others(db, mail_server):
    # A name with a line break would forge a header: the message can never be built.
    poisoned = unqueued(
        "mallory@example.fi",
        recipient_name="Mallory\nBcc: everyone@example.fi",
        next_attempt_at=NOW - timedelta(hours=1),
    )
    for email in ["a@vaasa.fi", "b@kokkola.fi", "c@seinajoki.fi"]:
        sign_in_link(email, next_attempt_at=NOW - timedelta(minutes=30))

    assert outbox.send_pending() == 3

    assert sorted(mail_server.recipients()) == ["a@vaasa.fi", "b@kokkola.fi", "c@seinajoki.fi"]
    poisoned.refresh_from_db()
    assert (poisoned.status, poisoned.attempts) == (Notification.Status.FAILED, 1)
    assert poisoned.error == ("ValueError: Invalid address; address parts cannot contain newlines.")
    # Failed for good: the next sweep does not stumble on it again.
    assert outbox.send_pending() == 0


def test_each_message_carries_the_same_message_id_on_every_attempt(db, mail_server, time_machine):
    mail_server.data_replies = ["451 4.3.0 Mailbox busy, try again later"]
    message = sign_in_link(next_attempt_at=NOW)

    with pytest.raises(smtplib.SMTPDataError):
        outbox.deliver(message.pk)
    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    assert outbox.send_pending() == 1

    message.refresh_from_db()
    (received,) = mail_server.received
    assert received["Message-ID"] == message.message_id
    assert message.message_id == f"<kollega.{message.pk}.20270111080000@127.0.0.1>"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_the_server_accepted_is_not_sent_again_when_the_database_is_cut_then(
    mail_server, time_machine
):
    message = unqueued("liisa@kokkola.fi")
    sender = connection.cursor().connection.info.backend_pid

    def cut_the_senders_database_connection():
        with psycopg.connect(**_connect_kwargs(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [sender])

    mail_server.on_accept = cut_the_senders_database_connection

    with pytest.raises(DatabaseError):
        outbox.deliver(message.pk)
    connection.close()

    # The server has it; Kollega could not write that down. The sweep does not send it again,
    # and once no sender can still be at it, the coordinator sees its outcome as unknown.
    assert outbox.send_pending() == 0
    assert Notification.objects.get(pk=message.pk).status == Notification.Status.SENDING
    time_machine.move_to(NOW + outbox.claim_timeout() + timedelta(seconds=1), tick=False)
    assert outbox.send_pending() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Notification.Status.UNKNOWN, 1)
    assert message.error == outbox.INTERRUPTED
    assert mail_server.recipients() == ["liisa@kokkola.fi"]
    # The coordinator may send it again after checking with the recipient.
    assert outbox.resend(message.pk) is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_message_another_sender_holds_and_sends_the_rest(mail_server):
    held, free = (
        unqueued(email, next_attempt_at=NOW - timedelta(hours=1))
        for email in ["held@vaasa.fi", "free@vaasa.fi"]
    )
    holding = threading.Event()
    release = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=held.pk)
                holding.set()
                release.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        assert outbox.send_pending() == 1
    finally:
        release.set()
        holder.join(timeout=30)

    assert mail_server.recipients() == ["free@vaasa.fi"]
    assert Notification.objects.get(pk=held.pk).status == Notification.Status.PENDING


def _connect_kwargs() -> dict:
    settings_dict = connection.settings_dict
    return {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"],
        "dbname": settings_dict["NAME"],
    }


def test_messages_sent_together_go_in_one_insert_each_once_and_share_their_frame(
    db, mail_server, django_capture_on_commit_callbacks
):
    from django.test.utils import CaptureQueriesContext

    sign_in_link("kaisa@vaasa.fi")

    def link(email: str) -> None:
        outbox.enqueue(
            kind="sign_in",
            recipient=outbox.Recipient(email=email, name="Liisa Lukija", language="fi"),
            dedupe_key=f"sign_in:test:{email}",
            context={"link_url": "http://127.0.0.1:8000/fi/kirjaudu/x/", "minutes": 15},
        )

    with django_capture_on_commit_callbacks(execute=True):
        # The contact as no message has read it yet (it is kept in the cache once read).
        cache.clear()
        with CaptureQueriesContext(connection) as queries, outbox.batch():
            link("liisa@kokkola.fi")
            link("kaisa@vaasa.fi")  # in the outbox already
            link("liisa@kokkola.fi")  # twice in the batch
            link("pekka@seinajoki.fi")

    # One insert that leaves out the key already in the outbox: no query for the taken keys
    # first, no savepoint around it.
    outbox_queries = [q["sql"].split()[0] for q in queries if "mail_notification" in q["sql"]]
    assert outbox_queries == ["INSERT"]
    assert not any("SAVEPOINT" in q["sql"] for q in queries)
    # The coordinator's contact details that sign every message: read once for the batch.
    assert sum("libraries_contactdetails" in q["sql"] for q in queries) == 1
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == [
        "kaisa@vaasa.fi",
        "liisa@kokkola.fi",
        "pekka@seinajoki.fi",
    ]
    # The two new ones were handed to the sender once each; the old one waits for the sweep.
    assert sorted(mail_server.recipients()) == ["liisa@kokkola.fi", "pekka@seinajoki.fi"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("holder_commits", [True, False])
def test_a_batch_leaves_out_a_key_a_concurrent_writer_is_taking_once_that_writer_commits(
    monkeypatch, holder_commits
):
    queued: list[int] = []
    monkeypatch.setattr(outbox, "queue", lambda *ids: queued.extend(ids))
    holding = threading.Event()
    release = threading.Event()

    def link(email: str) -> None:
        outbox.enqueue(
            kind="sign_in",
            recipient=outbox.Recipient(email=email, name="Liisa Lukija", language="fi"),
            dedupe_key=f"sign_in:test:{email}",
            context={"link_url": "http://127.0.0.1:8000/fi/kirjaudu/x/", "minutes": 15},
        )

    def hold():
        try:
            with transaction.atomic():
                link("kaisa@vaasa.fi")
                holding.set()
                release.wait(timeout=20)
                if not holder_commits:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    def write_batch():
        try:
            with transaction.atomic(), outbox.batch():
                link("liisa@kokkola.fi")
                link("kaisa@vaasa.fi")
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    writer = threading.Thread(target=write_batch)
    writer.start()
    # The batch's insert waits for the holder's key; then the holder ends.
    writer.join(timeout=1)
    assert writer.is_alive()
    release.set()
    holder.join(timeout=30)
    writer.join(timeout=30)

    rows = dict(Notification.objects.values_list("recipient", "pk"))
    assert sorted(rows) == ["kaisa@vaasa.fi", "liisa@kokkola.fi"]
    if holder_commits:
        # The holder's message stands, queued by the holder; the batch wrote and queued only
        # its other one.
        assert queued == [rows["kaisa@vaasa.fi"], rows["liisa@kokkola.fi"]]
    else:
        # The holder wrote nothing in the end: the batch wrote and queued both.
        assert queued == [rows["liisa@kokkola.fi"], rows["kaisa@vaasa.fi"]]
