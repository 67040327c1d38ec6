"""An unanswered decision page is drawn once and then served from the cache, until anything it
shows changes: each test changes one thing the page shows and opens the same link again."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import translate_url
from django.utils import translation

from exchange import workflow
from exchange.models import ExchangeRequest, State
from feedback.models import YearSettings
from tests import pages
from tests.exchange import support
from tests.factories import ExchangeRequestFactory, LibraryFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def awaiting_home(alice, host):
    # No car: the estimate asks for no kilometre rate.
    return support.submitted(
        alice, host, cover_arrangements="Minna hoitaa lainaustiskin.", travel_car_km=None
    )


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return pages.text(response)


def test_the_second_opening_reads_one_row_and_shows_the_same_page(client, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    first = client.get(path).content.decode()

    with CaptureQueriesContext(connection) as queries:
        second = client.get(path).content.decode()

    assert len(queries) == 1
    assert CSRF.sub("", second) == CSRF.sub("", first)
    assert "Minna hoitaa lainaustiskin." in second
    # The form still works: its token is this response's own.
    assert CSRF.search(second)


def test_a_renamed_visitor_shows_at_once(client, alice, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)

    alice.name = "Alice Aaltonen"
    alice.job_title = "kirjastonhoitaja"
    alice.save()

    text = page(client, path)
    assert "Alice Aaltonen, kirjastonhoitaja" in text


def test_a_renamed_host_library_shows_at_once(client, host, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)

    host.name = "Mustasaaren kirjasto Smedsby"
    host.save()

    assert "Mustasaaren kirjasto Smedsby" in page(client, path)


def test_the_request_changed_by_the_coordinator_shows_at_once(client, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)

    exchange = ExchangeRequest.objects.get(pk=awaiting_home.pk)
    exchange.cover_arrangements = "Kaija tuuraa."
    exchange.save()

    text = page(client, path)
    assert "Kaija tuuraa." in text
    assert "Minna hoitaa lainaustiskin." not in text


def test_the_visitors_other_exchange_moving_on_shows_at_once(client, alice, host, awaiting_home):
    day = support.weekday_ahead(40)
    other = support.submitted(
        alice, LibraryFactory(name_fi="Laihian kirjasto"), first_day=day, last_day=day
    )
    path = support.decision_link(awaiting_home, "home")
    before = page(client, path)
    assert re.search(r"Laihian kirjasto, [\d.]+: odottaa", before)

    workflow.cancel(other.pk, by=alice, reason="Aikataulu muuttui.")

    text = page(client, path)
    other.refresh_from_db()
    assert other.state == State.CANCELLED
    assert re.search(rf"Laihian kirjasto, [\d.]+: {other.get_state_display()}", text)


def test_another_visit_on_the_same_days_shows_on_the_hosts_page(client, alice, host):
    exchange = support.approved_at_home(alice, host)
    path = support.decision_link(exchange, "host")
    assert "Bertil Berg" not in page(client, path)

    ExchangeRequestFactory(
        host_library=host,
        state=State.AWAITING_HOST,
        first_day=exchange.first_day,
        last_day=exchange.last_day,
        visitor__name="Bertil Berg",
    )

    assert "Bertil Berg" in page(client, path)


def test_a_new_kilometre_rate_changes_the_estimate(client, alice, host):
    exchange = support.submitted(
        alice,
        host,
        travel_car_km=100,
        travel_public_eur=None,
        travel_other_eur=None,
        accommodation_nights=0,
        accommodation_eur=None,
    )
    year = exchange.first_day.year
    YearSettings.objects.update_or_create(year=year, defaults={"km_rate": Decimal("0.50")})
    path = support.decision_link(exchange, "home")
    assert "50,00 €" in page(client, path)

    YearSettings.objects.filter(year=year).update(km_rate=Decimal("0.60"))

    assert "60,00 €" in page(client, path)


def test_the_swedish_link_is_not_served_the_finnish_page(client, alice, host):
    # Korsholm's host answers in Swedish; the same link under /fi/ is the Finnish page.
    exchange = support.approved_at_home(alice, host)
    path = support.decision_link(exchange, "host")
    with translation.override("sv"):
        finnish = translate_url(path, "fi")
    assert path != finnish

    assert "Ditt svar" in page(client, path)
    assert "Vastauksesi" in page(client, finnish)
    assert "Ditt svar" in page(client, path)


def test_after_the_answer_the_link_shows_what_was_decided_not_the_kept_form(client, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)

    client.post(path, {"action": "approve"})

    response = client.get(path)
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
