"""The request form's car kilometres start from the distance to the host: there and back,
with a quarter added for the road, and the visitor may change them. The supervisor sees what
was sent."""

import json
import re
from datetime import date

import pytest

from exchange.models import ExchangeRequest
from tests import pages
from tests.exchange.support import decision_link, request_form
from tests.factories import LibraryFactory
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# Seinäjoki to Korsholm is 68.8 km as the crow flies: 68.8 × 2 × 1.25 = 172, to 5 km: 170.
SEINAJOKI_KORSHOLM_THERE_AND_BACK = 170


def _km_field(html: str) -> str:
    return re.search(r'<input[^>]*name="travel_car_km"[^>]*>', html).group(0)


def test_choosing_the_host_from_its_page_fills_in_the_car_kilometres(client, visitor, host):
    html = pages.html(client.get(url("exchange:request-create", query=f"host={host.slug}")))

    assert pages.form_fields(html)["travel_car_km"] == str(SEINAJOKI_KORSHOLM_THERE_AND_BACK)
    assert "meno ja paluu maanteitse" in pages.text(html)


def test_the_form_carries_each_hosts_estimate_for_its_script(client, visitor, host):
    far = LibraryFactory(
        municipality__latitude="63.8367", municipality__longitude="23.1333"
    )  # Kokkola's centre, 117 km from Seinäjoki
    unknown = LibraryFactory()  # a municipality without a centre

    html = pages.html(client.get(url("exchange:request-create", "sv")))
    attribute = re.search(r'data-car-estimates="([^"]*)"', _km_field(html)).group(1)
    estimates = json.loads(attribute.replace("&quot;", '"'))

    assert estimates[str(host.pk)] == SEINAJOKI_KORSHOLM_THERE_AND_BACK
    assert estimates[str(far.pk)] == 295  # 117.1 × 2.5 = 292.8
    assert str(unknown.pk) not in estimates
    # No host chosen yet: nothing filled in.
    assert pages.form_fields(html).get("travel_car_km", "") == ""


def test_a_host_in_ones_own_municipality_gets_no_estimate(client, visitor, home):
    branch = LibraryFactory(municipality=home.municipality)

    html = pages.html(client.get(url("exchange:request-create", query=f"host={branch.slug}")))

    assert pages.form_fields(html).get("travel_car_km", "") == ""


def test_the_visitors_own_figure_is_what_is_saved_and_what_the_supervisor_sees(
    client, visitor, host
):
    data = request_form(host, date(2027, 2, 1), date(2027, 2, 2), travel_car_km="190")

    response = client.post(url("exchange:request-create"), data)

    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get()
    assert exchange.travel_car_km == 190
    supervisor_page = pages.text(client.get(decision_link(exchange, "home")))
    assert "190 km" in supervisor_page


def test_the_estimate_sent_unchanged_reaches_the_supervisor(client, visitor, host):
    form = pages.form_fields(
        pages.html(client.get(url("exchange:request-create", query=f"host={host.slug}")))
    )
    data = request_form(
        host, date(2027, 2, 1), date(2027, 2, 2), travel_car_km=form["travel_car_km"]
    )

    client.post(url("exchange:request-create"), data)

    exchange = ExchangeRequest.objects.get()
    assert exchange.travel_car_km == SEINAJOKI_KORSHOLM_THERE_AND_BACK
    client.logout()
    assert f"{SEINAJOKI_KORSHOLM_THERE_AND_BACK} km" in pages.text(
        client.get(decision_link(exchange, "home"))
    )


@pytest.mark.parametrize(
    ("language", "said"), [("fi", "190 km omalla autolla"), ("sv", "190 km med egen bil")]
)
def test_kilometres_alone_are_not_shown_beside_a_total_of_nothing(
    client, visitor, host, language, said
):
    """Before the year's kilometre rate is set, a request with only car travel is estimated
    in kilometres: "0,00 € and 190 km" would read as if the trip cost nothing."""
    data = request_form(
        host,
        date(2027, 2, 1),
        date(2027, 2, 2),
        travel_car_km="190",
        accommodation_nights="",
        accommodation_eur="",
    )
    client.post(url("exchange:request-create"), data)
    exchange = ExchangeRequest.objects.get()
    assert exchange.travel_car_km == 190 and not exchange.accommodation_eur
    client.logout()

    page = pages.text(
        client.get(
            decision_link(exchange, "home").replace(
                "/fi/paatos/", url("exchange:approval-link", language, token="x")[:-2]
            )
        )
    )

    assert said in page
    assert "0,00 €" not in page
