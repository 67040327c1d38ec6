"""Two decisions at the same moment, each in its own thread and database connection.

The row lock in every transition makes the second wait, then find the state moved:
exactly one transition, one history row and one set of emails.
"""

from datetime import timedelta

import pytest
from django.test import Client

from exchange import workflow
from exchange.models import Approval, HistoryEntry, State
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def awaiting_home(alice, host):
    return support.submitted(alice, host)


def test_two_supervisor_clicks_at_once_make_one_transition(awaiting_home):
    approval = support.pending(awaiting_home, "home")
    before = Notification.objects.count()

    def approve():
        return workflow.approve_home(approval.pk, version=approval.version)

    results = at_once(approve, approve)

    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert sum(isinstance(r, workflow.AlreadyDecided) for r in results) == 1
    awaiting_home.refresh_from_db()
    assert (awaiting_home.state, awaiting_home.version) == (State.AWAITING_HOST, 3)
    assert HistoryEntry.objects.filter(to_state=State.AWAITING_HOST).count() == 1
    assert Approval.objects.filter(role="host").count() == 1
    # One message to the visitor, one decision link to the host: once each.
    assert Notification.objects.count() == before + 2


def test_approve_and_decline_posted_at_once_leave_one_decision(awaiting_home):
    approval = support.pending(awaiting_home, "home")
    path = pages.link_in(Notification.objects.get(kind="decision_request"))
    before = Notification.objects.count()

    responses = at_once(
        lambda: Client().post(path, {"action": "approve"}),
        lambda: Client().post(path, {"action": "decline", "decline-reason": "Ei nyt."}),
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    awaiting_home.refresh_from_db()
    approval.refresh_from_db()
    assert awaiting_home.state in (State.AWAITING_HOST, State.DECLINED)
    assert awaiting_home.version == 3
    assert HistoryEntry.objects.exclude(from_state="draft").count() == 1
    sent = Notification.objects.count() - before
    assert sent == (2 if awaiting_home.state == State.AWAITING_HOST else 1)


def test_the_visitor_cancelling_while_the_host_approves_ends_as_one_after_the_other(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    before = HistoryEntry.objects.count()

    approved, cancelled = at_once(
        lambda: workflow.approve_host(
            approval.pk, version=approval.version, mentor=personas.mentor()
        ),
        lambda: workflow.cancel(exchange.pk, by=alice, reason="Sairastuin."),
    )

    assert not isinstance(cancelled, Exception)
    exchange.refresh_from_db()
    assert exchange.state == State.CANCELLED
    steps = list(
        HistoryEntry.objects.filter(exchange=exchange)
        .order_by("pk")
        .values_list("to_state", flat=True)[before:]
    )
    if isinstance(approved, workflow.AlreadyDecided):
        # The cancel came first and withdrew the host's link.
        assert steps == [State.CANCELLED]
        assert not Notification.objects.filter(kind="confirmed").exists()
    else:
        # The approval came first; the cancel then told everyone, the mentor too.
        assert steps == [State.CONFIRMED, State.CANCELLED]
        assert "maja.mentor@korsholm.fi" in support.sent_to("cancelled")
    assert (
        Notification.objects.filter(kind="cancelled", recipient="alice@seinajoki.fi").count() == 1
    )


def _dates_proposed(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    first = exchange.first_day + timedelta(days=7)
    return workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first + timedelta(days=1),
        mentor=personas.mentor(),
    )


def test_accepting_and_refusing_the_proposed_dates_at_once_make_one_step(alice, host):
    """The visitor presses Accept in one tab and Refuse in another."""
    exchange = _dates_proposed(alice, host)
    before = support.snapshot(exchange)
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(alice)

    responses = at_once(
        lambda: tabs[0].post(pages.url("exchange:dates-accept", pk=exchange.pk)),
        lambda: tabs[1].post(
            pages.url("exchange:dates-refuse", pk=exchange.pk), {"reason": "En pääse."}
        ),
    )

    assert [response.status_code for response in responses] == [302, 302]
    exchange.refresh_from_db()
    assert exchange.state in (State.CONFIRMED, State.CANCELLED)
    assert exchange.version == before[1] + 1
    steps = list(exchange.history.order_by("pk").values_list("to_state", flat=True))
    assert len(steps) == before[4] + 1
    assert steps[-1] == exchange.state
    kinds = set(Notification.objects.order_by("pk")[before[6] :].values_list("kind", flat=True))
    assert kinds == ({"confirmed"} if exchange.state == State.CONFIRMED else {"cancelled"})


def test_the_same_new_dates_saved_twice_at_once_move_the_visit_once(alice, host, coordinator):
    """The coordinator's double click: both saves carry the same new dates."""
    exchange = support.confirmed_visit(alice, host)
    before = support.snapshot(exchange)
    first = exchange.first_day + timedelta(days=7)

    def move():
        return workflow.change_dates(
            exchange.pk, first_day=first, last_day=first + timedelta(days=1), by=coordinator
        )

    results = at_once(move, move)

    assert not [result for result in results if isinstance(result, Exception)]
    exchange.refresh_from_db()
    assert (exchange.first_day, exchange.version) == (first, before[1] + 1)
    assert exchange.history.count() == before[4] + 1
    assert support.sent_to("dates_changed", exchange) == {
        "alice@seinajoki.fi": "fi",
        "maja.mentor@korsholm.fi": "sv",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
    }
    assert Notification.objects.filter(kind="dates_changed").count() == 4
