"""Two visitors submit requests for a host's last place on the same day at the same moment,
each in its own thread and database connection: the host library's row is locked while the
places are counted, so one gets the place and the other is told the day is full."""

import time

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from exchange import hosting, workflow
from exchange.models import ExchangeRequest, HistoryEntry, State
from libraries import availability
from libraries.models import Library
from mail.models import Notification
from tests import pages
from tests.exchange import support
from tests.factories import LibraryFactory, StaffFactory
from tests.threads import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("slow_count"),
]


@pytest.fixture
def slow_count():
    """Counting the places takes a while, so that the two submissions overlap for sure: each
    has counted before the other could commit, unless the lock makes the second wait."""

    def count_slowly(*args):
        counts = hosting.count_visitors(*args)
        time.sleep(0.5)
        return counts

    availability.count_visitors_with(count_slowly)
    yield
    availability.count_visitors_with(hosting.count_visitors)


@pytest.fixture
def rival():
    """A librarian of a third library, who wants the same day at Korsholm."""
    return StaffFactory(email="rita@kunta.fi", library=LibraryFactory(email_domains="kunta.fi"))


def test_two_submissions_racing_for_the_last_place_give_it_to_one(alice, rival, host):
    day = support.weekday_ahead(30)
    drafts = [support.draft(person, host, first_day=day, last_day=day) for person in (alice, rival)]

    results = at_once(
        lambda: workflow.submit(drafts[0].pk, by=alice),
        lambda: workflow.submit(drafts[1].pk, by=rival),
    )

    winners = [r for r in results if isinstance(r, ExchangeRequest)]
    losers = [r for r in results if isinstance(r, workflow.TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "ei voi ottaa enempää vierailijoita" in str(losers[0])
    states = sorted(ExchangeRequest.objects.values_list("state", flat=True))
    assert states == sorted([State.DRAFT, State.AWAITING_HOME])
    assert HistoryEntry.objects.filter(to_state=State.AWAITING_HOME).count() == 1
    assert Notification.objects.filter(kind="decision_request").count() == 1


def test_two_visitors_pressing_submit_at_once_on_the_form_leave_one_request(alice, rival, host):
    day = support.weekday_ahead(30)
    tabs = [Client(), Client()]
    tabs[0].force_login(alice)
    tabs[1].force_login(rival)
    path = pages.url("exchange:request-create")
    form = support.request_form(host, day, day)

    responses = at_once(lambda: tabs[0].post(path, form), lambda: tabs[1].post(path, form))

    assert sorted(r.status_code for r in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "ottaa vastaan 1 vierailijan päivässä" in pages.text(refused)
    assert ExchangeRequest.objects.get().state == State.AWAITING_HOME


def _free(library: Library, lock: str) -> bool:
    """Whether another transaction could take this lock on the library's row now, unwaiting."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM libraries_library WHERE id = %s FOR {lock} NOWAIT", [library.pk]
            )
    except DatabaseError:
        return False
    return True


def test_a_submission_locks_the_hosts_places_but_no_library_against_other_requests(
    alice, home, host
):
    """Two visitors asking at once for each other's libraries must not each hold one library
    and wait for the other: only the host's places are locked, while they are counted, and a
    request naming either library (its foreign key checked with KEY SHARE) can be written."""
    draft = support.draft(alice, host, first_day=support.weekday_ahead(30))

    def look_while_counting():
        time.sleep(0.25)
        return {
            "home": _free(home, "UPDATE"),
            "host's places": _free(host, "NO KEY UPDATE"),
            "host as a request's key": _free(host, "KEY SHARE"),
        }

    submitted, free = at_once(lambda: workflow.submit(draft.pk, by=alice), look_while_counting)

    assert isinstance(submitted, ExchangeRequest), submitted
    assert free == {"home": True, "host's places": False, "host as a request's key": True}
