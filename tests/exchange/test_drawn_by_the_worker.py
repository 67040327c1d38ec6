"""With a Celery worker to send the messages, a transition writes its messages about the
exchange without their text, and the worker draws each just before sending it: the
supervisor's click does not wait for the templates, and the message says what it would have
said drawn in the request."""

import re
from contextlib import contextmanager

import pytest
from celery import current_app
from django.core import mail as sent_mail
from django.core.cache import cache

from exchange import workflow
from exchange.models import ExchangeRequest
from mail import outbox
from mail.models import Notification
from tests import personas
from tests.exchange import support

pytestmark = pytest.mark.django_db


@contextmanager
def worker_sends():
    """Messages are sent by a worker, not in this process, while inside (nothing is
    published: the test's transaction never commits)."""
    conf = current_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = saved


def _written(before: int) -> list[Notification]:
    return list(Notification.objects.filter(pk__gt=before).order_by("pk"))


def _last_pk() -> int:
    return Notification.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def _without_stamp(calendar: str) -> str:
    """An iCalendar text without its DTSTAMP (the moment it was made)."""
    return re.sub(r"^DTSTAMP:.*\r?\n", "", calendar, flags=re.MULTILINE)


def _drawn_again(message: Notification) -> Notification:
    """The message drawn anew from what was kept with it, as the worker draws it."""
    Notification.objects.filter(pk=message.pk).update(
        subject="", body_text="", body_html="", calendar=""
    )
    again = Notification.objects.get(pk=message.pk)
    assert not again.drawn
    outbox.draw(again)
    return Notification.objects.get(pk=message.pk)


def _assert_each_drawn_again_alike(messages: list[Notification]) -> None:
    assert messages
    for message in messages:
        again = _drawn_again(message)
        assert (again.subject, again.body_text, again.body_html) == (
            message.subject,
            message.body_text,
            message.body_html,
        ), message.kind
        assert _without_stamp(again.calendar) == _without_stamp(message.calendar)


def test_every_message_of_the_flow_drawn_by_the_worker_says_what_the_request_wrote(
    alice, host, bertil
):
    """Submit, approve at home, approve at the host with a mentor, cancel: each transition's
    messages, drawn again from what was kept with them right after it, are the same text,
    in each recipient's language, with the same links and calendar event."""
    mark = _last_pk()
    exchange = support.submitted(alice, host)
    _assert_each_drawn_again_alike(_written(mark))

    mark = _last_pk()
    approval = support.pending(exchange, "home")
    exchange = workflow.approve_home(approval.pk, version=approval.version, comment="Hyvä idea!")
    _assert_each_drawn_again_alike(_written(mark))

    mark = _last_pk()
    approval = support.pending(exchange, "host")
    exchange = workflow.approve_host(
        approval.pk, version=approval.version, mentor=personas.mentor()
    )
    confirmations = _written(mark)
    assert {message.language for message in confirmations} == {"fi", "sv"}
    assert any(message.calendar for message in confirmations)
    _assert_each_drawn_again_alike(confirmations)

    mark = _last_pk()
    workflow.cancel(exchange.pk, by=alice, reason="Sairastuin.")
    _assert_each_drawn_again_alike(_written(mark))


def test_with_a_worker_the_request_writes_no_text_and_the_worker_sends_it_drawn(alice, host):
    with worker_sends():
        exchange = support.submitted(alice, host)
    messages = support.notifications(exchange=exchange)
    assert {message.kind for message in messages} == {"submitted", "decision_request"}
    assert all(not message.drawn for message in messages)
    assert all(message.subject == message.body_text == "" for message in messages)

    for message in messages:
        assert outbox.deliver(message.pk)

    request = Notification.objects.get(kind="decision_request")
    support.assert_both_parts(request)
    assert request.status == Notification.Status.SENT
    email = next(
        email for email in sent_mail.outbox if email.to[0].endswith(f"<{request.recipient}>")
    )
    assert email.subject == request.subject
    assert email.body == request.body_text
    # The decision link the supervisor gets opens their decision page.
    assert support.decision_link(exchange, "home").startswith("/fi/")


def test_a_message_drawn_late_shows_the_exchange_as_it_is_when_drawn(alice, host):
    """A message the worker draws after the visitor changed the draft's expectations would
    show the new ones: it is drawn from the exchange as it is then (a matter of moments)."""
    with worker_sends():
        exchange = support.submitted(alice, host)
    ExchangeRequest.objects.filter(pk=exchange.pk).update(expectations="Kirjastoauton reitit.")

    request = Notification.objects.get(kind="decision_request")
    assert outbox.deliver(request.pk)
    request.refresh_from_db()
    assert "Kirjastoauton reitit." in request.body_text


def test_a_message_whose_exchange_is_gone_is_marked_failed_not_sent_empty(alice, host):
    with worker_sends():
        exchange = support.submitted(alice, host)
    request = Notification.objects.get(kind="decision_request")
    Notification.objects.filter(pk=request.pk).update(about_id=exchange.pk + 1000)

    assert outbox.deliver(request.pk) is False
    request.refresh_from_db()
    assert request.status == Notification.Status.FAILED
    assert "DoesNotExist" in request.error
    assert not sent_mail.outbox


def test_a_message_blanked_for_privacy_is_not_drawn_again(alice, host):
    """Erasing a person blanks what was kept to draw their messages too: a message resent by
    the coordinator afterwards cannot bring the text back."""
    from mail.personal_data import blank_messages

    with worker_sends():
        exchange = support.submitted(alice, host)
    blank_messages(Notification.objects.about(exchange))

    for message in Notification.objects.about(exchange):
        assert message.status == Notification.Status.FAILED
        assert message.drawn
        assert message.body_text == ""


def test_the_worker_reads_a_transitions_exchange_once_for_all_its_messages(alice, host):
    """The confirmation's messages, sent by one task, are drawn together: the exchange, the
    coordinator's contact details and the shared blocks are read and drawn once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mail import tasks

    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    with worker_sends():
        workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())
    ids = [message.pk for message in support.notifications("confirmed") if not message.drawn]
    assert len(ids) >= 4

    # The contact as no message has read it yet (it is kept in the cache once read).
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        tasks.send_notifications.apply(args=[ids])

    reads = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "exchange_exchangerequest"' in sql for sql in reads) == 1
    assert sum('FROM "libraries_contactdetails"' in sql for sql in reads) == 1
    assert Notification.objects.filter(pk__in=ids, status=Notification.Status.SENT).count() == len(
        ids
    )
    assert len(sent_mail.outbox) == len(ids)


def test_the_coordinator_sees_a_message_not_written_yet_as_such(admin_client, alice, host):
    with worker_sends():
        exchange = support.submitted(alice, host)
    page = admin_client.get("/fi/admin/mail/notification/")
    assert page.status_code == 200
    assert "(kirjoitetaan lähetettäessä)" in page.content.decode()

    request = Notification.objects.get(kind="decision_request")
    assert outbox.deliver(request.pk)
    request.refresh_from_db()
    page = admin_client.get(f"/fi/admin/exchange/exchangerequest/{exchange.pk}/change/")
    assert request.subject in page.content.decode()
