"""The exchange list answers in the same number of queries for few exchanges and for many."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.exchange import support
from tests.factories import LibraryFactory, StaffFactory
from tests.pages import admin_url, html

pytestmark = pytest.mark.django_db


def exchanges(home, count: int) -> None:
    for number in range(count):
        visitor = StaffFactory(library=home)
        day = date(2026, 12, 1) + timedelta(days=7 * number)
        support.submitted(visitor, LibraryFactory(), first_day=day, last_day=day)


def test_the_exchange_list_asks_the_same_queries_for_three_exchanges_or_thirty(
    coordinator_client, programme, home
):
    path = admin_url("exchange_exchangerequest_changelist")
    exchanges(home, 3)
    coordinator_client.get(path)
    with CaptureQueriesContext(connection) as few:
        html(coordinator_client.get(path))

    exchanges(home, 27)
    with CaptureQueriesContext(connection) as many:
        page = html(coordinator_client.get(path))

    assert page.count('name="_selected_action"') == 33
    assert len(many) == len(few)


def test_the_exchange_list_shows_dates_and_state_as_words_and_no_number_column(
    coordinator_client, programme
):
    page = html(coordinator_client.get(admin_url("exchange_exchangerequest_changelist")))

    assert "24.–25.11.2026" in page
    assert "vahvistettu" in page
    assert "column-pk" not in page and "column-id" not in page
