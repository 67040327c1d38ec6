"""The pages that list visits make the same number of queries for 10 visits as for 200."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from libraries import public_pages
from tests.factories import (
    ExchangeRequestFactory,
    ExpenseClaimFactory,
    LibraryFactory,
    StaffFactory,
    VisitorFeedbackFactory,
)
from tests.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def grow():
    """Adds closed visits, each with published feedback and a claim, up to a total."""
    hosts = [LibraryFactory() for _ in range(4)]
    visitors = [StaffFactory() for _ in range(6)]
    made = []

    def to(total: int) -> None:
        while len(made) < total:
            n = len(made)
            exchange = ExchangeRequestFactory(
                visitor=visitors[n % len(visitors)],
                host_library=hosts[n % len(hosts)],
                state="closed",
                first_day=date(2026, 1, 5) + timedelta(days=n),
                submitted_at=timezone.now(),
            )
            VisitorFeedbackFactory(
                exchange=exchange,
                rating=1 + n % 5,
                story_consent=["named", "anonymous"][n % 2],
                story_language=["fi", "sv"][n % 2],
                published_at=timezone.now() - timedelta(minutes=n),
            )
            ExpenseClaimFactory(exchange=exchange, state=["submitted", "approved", "paid"][n % 3])
            made.append(exchange)

    to.hosts = hosts
    return to


def _queries(client, path: str, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200, path
    return len(queries)


PAGES = [
    ("feedback:experiences", {}),
    ("feedback:experiences", {"region": "pohjanmaa", "page": "2"}),
    ("admin:feedback_visitorfeedback_changelist", {}),
    ("admin:feedback_visitorfeedback_changelist", {"year": "2026", "reviewed": "no"}),
    ("admin:feedback_expenseclaim_changelist", {}),
    ("admin:feedback_yearstatistics_changelist", {"year": "2026"}),
]


def _count_all(client, library) -> dict:
    counts = {f"{name} {params}": _queries(client, url(name), params) for name, params in PAGES}
    # The library page comes from the cache once built: count the building, every time.
    public_pages.content_changed()
    counts["library page"] = _queries(client, library.get_absolute_url())
    return counts


def test_the_pages_make_as_many_queries_for_200_visits_as_for_10(client, grow, coordinator):
    client.force_login(coordinator)
    grow(10)
    _count_all(client, grow.hosts[0])  # warm up: sessions, content types
    few = _count_all(client, grow.hosts[0])

    grow(200)

    assert _count_all(client, grow.hosts[0]) == few
