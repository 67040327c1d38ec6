"""Delivery that survives faults: a real SMTP server that refuses for a while or for good,
and a broker that is down when a request is submitted."""

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from exchange.models import ExchangeRequest, State
from exchange.workdays import FINNISH_TIME
from mail import outbox, tasks
from mail.models import Notification
from tests import pages
from tests.exchange import support

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME)


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(NOW, tick=False)


@contextmanager
def broker(url: str):
    """Send tasks to the broker at `url` (not in-process) while inside."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def sweep_at(moment: datetime, time_machine) -> int:
    time_machine.move_to(moment, tick=False)
    return outbox.send_pending()


def test_a_temporary_refusal_is_tried_again_later_and_sent_once(
    alice, host, mail_server, django_capture_on_commit_callbacks, time_machine
):
    mail_server.data_replies = ["451 4.3.0 Mailbox busy, try again later"]

    with django_capture_on_commit_callbacks(execute=True):
        support.submitted(alice, host)

    first = Notification.objects.get(kind="submitted")
    assert (first.status, first.attempts) == ("pending", 1)
    assert "451" in first.error
    assert first.next_attempt_at == NOW + timedelta(seconds=60)
    assert mail_server.recipients() == ["eeva@seinajoki.fi"]

    assert sweep_at(NOW + timedelta(seconds=59), time_machine) == 0
    assert sweep_at(NOW + timedelta(seconds=60), time_machine) == 1
    assert sweep_at(NOW + timedelta(minutes=30), time_machine) == 0

    first.refresh_from_db()
    assert (first.status, first.attempts, first.error) == ("sent", 2, "")
    assert sorted(mail_server.recipients()) == ["alice@seinajoki.fi", "eeva@seinajoki.fi"]


def test_each_temporary_failure_waits_twice_as_long_until_the_message_fails(
    alice, host, mail_server, time_machine
):
    support.submitted(alice, host)
    notification = Notification.objects.get(kind="submitted")
    # Both waiting messages (to Alice and to Eeva) meet a busy server every time.
    mail_server.data_replies = ["421 4.7.0 Too busy"] * 2 * outbox.MAX_ATTEMPTS
    moment = NOW
    waits = []
    for _attempt in range(outbox.MAX_ATTEMPTS):
        moment = max(moment, notification.next_attempt_at)
        time_machine.move_to(moment, tick=False)
        outbox.send_pending()
        notification.refresh_from_db()
        waits.append((notification.next_attempt_at - moment).total_seconds())

    assert waits[:-1] == [60, 120, 240, 480]
    assert (notification.status, notification.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert mail_server.recipients().count("alice@seinajoki.fi") == 0


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        ({"refused": {"alice@seinajoki.fi": "550 5.1.1 No such user"}}, "SMTPRecipientsRefused"),
        ({"data_replies": ["554 5.7.1 Message rejected as spam"]}, "SMTPDataError: (554"),
    ],
    ids=["recipient refused", "message rejected"],
)
def test_a_permanent_refusal_fails_the_message_at_once(
    alice, host, mail_server, django_capture_on_commit_callbacks, time_machine, refusal, error
):
    for name, value in refusal.items():
        setattr(mail_server, name, value)

    with django_capture_on_commit_callbacks(execute=True):
        support.submitted(alice, host)

    failed = Notification.objects.get(status="failed")
    assert (failed.kind, failed.attempts) == ("submitted", 1)
    assert failed.error.startswith(error)
    assert sweep_at(NOW + timedelta(hours=2), time_machine) == 0
    assert Notification.objects.get(pk=failed.pk).attempts == 1


def test_greylisting_is_a_temporary_refusal(alice, host, mail_server):
    mail_server.refused = {"alice@seinajoki.fi": "450 4.2.0 Greylisted, try again later"}
    support.submitted(alice, host)
    notification = Notification.objects.get(kind="submitted")

    with pytest.raises(Exception):  # noqa: B017 - smtplib.SMTPRecipientsRefused
        outbox.deliver(notification.pk)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("pending", 1)


def test_the_coordinator_sees_a_failed_message_in_the_admin_and_resends_it(
    coordinator_client, alice, host, mail_server, django_capture_on_commit_callbacks
):
    client = coordinator_client
    mail_server.refused = {"eeva@seinajoki.fi": "550 5.1.1 No such user"}
    with django_capture_on_commit_callbacks(execute=True):
        exchange = support.submitted(alice, host)
    failed = Notification.objects.get(status="failed")
    changelist = reverse("admin:mail_notification_changelist")

    page = client.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [failed]
    assert "eeva@seinajoki.fi" in page.content.decode()
    assert client.get(changelist, {"kind": "decision_request"}).status_code == 200
    detail = client.get(reverse("admin:exchange_exchangerequest_change", args=[exchange.pk]))
    assert "eeva@seinajoki.fi" in detail.content.decode()

    mail_server.refused = {}  # the address was corrected at the mail server's end
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("sent", "")
    assert mail_server.recipients().count("eeva@seinajoki.fi") == 1
    assert "1 viesti lähetetään uudelleen." in response.content.decode()


def test_only_a_failed_message_can_be_resent(alice, host, mailoutbox):
    support.submitted(alice, host)
    notification = Notification.objects.get(kind="submitted")
    outbox.deliver(notification.pk)

    assert outbox.resend(notification.pk) is False
    notification.refresh_from_db()
    assert notification.status == "sent"


def test_a_request_submitted_while_the_broker_is_down_is_saved_and_sent_by_the_sweep(
    client, alice, host, settings, django_capture_on_commit_callbacks, mailoutbox, time_machine
):
    client.force_login(alice)
    first = support.weekday_ahead(21)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    with broker(settings.CELERY_BROKER_URL), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            pages.url("exchange:request-create"),
            support.request_form(host, first, first + timedelta(days=1)),
        )

    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get()
    assert exchange.state == State.AWAITING_HOME
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    assert mailoutbox == []

    # Redis is back; the outbox sweep runs a few minutes later.
    assert sweep_at(NOW + timedelta(minutes=1), time_machine) == 0
    assert sweep_at(NOW + timedelta(minutes=5), time_machine) == 2
    assert sweep_at(NOW + timedelta(minutes=10), time_machine) == 0
    assert sorted(m.to[0] for m in mailoutbox) == [
        '"Alice Aalto" <alice@seinajoki.fi>',
        '"Eeva Esihenkilö" <eeva@seinajoki.fi>',
    ]


def test_one_task_delivered_twice_sends_one_email(alice, host, mail_server):
    support.submitted(alice, host)
    notification = Notification.objects.get(kind="submitted")

    tasks.send_notification.apply(args=[notification.pk])
    tasks.send_notification.apply(args=[notification.pk])

    assert mail_server.recipients() == ["alice@seinajoki.fi"]
