"""The visitor's own pages: my exchanges, one request, and what the visitor can do there."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import workflow
from exchange.models import ExchangeRequest, HistoryEntry, State
from mail.models import Notification
from tests import pages
from tests.exchange.support import approved_at_home, draft, pending, snapshot, submitted
from tests.factories import ExchangeRequestFactory, FocusAreaFactory, LibraryFactory
from tests.pages import link_in, url
from tests.personas import mentor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PROPOSED_FIRST_DAY = date(2027, 3, 1)


def dates_proposed(visitor, host) -> ExchangeRequest:
    exchange = approved_at_home(visitor, host)
    approval = pending(exchange, "host")
    return workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=PROPOSED_FIRST_DAY,
        last_day=PROPOSED_FIRST_DAY + timedelta(days=1),
        mentor=mentor(),
    )


# --- my exchanges -----------------------------------------------------------------------


def test_my_exchanges_shows_the_host_the_dates_the_state_and_the_next_step(client, visitor, host):
    exchange = submitted(visitor, host, first_day=date(2027, 2, 1), last_day=date(2027, 2, 2))

    response = client.get(url("exchange:my-exchanges"))

    content = pages.html(response)
    assert response.status_code == 200
    assert "Mustasaaren pääkirjasto" in content
    assert "1.–2.2.2027" in content
    assert exchange.get_state_display().capitalize() in content
    assert "Odottaa esihenkilösi hyväksyntää (Eeva Esihenkilö)." in content
    assert url("exchange:request-detail", pk=exchange.pk) in content


def test_my_exchanges_speaks_swedish_on_the_swedish_site(client, visitor, host):
    submitted(visitor, host)

    response = client.get(url("exchange:my-exchanges", "sv"))

    assert "Mina utbyten" in pages.html(response)
    assert "Väntar på godkännande av din förman Eeva Esihenkilö." in pages.html(response)


def test_my_exchanges_shows_only_the_visitors_own(client, visitor, bertil):
    ExchangeRequestFactory(visitor=bertil, host_library=LibraryFactory(name_fi="Toinen kirjasto"))
    draft(visitor, LibraryFactory(name_fi="Oma kohde"))

    content = pages.html(client.get(url("exchange:my-exchanges")))

    assert "Oma kohde" in content
    assert "Toinen kirjasto" not in content


def test_the_next_step_follows_the_request(client, visitor, host):
    dates_proposed(visitor, host)

    content = pages.html(client.get(url("exchange:my-exchanges")))

    assert "Mustasaaren pääkirjasto ehdottaa päiviä 1.–2.3.2027." in content


def test_the_list_makes_the_same_number_of_queries_for_1_and_50_exchanges(
    client, visitor, host, django_assert_max_num_queries
):
    submitted(visitor, host)
    with CaptureQueriesContext(connection) as one:
        client.get(url("exchange:my-exchanges"))
    for week in range(1, 50):
        first_day = date(2027, 2, 1) + timedelta(weeks=week)
        exchange = ExchangeRequestFactory(
            visitor=visitor, first_day=first_day, last_day=first_day + timedelta(days=1)
        )
        if week % 2:
            workflow.submit(exchange.pk, by=visitor)

    with django_assert_max_num_queries(len(one)):
        response = client.get(url("exchange:my-exchanges"))

    assert pages.html(response).count('class="card mb-3 exchange-card') == 50
    assert ExchangeRequest.objects.filter(visitor=visitor).count() == 50


# --- one request ------------------------------------------------------------------------


def test_the_request_page_shows_the_details_the_next_step_and_the_timeline(client, visitor, host):
    exchange = approved_at_home(
        visitor, host, alternative_dates="Viikko 9", expectations="Satutunnit ja kirjastoauto."
    )

    response = client.get(url("exchange:request-detail", pk=exchange.pk))

    content = pages.html(response)
    assert response.status_code == 200
    assert "Satutunnit ja kirjastoauto." in content
    assert "Viikko 9" in content
    waiting = "Odottaa vastaanottavan kirjaston vastausta (Sara Sund, Mustasaaren pääkirjasto)."
    assert waiting in content
    entries = list(exchange.history.all())
    assert len(entries) == 2
    for entry in entries:
        assert entry.actor_label in content
        assert entry.get_to_state_display().capitalize() in content
    assert url("exchange:request-cancel", pk=exchange.pk) in content
    assert url("exchange:request-edit", pk=exchange.pk) not in content


def test_the_request_page_lists_its_focus_areas_by_name_and_no_other(client, visitor, host):
    exchange = submitted(visitor, host)
    exchange.focus_areas.add(
        FocusAreaFactory(slug="tales", name_fi="Satutunnit"),
        FocusAreaFactory(slug="bus", name_fi="Kirjastoauto"),
    )
    ExchangeRequestFactory(visitor=visitor).focus_areas.add(
        FocusAreaFactory(slug="maker", name_fi="Makerspace")
    )

    text = pages.text(client.get(url("exchange:request-detail", pk=exchange.pk)))

    assert "Kirjastoauto, Satutunnit" in text
    assert "Makerspace" not in text


@pytest.mark.parametrize(
    ("language", "label", "value"),
    [("fi", "Vaihdon muoto", "Virkamatka"), ("sv", "Utbytet räknas som", "Tjänsteresa")],
)
def test_the_request_page_names_the_trip_type_as_the_form_does(
    client, visitor, host, language, label, value
):
    """The form asks "Vaihdon muoto"; the page that shows the answer uses the same words."""
    exchange = approved_at_home(visitor, host)

    text = pages.text(client.get(url("exchange:request-detail", language, pk=exchange.pk)))

    assert f"{label} {value}" in text
    assert "Työnantajan kirjaus" not in text and "Registreras av arbetsgivaren" not in text


def test_a_draft_offers_edit_and_submit(client, visitor, host):
    exchange = draft(visitor, host)

    content = pages.html(client.get(url("exchange:request-detail", pk=exchange.pk)))

    assert url("exchange:request-edit", pk=exchange.pk) in content
    assert url("exchange:request-submit", pk=exchange.pk) in content


def test_the_visitor_reaches_the_request_page_from_the_email(client, visitor, host):
    exchange = submitted(visitor, host)
    email = Notification.objects.get(kind="submitted", recipient=visitor.email)

    response = client.get(link_in(email))

    assert response.status_code == 200
    assert response.context["exchange"] == exchange


def test_the_request_page_makes_the_same_number_of_queries_for_1_and_50_exchanges(
    client, visitor, host, django_assert_max_num_queries
):
    exchange = approved_at_home(visitor, host)
    with CaptureQueriesContext(connection) as one:
        client.get(url("exchange:request-detail", pk=exchange.pk))
    for week in range(1, 50):
        # Tuesdays: no public holiday falls on a Tuesday or a Wednesday in that year.
        first_day = date(2027, 3, 2) + timedelta(weeks=week)
        other = ExchangeRequestFactory(
            visitor=visitor, first_day=first_day, last_day=first_day + timedelta(days=1)
        )
        workflow.submit(other.pk, by=visitor)
    HistoryEntry.objects.bulk_create(
        HistoryEntry(exchange=exchange, actor_label="Kollega", to_state=State.AWAITING_HOST)
        for _ in range(10)
    )

    with django_assert_max_num_queries(len(one)):
        response = client.get(url("exchange:request-detail", pk=exchange.pk))

    assert response.status_code == 200


# --- everyone sees only what is theirs -------------------------------------------------


@pytest.mark.parametrize(
    "name, method",
    [
        ("exchange:request-detail", "get"),
        ("exchange:request-edit", "get"),
        ("exchange:request-edit", "post"),
        ("exchange:request-submit", "post"),
        ("exchange:request-cancel", "get"),
        ("exchange:request-cancel", "post"),
        ("exchange:dates-accept", "post"),
        ("exchange:dates-refuse", "post"),
    ],
)
def test_another_persons_exchange_is_not_found(client, alice, bertil, host, name, method):
    exchange = dates_proposed(alice, host)
    before = snapshot(exchange)
    client.force_login(bertil)

    response = getattr(client, method)(
        url(name, pk=exchange.pk), {"reason": "Ei käy.", "host_library": host.pk}
    )

    assert response.status_code == 404
    assert snapshot(exchange) == before


# --- actions: only a POST acts -----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["exchange:request-submit", "exchange:dates-accept", "exchange:dates-refuse"]
)
def test_a_get_on_an_action_changes_nothing(client, visitor, host, name):
    exchange = dates_proposed(visitor, host)
    before = snapshot(exchange)

    response = client.get(url(name, pk=exchange.pk))

    assert response.status_code == 405
    assert snapshot(exchange) == before


def test_the_cancel_page_asks_for_a_reason_and_changes_nothing(client, visitor, host):
    exchange = submitted(visitor, host)
    before = snapshot(exchange)

    response = client.get(url("exchange:request-cancel", pk=exchange.pk))

    assert response.status_code == 200
    assert 'name="reason"' in pages.html(response)
    assert snapshot(exchange) == before


def test_the_visitor_cancels_with_a_reason_and_everyone_involved_hears(client, visitor, host):
    exchange = approved_at_home(visitor, host)
    before = Notification.objects.count()

    response = client.post(
        url("exchange:request-cancel", pk=exchange.pk), {"reason": "Sairastuin."}
    )

    exchange.refresh_from_db()
    assert response.status_code == 302
    assert exchange.state == State.CANCELLED
    last = exchange.history.last()
    assert (last.from_state, last.to_state, last.comment, last.actor) == (
        State.AWAITING_HOST,
        State.CANCELLED,
        "Sairastuin.",
        visitor,
    )
    cancelled = Notification.objects.filter(kind="cancelled")
    assert Notification.objects.count() > before
    assert {n.recipient for n in cancelled} == {
        "alice@seinajoki.fi",
        "eeva@seinajoki.fi",
        "sara.sund@korsholm.fi",
    }
    assert "Hakemus on peruutettu." in pages.html(client.get(response["Location"]))


def test_cancelling_without_a_reason_is_refused(client, visitor, host):
    exchange = submitted(visitor, host)
    before = snapshot(exchange)

    response = client.post(url("exchange:request-cancel", pk=exchange.pk), {"reason": " "})

    assert response.status_code == 200
    assert "Kerro lyhyesti, miksi perut." in pages.html(response)
    assert snapshot(exchange) == before


def test_a_withdrawn_draft_tells_nobody(client, visitor, host):
    exchange = draft(visitor, host)

    client.post(url("exchange:request-cancel", pk=exchange.pk), {"reason": "Ei sittenkään."})

    exchange.refresh_from_db()
    assert exchange.state == State.CANCELLED
    assert not Notification.objects.exists()


def test_a_second_cancel_changes_nothing_and_sends_nothing(client, visitor, host):
    exchange = submitted(visitor, host)
    client.post(url("exchange:request-cancel", pk=exchange.pk), {"reason": "Sairastuin."})
    before = snapshot(exchange)

    response = client.post(
        url("exchange:request-cancel", pk=exchange.pk), {"reason": "Sairastuin."}
    )

    assert response.status_code == 302
    assert snapshot(exchange) == before


def test_the_visitor_accepts_the_proposed_dates(client, visitor, host):
    exchange = dates_proposed(visitor, host)

    response = client.post(url("exchange:dates-accept", pk=exchange.pk))

    exchange.refresh_from_db()
    assert response.status_code == 302
    assert exchange.state == State.CONFIRMED
    assert exchange.first_day == PROPOSED_FIRST_DAY
    assert exchange.history.last().actor == visitor
    assert Notification.objects.filter(kind="confirmed", recipient=visitor.email).count() == 1
    assert "Hyväksyit päivät. Vierailusi on vahvistettu." in pages.html(
        client.get(response["Location"])
    )


def test_accepting_the_dates_twice_confirms_once(client, visitor, host):
    exchange = dates_proposed(visitor, host)
    client.post(url("exchange:dates-accept", pk=exchange.pk))
    before = snapshot(exchange)

    response = client.post(url("exchange:dates-accept", pk=exchange.pk), follow=True)

    assert snapshot(exchange) == before
    assert response.status_code == 200


def test_proposed_dates_that_overlap_another_request_cannot_be_accepted(client, visitor, host):
    exchange = dates_proposed(visitor, host)
    submitted(
        visitor,
        LibraryFactory(email_domains="laihia.fi"),
        first_day=PROPOSED_FIRST_DAY + timedelta(days=1),
        last_day=PROPOSED_FIRST_DAY + timedelta(days=2),
    )
    before = snapshot(exchange)

    response = client.post(url("exchange:dates-accept", pk=exchange.pk), follow=True)

    assert response.redirect_chain == [(url("exchange:request-detail", pk=exchange.pk), 302)]
    assert "Sinulla on jo avoin vaihtohakemus osalle näistä päivistä." in pages.text(response)
    assert snapshot(exchange) == before
    assert exchange.state == State.DATES_PROPOSED
    # The proposal still waits for her answer.
    assert url("exchange:dates-accept", pk=exchange.pk) in pages.html(response)


def test_the_visitor_refuses_the_proposed_dates_with_a_reason(client, visitor, host):
    exchange = dates_proposed(visitor, host)

    client.post(url("exchange:dates-refuse", pk=exchange.pk), {"reason": "Maaliskuu ei käy."})

    exchange.refresh_from_db()
    assert exchange.state == State.CANCELLED
    assert exchange.history.last().comment == "Maaliskuu ei käy."
    assert Notification.objects.filter(kind="cancelled", recipient="sara.sund@korsholm.fi")


def test_the_proposed_dates_are_offered_only_while_proposed(client, visitor, host):
    exchange = submitted(visitor, host)
    before = snapshot(exchange)

    response = client.post(url("exchange:dates-accept", pk=exchange.pk), follow=True)

    assert snapshot(exchange) == before
    assert url("exchange:dates-accept", pk=exchange.pk) not in pages.html(response)


def test_the_pages_have_translated_addresses():
    assert url("exchange:my-exchanges", "fi") == "/fi/vaihdot/"
    assert url("exchange:my-exchanges", "sv") == "/sv/utbyten/"
    assert url("exchange:request-create", "sv") == "/sv/utbyten/ny/"
    assert url("exchange:request-detail", "fi", pk=7) == "/fi/vaihdot/7/"


def test_a_visit_that_has_begun_can_no_longer_be_cancelled(client, visitor, host, time_machine):
    exchange = dates_proposed(visitor, host)
    workflow.accept_dates(exchange.pk, by=visitor)
    time_machine.move_to(datetime(2027, 3, 1, 8, 0, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False)
    # Weeks have passed: she signs in again on the first day of her visit.
    client.force_login(visitor)
    before = snapshot(exchange)

    shown = client.get(url("exchange:request-detail", pk=exchange.pk))
    posted = client.post(
        url("exchange:request-cancel", pk=exchange.pk), {"reason": "Myöhässä."}, follow=True
    )

    assert url("exchange:request-cancel", pk=exchange.pk) not in pages.html(shown)
    assert posted.redirect_chain == [(url("exchange:request-detail", pk=exchange.pk), 302)]
    assert "Vaihtoa ei voi enää perua." in pages.html(posted)
    assert snapshot(exchange) == before
    assert snapshot(exchange)[0] == State.CONFIRMED


def test_a_request_number_beyond_any_key_is_not_found(client, visitor):
    response = client.get(url("exchange:request-detail", pk=2**64))
    assert response.status_code == 404
