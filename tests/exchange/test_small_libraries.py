"""A library of three people or fewer stays open while one of them visits elsewhere: the
request form asks how, the workflow will not send the request without the answer, and the
home supervisor's page shows it first.

Today is Monday 11 January 2027 (frozen_today). Alice's home library is Seinäjoki.
"""

from datetime import date

import pytest

from exchange import workflow
from exchange.models import ExchangeRequest, State
from tests import pages
from tests.exchange import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

FIRST, LAST = date(2027, 2, 1), date(2027, 2, 2)
ANSWER = "Kirjastoauton kuljettaja Pekka pitää lainaustiskin auki, ja iltavuoro jää pois."


@pytest.fixture
def small_home(home):
    home.staff_size = 3
    home.save()
    return home


@pytest.mark.parametrize(
    "language, question, message",
    [
        (
            "fi",
            "Miten kirjastosi pysyy auki vierailun aikana?",
            "Kirjastossasi on enintään kolme työntekijää: kerro, miten se pysyy auki "
            "poissaolosi aikana.",
        ),
        (
            "sv",
            "Hur hålls ditt bibliotek öppet under besöket?",
            "Ditt bibliotek har högst tre anställda: berätta hur det hålls öppet medan du "
            "är borta.",
        ),
    ],
)
def test_a_visitor_from_a_small_library_must_say_how_it_stays_open(
    client, visitor, small_home, host, language, question, message
):
    form_page = pages.text(client.get(pages.url("exchange:request-create", language)))
    assert question in form_page

    response = client.post(
        pages.url("exchange:request-create", language),
        support.request_form(host, FIRST, LAST, keeping_open=""),
    )

    page = pages.text(pages.html(response))
    assert message in page
    assert not ExchangeRequest.objects.exists()


def test_the_answer_goes_with_the_request_and_the_home_supervisor_sees_it_first(
    client, visitor, small_home, host
):
    response = client.post(
        pages.url("exchange:request-create"),
        support.request_form(host, FIRST, LAST, keeping_open=ANSWER),
    )
    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get()
    assert (exchange.state, exchange.keeping_open) == (State.AWAITING_HOME, ANSWER)

    client.logout()
    page = pages.html(client.get(support.decision_link(exchange, "home")))
    alert = page.split('class="alert alert-warning keeping-open"', 1)[1].split("</section>", 1)[0]
    assert "Näin Seinäjoen kaupunginkirjasto pysyy auki vierailun aikana" in pages.text(alert)
    assert ANSWER in pages.text(alert)
    # Before the rest of the request.
    assert page.index("keeping-open") < page.index("decision-summary")


def test_the_workflow_does_not_send_a_small_librarys_request_without_the_answer(
    alice, small_home, host
):
    exchange = support.draft(alice, host, first_day=FIRST, last_day=LAST)
    before = support.snapshot(exchange)

    with pytest.raises(workflow.TransitionNotAllowed, match="enintään kolme"):
        workflow.submit(exchange.pk, by=alice)

    assert support.snapshot(exchange) == before


@pytest.mark.parametrize("staff_size", [4, None])
def test_a_larger_library_or_one_whose_size_is_not_known_is_not_asked(
    client, visitor, home, host, staff_size
):
    home.staff_size = staff_size
    home.save()

    form_page = pages.html(client.get(pages.url("exchange:request-create")))
    response = client.post(
        pages.url("exchange:request-create"), support.request_form(host, FIRST, LAST)
    )

    assert 'name="keeping_open"' not in form_page
    assert response.status_code == 302
    assert ExchangeRequest.objects.get().state == State.AWAITING_HOME
