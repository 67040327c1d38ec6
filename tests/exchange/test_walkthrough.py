"""Whole exchanges from draft to confirmed, played as the people do: through the pages and
the links in their own emails, in Finnish and in Swedish."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from exchange.models import ExchangeRequest, State
from mail.models import Notification
from tests import pages
from tests.exchange import support

pytestmark = pytest.mark.django_db

WELCOME = {"fi": "Tervetuloa!", "sv": "Välkommen!"}


@pytest.fixture
def people(request, alice, host, coordinator_contact):
    """Alice visits Korsholm; everyone involved speaks the language of the walk."""
    language = request.param
    host.contact_language = language
    host.save()
    alice.language = language
    alice.save()
    return language, alice, host


def translated(language: str, message: str) -> str:
    with translation.override(language):
        text = gettext(message)
    assert text != message
    return text


def click(client, message: Notification, language: str):
    """Open the one link in a message, as its reader would; it opens in their language."""
    path = pages.link_in(message)
    assert path.startswith(f"/{language}/")
    return path, client.get(path)


def visitor_submits(client, alice, host, language: str, **fields) -> ExchangeRequest:
    client.force_login(alice)
    first = support.weekday_ahead(21)
    form = support.request_form(host, first, first + timedelta(days=1), **fields)
    response = client.post(pages.url("exchange:request-create", language), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return ExchangeRequest.objects.get(visitor=alice)


def supervisor_approves(client, message: Notification, language: str) -> None:
    path, page = click(client, message, language)
    assert page.status_code == 200
    assert translated(language, "Approve the request") in page.content.decode()
    assert client.post(path, {"action": "approve"}).status_code == 302


def host_approves(client, message: Notification, language: str, **extra) -> None:
    path, page = click(client, message, language)
    assert page.status_code == 200
    assert translated(language, "Workplace mentor's name") in page.content.decode()
    form = support.host_form(**{"approve-mentor_language": language, **extra})
    form["approve-comment"] = WELCOME[language]
    response = client.post(path, form)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.mark.parametrize("people", ["fi", "sv"], indirect=True)
def test_one_way_exchange_from_draft_to_confirmed(client, people):
    language, alice, host = people

    exchange = visitor_submits(client, alice, host, language)
    assert exchange.state == State.AWAITING_HOME
    supervisor_approves(client, support.email_to("eeva@seinajoki.fi", "decision_request"), language)
    host_approves(client, support.email_to("sara.sund@korsholm.fi", "decision_request"), language)

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert [(e.from_state, e.to_state) for e in exchange.history.all()] == [
        ("draft", "awaiting_home"),
        ("awaiting_home", "awaiting_host"),
        ("awaiting_host", "confirmed"),
    ]
    assert exchange.history.last().comment == WELCOME[language]
    assert support.sent_to("confirmed") == {
        "alice@seinajoki.fi": language,
        "maja.mentor@korsholm.fi": language,
        "eeva@seinajoki.fi": language,
        "sara.sund@korsholm.fi": language,
        "kerttu@vaasa.fi": "fi",
    }
    for message in Notification.objects.all():
        support.assert_both_parts(message)

    # The visitor follows the link in the confirmation to their own page.
    client.force_login(alice)
    _path, page = click(client, support.email_to("alice@seinajoki.fi", "confirmed"), language)
    assert page.status_code == 200
    assert "Maja Mentor" in page.content.decode()
    client.logout()

    # The mentor opens the visit's page from their email.
    _path, page = click(client, support.email_to("maja.mentor@korsholm.fi", "confirmed"), language)
    assert page.status_code == 200
    assert "Haluan oppia, miten kirjastoauto palvelee saaristoa." in page.content.decode()


@pytest.mark.parametrize("people", ["fi", "sv"], indirect=True)
def test_host_proposes_dates_and_the_visitor_accepts_them_on_the_exchange_page(client, people):
    language, alice, host = people
    exchange = visitor_submits(client, alice, host, language)
    supervisor_approves(client, support.email_to("eeva@seinajoki.fi", "decision_request"), language)
    new_first = exchange.first_day + timedelta(days=14)

    host_approves(
        client,
        support.email_to("sara.sund@korsholm.fi", "decision_request"),
        language,
        **{
            "action": "propose",
            "approve-first_day": new_first.isoformat(),
            "approve-last_day": new_first.isoformat(),
        },
    )
    exchange.refresh_from_db()
    assert exchange.state == State.DATES_PROPOSED

    client.force_login(alice)
    path, page = click(client, support.email_to("alice@seinajoki.fi", "dates_proposed"), language)
    assert page.status_code == 200
    accept_url = pages.url("exchange:dates-accept", language, pk=exchange.pk)
    assert accept_url in page.content.decode()
    response = client.post(accept_url)
    assert response.status_code == 302

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert (exchange.first_day, exchange.last_day) == (new_first, new_first)
    assert "maja.mentor@korsholm.fi" in support.sent_to("confirmed")
    page = client.get(path).content.decode()
    assert "Maja Mentor" in page
    assert accept_url not in page


@pytest.mark.parametrize("people", ["fi", "sv"], indirect=True)
def test_reciprocal_exchange_from_draft_to_both_visits_confirmed(client, people):
    language, alice, host = people
    return_first = support.weekday_ahead(50)

    exchange = visitor_submits(client, alice, host, language, kind="reciprocal")
    supervisor_approves(client, support.email_to("eeva@seinajoki.fi", "decision_request"), language)
    host_approves(
        client,
        support.email_to("sara.sund@korsholm.fi", "decision_request"),
        language,
        **{
            "approve-return_name": "Bertil Berg",
            "approve-return_email": "bertil@korsholm.fi",
            "approve-return_language": language,
            "approve-return_first_day": return_first.isoformat(),
            "approve-return_last_day": (return_first + timedelta(days=2)).isoformat(),
        },
    )

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    back = exchange.return_visit
    assert back.state == State.AWAITING_HOME
    assert (back.visitor.email, back.home_library, back.host_library) == (
        "bertil@korsholm.fi",
        host,
        alice.library,
    )
    assert back.days == 3
    # Bertil hears of his visit; Sara, his supervisor here, decides on it.
    assert support.email_to("bertil@korsholm.fi", "submitted").language == language
    return_links = Notification.objects.filter(exchange=back, kind="decision_request")
    assert {(m.recipient, m.language) for m in return_links} == {
        ("sara.sund@korsholm.fi", language)
    }
    supervisor_approves(client, return_links.get(), language)
    # Eeva, Alice's supervisor, hosts the return visit.
    back.refresh_from_db()
    assert back.state == State.AWAITING_HOST
    host_link = Notification.objects.get(
        exchange=back, kind="decision_request", recipient="eeva@seinajoki.fi"
    )
    path, page = click(client, host_link, language)
    assert "return_name" not in page.content.decode()
    form = support.host_form(
        **{
            "approve-mentor_name": "Minna Mentori",
            "approve-mentor_email": "minna@seinajoki.fi",
            "approve-mentor_language": language,
        }
    )
    assert client.post(path, form).status_code == 302

    back.refresh_from_db()
    assert back.state == State.CONFIRMED
    assert support.sent_to("confirmed", back) == {
        "bertil@korsholm.fi": language,
        "minna@seinajoki.fi": language,
        "sara.sund@korsholm.fi": language,
        "eeva@seinajoki.fi": language,
        "kerttu@vaasa.fi": "fi",
    }
    assert ExchangeRequest.objects.count() == 2
    for message in Notification.objects.all():
        support.assert_both_parts(message)
        assert settings.SITE_URL in message.body_text
