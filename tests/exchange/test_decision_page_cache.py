"""An unanswered decision page is drawn once and then served from the cache, until anything it
shows changes: each test changes one thing the page shows and opens the same link again."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.html import escape

from exchange import links, workflow
from exchange.models import ExchangeRequest, State
from feedback.models import YearSettings
from tests import pages
from tests.exchange import support
from tests.factories import ExchangeRequestFactory, LibraryFactory, StaffFactory
from web import page_cache
from web.backends import EMAIL_LINK

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


# For a reader who is not signed in (a supervisor) the whole page is kept, its token written in.


def test_a_kept_page_is_the_drawn_page_with_each_browsers_own_working_token(awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    drawn = Client(enforce_csrf_checks=True).get(path)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    kept = [first.get(path), second.get(path)]

    tokens = [CSRF.findall(response.content.decode()) for response in kept]
    # Both forms of the page (the language switch and the decision) carry a token, each
    # browser its own, and the page is otherwise the one drawn for the first reader.
    assert all(len(found) == 2 for found in tokens)
    assert tokens[0] != tokens[1]
    assert page_cache.TOKEN_STAND_IN not in kept[1].content.decode()
    assert CSRF.sub("", kept[1].content.decode()) == CSRF.sub("", drawn.content.decode())
    assert all("csrftoken" in response.cookies for response in kept)

    token = re.search(r'value="([^"]+)"', tokens[1][1])[1]
    response = second.post(path, {"action": "approve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    awaiting_home.refresh_from_db()
    assert awaiting_home.state == State.AWAITING_HOST


def test_a_signed_in_reader_is_not_given_the_page_kept_for_others(client, alice, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)
    colleague = StaffFactory(name="Kaisa Kollega")

    signed_in = Client()
    signed_in.force_login(colleague, backend=EMAIL_LINK)
    assert "Kaisa Kollega" in page(signed_in, path)
    assert "Kaisa Kollega" not in page(client, path)


def test_a_waiting_message_is_shown_on_the_page(client, awaiting_home):
    path = support.decision_link(awaiting_home, "home")
    page(client, path)
    request = RequestFactory().get(path)
    request.session = client.session
    storage = default_storage(request)
    storage.add(messages.INFO, "Kiitos, tallennettu.")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)

    assert "Kiitos, tallennettu." in page(client, path)
    assert "Kiitos, tallennettu." not in page(client, path)


def test_each_link_to_the_same_decision_switches_language_to_itself(client, awaiting_home):
    """A second email's link (a later token for the same approval) is kept apart: the page's
    language switch leads back to the address it was opened at."""
    first = support.decision_link(awaiting_home, "home")
    approval = support.pending(awaiting_home, "home")
    with time_machine.travel(timezone.now() + timedelta(hours=1)), translation.override("fi"):
        second = reverse("exchange:approval-link", args=[links.approval_token(approval)])
    assert first != second
    for path in (first, second, f"{first}?lahde=sahkoposti"):
        html = client.get(path).content.decode()
        assert f'name="next" value="{escape(translate_url(path, "sv"))}"' in html


# The fields of an unanswered form are drawn once per process for all pages that show the same.


def test_each_hosts_form_shows_its_own_fields_whatever_another_page_drew_first(client, alice):
    day = support.weekday_ahead(40)
    reciprocal = support.approved_at_home(alice, LibraryFactory(), kind="reciprocal")
    one_way = support.approved_at_home(alice, LibraryFactory(), first_day=day, last_day=day)

    for exchange, asks_return in [(reciprocal, True), (one_way, False), (reciprocal, True)]:
        html = client.get(support.decision_link(exchange, "host")).content.decode()
        assert ('name="approve-return_name"' in html) is asks_return
        assert ("Vastavierailu" in html) is asks_return
        assert 'name="approve-mentor_name"' in html


def test_a_form_sent_back_with_errors_is_not_kept_for_the_next_supervisor(client, alice):
    day = support.weekday_ahead(40)
    first = support.submitted(alice, LibraryFactory())
    second = support.submitted(alice, LibraryFactory(), first_day=day, last_day=day)

    refused = client.post(support.decision_link(first, "home"), {"action": "decline"})
    assert refused.status_code == 400
    assert "Kerro, miksi hylkäät hakemuksen." in pages.text(refused)

    text = page(client, support.decision_link(second, "home"))
    assert "Kerro, miksi hylkäät hakemuksen." not in text
    assert " checked" not in client.get(support.decision_link(second, "home")).content.decode()
