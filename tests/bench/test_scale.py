"""The scale-out rehearsal's checks (bench/scale.py): every outbox row sent and received
exactly once, for its recipient, and the requests that failed on any instance."""

import logging
import smtplib
from email.message import EmailMessage

from bench.scale import (
    OutboxRow,
    Received,
    Sink,
    delivery,
    failures,
    sent_by_worker,
)
from mail import outbox
from mail.models import Notification
from tests.mail.mailserver import send_through

A = "<kollega.1.20270111080000@127.0.0.1>"
B = "<kollega.2.20270111080001@127.0.0.1>"
C = "<kollega.3.20270111080002@127.0.0.1>"


def rows(*statuses: str) -> list[OutboxRow]:
    ids = [A, B, C]
    return [
        OutboxRow(ids[number], f"lukija{number}@vaasa.fi", status)
        for number, status in enumerate(statuses)
    ]


def arrived(*message_ids: str) -> list[Received]:
    ids = [A, B, C]
    return [Received(mid, (f"lukija{ids.index(mid)}@vaasa.fi",)) for mid in message_ids]


def test_every_row_sent_and_received_once_is_exactly_once():
    result = delivery(rows("sent", "sent", "sent"), arrived(C, A, B))

    assert result.exactly_once
    assert (result.queued, result.sent, result.received) == (3, 3, 3)


def test_a_sent_row_whose_message_never_arrived_is_missing():
    result = delivery(rows("sent", "sent", "sent"), arrived(A, C))

    assert not result.exactly_once
    assert result.missing == [B]
    assert result.duplicated == result.unexpected == result.unsent == []


def test_a_message_that_arrived_twice_is_duplicated_though_the_counts_add_up():
    # Three rows, three messages: only the Message-IDs show that B went twice and C never.
    result = delivery(rows("sent", "sent", "sent"), arrived(A, B, B))

    assert (result.sent, result.received) == (3, 3)
    assert not result.exactly_once
    assert result.duplicated == [B]
    assert result.missing == [C]


def test_a_row_left_waiting_is_unsent_and_its_message_arriving_anyway_is_unexpected():
    result = delivery(rows("sent", "pending", "unknown"), arrived(A, C))

    assert not result.exactly_once
    assert result.unsent == [f"{B} (pending)", f"{C} (unknown)"]
    assert result.unexpected == [C]
    assert result.missing == []


def test_a_message_for_someone_else_than_its_rows_recipient_is_misaddressed():
    received = [Received(A, ("LUKIJA0@vaasa.fi",)), Received(B, ("lukija0@vaasa.fi",))]

    result = delivery(rows("sent", "sent"), received)

    assert result.misaddressed == [B]
    assert not result.exactly_once


def test_an_empty_outbox_and_nothing_received_have_nothing_missing():
    result = delivery([], [])
    assert result.exactly_once and result.queued == 0


def test_failed_requests_are_counted_on_every_instance_and_failed_flows_apart():
    counts = {
        "http://127.0.0.1:8001": {"requests": 120, "failures": 1},
        "http://127.0.0.1:8002": {"requests": 118, "failures": 2},
        "flows": {"requests": 9, "failures": 1},
    }
    assert failures(counts) == (3, 1)
    counts["http://127.0.0.1:8001"]["failures"] = counts["http://127.0.0.1:8002"]["failures"] = 0
    # A flow whose requests all answered but whose exchange did not end confirmed.
    assert failures(counts) == (0, 1)
    counts["flows"]["failures"] = 0
    assert not any(failures(counts))


def _sign_in_link(email: str) -> Notification:
    return outbox.enqueue(
        kind="sign_in",
        recipient=outbox.Recipient(email=email, name="Liisa Lukija", language="fi"),
        dedupe_key=f"sign_in:scale:{email}",
        context={"link_url": "http://127.0.0.1:8000/fi/kirjaudu/x/", "minutes": 15},
    )


def test_the_smtp_sink_keeps_each_messages_id_and_recipients_as_the_outbox_sends_them(
    db, settings, caplog
):
    with Sink() as sink:
        send_through(settings, sink.port)
        first, second = _sign_in_link("liisa@vaasa.fi"), _sign_in_link("stina@jakobstad.fi")
        with caplog.at_level(logging.INFO, logger="mail.outbox"):
            assert outbox.deliver(first.pk) and outbox.deliver(second.pk)
        sent = [
            OutboxRow(row.message_id, row.recipient, row.status)
            for row in Notification.objects.all()
        ]
        assert delivery(sent, sink.messages()).exactly_once
        assert sink.messages() == [
            Received(first.message_id, ("liisa@vaasa.fi",)),
            Received(second.message_id, ("stina@jakobstad.fi",)),
        ]

        # The same message sent once more by hand: the sink shows it twice.
        copy = EmailMessage()
        copy["Message-ID"], copy["To"], copy["From"] = first.message_id, first.recipient, "k@x.fi"
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.send_message(copy)
        assert delivery(sent, sink.messages()).duplicated == [first.message_id]

    log = "\n".join(
        f"2027-01-11 10:00:00 INFO {record.name} {record.getMessage()}" for record in caplog.records
    )
    assert sent_by_worker(log + "\nINFO celery.worker.strategy Task received\n") == 2
