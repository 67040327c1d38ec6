"""The messages one transition writes go to the broker (a real Redis) as one task, and each is
still sent once, as a task of its own would send it."""

import base64
import json
import os
from datetime import datetime

import pytest
import redis
from celery.exceptions import Retry

from exchange import workflow
from exchange.workdays import FINNISH_TIME
from mail import outbox, tasks
from mail.models import Notification
from tests import personas
from tests.exchange import support
from tests.exchange.test_delivery import broker

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

NOW = datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME)


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def published():
    """Tasks go to the Redis of REDIS_URL while the test runs; the function gives what was
    published there, oldest first, as (task, args, retries), read from the broker's queue."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url)
    client.flushdb()

    def read() -> list[tuple[str, list, int]]:
        sent = []
        for raw in reversed(client.lrange("celery", 0, -1)):
            message = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            sent.append((message["headers"]["task"], args, message["headers"]["retries"]))
        return sent

    try:
        with broker(url):
            yield read
    finally:
        client.flushdb()


def ids(kind: str) -> list[int]:
    return [message.pk for message in support.notifications(kind)]


def test_the_confirmation_to_everyone_is_one_task_and_each_message_goes_once(
    alice, host, mail_server, published, django_capture_on_commit_callbacks
):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    confirmed = ids("confirmed")
    assert len(confirmed) == 4  # the visitor, the mentor, both supervisors
    assert published() == [("mail.tasks.send_notifications", [confirmed], 0)]

    # The task as the worker runs it, and once more: a redelivery after a lost acknowledgement.
    tasks.send_notifications.apply(args=[confirmed])
    tasks.send_notifications.apply(args=[confirmed])

    rows = support.notifications("confirmed")
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert sorted(mail_server.recipients()) == sorted(row.recipient for row in rows)


def test_a_message_written_alone_keeps_a_task_of_its_own(
    db, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(
            kind="sign_in",
            recipient=outbox.Recipient(email="liisa@kokkola.fi", name="Liisa", language="fi"),
            dedupe_key="sign_in:test",
            context={"link_url": "http://127.0.0.1:8000/fi/kirjaudu/x/", "minutes": 15},
        )

    assert published() == [("mail.tasks.send_notification", [message.pk], 0)]


def test_a_recipient_refused_for_now_is_retried_alone_and_the_others_go_at_once(
    alice, host, mail_server, published, time_machine
):
    exchange = support.confirmed_visit(alice, host)
    confirmed = ids("confirmed")
    mentor = Notification.objects.get(kind="confirmed", recipient=exchange.mentor_email)
    mail_server.refused = {exchange.mentor_email: "450 4.2.0 Greylisted, try again later"}

    # The task as a worker runs it (not in-process), so the failure is retried via the broker.
    tasks.send_notifications.push_request(
        id="batch", retries=0, is_eager=False, called_directly=False
    )
    try:
        with pytest.raises(Retry):
            tasks.send_notifications.run(confirmed)
    finally:
        tasks.send_notifications.pop_request()

    assert published() == [("mail.tasks.send_notifications", [[mentor.pk]], 1)]
    others = Notification.objects.filter(pk__in=confirmed).exclude(pk=mentor.pk)
    assert {(row.status, row.attempts) for row in others} == {("sent", 1)}
    mentor.refresh_from_db()
    assert (mentor.status, mentor.attempts) == ("pending", 1)
    assert sorted(mail_server.recipients()) == sorted(row.recipient for row in others)

    # The retry sends the mentor's message once it is due, and nothing else again.
    mail_server.refused = {}
    time_machine.move_to(mentor.next_attempt_at, tick=False)
    tasks.send_notifications.apply(args=[[mentor.pk]], retries=1)

    mentor.refresh_from_db()
    assert (mentor.status, mentor.attempts) == ("sent", 2)
    assert sorted(mail_server.recipients()) == sorted(
        Notification.objects.filter(pk__in=confirmed).values_list("recipient", flat=True)
    )
