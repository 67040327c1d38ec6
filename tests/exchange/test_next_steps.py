"""Before the visit, and when it will not take place: the next step the visitor reads on the
list and on the request's page, with what they can do about it; a decline's reason on top."""

import pytest

from exchange import workflow
from tests import pages
from tests.exchange.support import approved_at_home, confirmed_visit, draft, pending, submitted
from tests.pages import url
from tests.personas import mentor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _list_and_page(client, exchange, language: str = "fi") -> tuple[str, str]:
    listed = pages.text(client.get(url("exchange:my-exchanges", language)))
    page = pages.text(client.get(url("exchange:request-detail", language, pk=exchange.pk)))
    return listed, page


def test_a_draft_says_to_finish_it_with_a_button_to_continue(client, visitor, host):
    exchange = draft(visitor, host)

    listed, _page = _list_and_page(client, exchange)
    html = pages.html(client.get(url("exchange:my-exchanges")))

    assert "Seuraava vaihe: Viimeistele hakemus ja lähetä se esihenkilösi hyväksyttäväksi" in listed
    assert f'href="{url("exchange:request-edit", pk=exchange.pk)}">Jatka hakemusta</a>' in html


@pytest.mark.parametrize(
    ("make", "fi", "sv"),
    [
        (
            submitted,
            "Odottaa esihenkilösi hyväksyntää (Eeva Esihenkilö).",
            "Väntar på godkännande av din förman Eeva Esihenkilö.",
        ),
        (
            approved_at_home,
            "Odottaa vastaanottavan kirjaston vastausta (Sara Sund, Mustasaaren pääkirjasto).",
            "Väntar på svar från Sara Sund, Korsholms huvudbibliotek.",
        ),
        (
            lambda visitor, host: confirmed_visit(visitor, host, mentor=mentor()),
            "Vahvistettu. Työpaikkaohjaajasi on Maja Mentor.",
            "Bekräftat. Din arbetsplatshandledare är Maja Mentor.",
        ),
    ],
)
def test_while_others_decide_the_next_step_names_who_in_both_languages(
    client, visitor, host, make, fi, sv
):
    exchange = make(visitor, host)

    for language, words in (("fi", fi), ("sv", sv)):
        listed, page = _list_and_page(client, exchange, language)
        assert words in listed
        assert words in page


def test_a_decline_stands_at_the_top_with_its_reason_and_who_gave_it(client, visitor, host):
    exchange = submitted(visitor, host)
    home = pending(exchange, "home")
    workflow.decline(home.pk, version=home.version, reason="Kevät on liian kiireinen.")

    listed, page = _list_and_page(client, exchange)

    assert "Eeva Esihenkilö hylkäsi hakemuksen. Voit tehdä uuden hakemuksen." in listed
    assert "Kevät on liian kiireinen." in listed
    top = page.split("Historia")[0]
    assert "Seuraava vaihe: Eeva Esihenkilö hylkäsi hakemuksen." in top
    assert "Kevät on liian kiireinen. Perustelun antoi Eeva Esihenkilö" in top


def test_a_decline_reads_in_swedish_on_the_swedish_site(client, visitor, host):
    exchange = approved_at_home(visitor, host)
    approval = pending(exchange, "host")
    workflow.decline(approval.pk, version=approval.version, reason="Vi har inventering då.")

    _listed, page = _list_and_page(client, exchange, "sv")

    top = page.split("Historik")[0]
    assert "Sara Sund avslog ansökan. Du kan göra en ny ansökan." in top
    assert "Vi har inventering då. Motivering av Sara Sund" in top


def test_a_cancelled_exchange_says_who_cancelled_it_and_why(client, visitor, host):
    exchange = approved_at_home(visitor, host)
    workflow.cancel(exchange.pk, by=visitor, reason="Sairastuin.")

    listed, page = _list_and_page(client, exchange)

    assert f"{visitor} perui vaihdon." in listed
    assert "Sairastuin." in page.split("Historia")[0]


def test_proposed_dates_offer_a_button_to_answer_on_the_list(client, visitor, host):
    exchange = approved_at_home(visitor, host)
    approval = pending(exchange, "host")
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=exchange.first_day.replace(day=exchange.first_day.day),
        last_day=exchange.last_day,
        mentor=mentor(),
    )

    html = pages.html(client.get(url("exchange:my-exchanges")))

    detail = url("exchange:request-detail", pk=exchange.pk)
    assert f'href="{detail}#proposed">Vastaa ehdotukseen</a>' in html


def test_a_host_welcome_without_a_mentor_yet_says_the_visit_waits_for_the_mentor(
    client, visitor, host
):
    exchange = approved_at_home(visitor, host)
    approval = pending(exchange, "host")
    workflow.approve_host(approval.pk, version=approval.version, mentor=workflow.mentor_later())

    for language, words in (
        (
            "fi",
            "Mustasaaren pääkirjasto on hyväksynyt vierailusi. Vierailu vahvistuu, kun "
            "kirjasto nimeää sinulle työpaikkaohjaajan.",
        ),
        (
            "sv",
            "Korsholms huvudbibliotek har godkänt ditt besök. Det bekräftas när biblioteket "
            "har utsett din arbetsplatshandledare.",
        ),
    ):
        listed, page = _list_and_page(client, exchange, language)
        assert words in listed
        assert words in page
