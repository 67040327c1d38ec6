"""The map of the programme in the yearly statistics: the libraries that sent or hosted no
one in the year, the distance travelled in all and per visit, and the share of visits with
language practice."""

import csv
import io
import math
from datetime import date, timedelta

import pytest
from django.utils import timezone

from feedback import statistics
from tests.factories import (
    ExchangeRequestFactory,
    LibraryFactory,
    MunicipalityFactory,
    StaffFactory,
)
from tests.pages import url

pytestmark = pytest.mark.django_db

Y = 2026
# Municipality: its centre as libraries/data/municipalities.csv gives it.
CENTRES = {
    "Seinäjoki": (62.7917, 22.8417),
    "Mustasaari": (63.1125, 21.6778),
    "Vaasa": (63.1000, 21.6167),
    "Kokkola": (63.8367, 23.1333),
    "Halsua": (63.4639, 24.1667),
}
# Library: its municipality.
LIBRARIES = {
    "Seinäjoen kirjasto": "Seinäjoki",
    "Mustasaaren kirjasto": "Mustasaari",
    "Vaasan kirjasto": "Vaasa",
    "Vaasan sivukirjasto": "Vaasa",
    "Kokkolan kirjasto": "Kokkola",
    "Halsuan kirjasto": "Halsua",
}
# (home, host, state, first day, language practice)
VISITS = [
    ("Seinäjoen kirjasto", "Mustasaaren kirjasto", "closed", date(Y, 2, 2), True),
    ("Seinäjoen kirjasto", "Vaasan kirjasto", "completed", date(Y, 5, 4), False),
    ("Mustasaaren kirjasto", "Seinäjoen kirjasto", "closed", date(Y, 3, 9), True),
    ("Vaasan sivukirjasto", "Vaasan kirjasto", "closed", date(Y, 4, 13), False),
    ("Kokkolan kirjasto", "Vaasan kirjasto", "closed", date(Y, 10, 5), True),
    # Not counted: not taken place, or another year.
    ("Halsuan kirjasto", "Kokkolan kirjasto", "confirmed", date(Y, 11, 16), True),
    ("Halsuan kirjasto", "Seinäjoen kirjasto", "cancelled", date(Y, 6, 1), False),
    ("Halsuan kirjasto", "Mustasaaren kirjasto", "closed", date(Y - 1, 6, 1), True),
]


def _haversine(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _expected_km() -> float:
    """There and back by road (a quarter on top) for each visit that took place in Y."""
    total = 0.0
    for home, host, state, first_day, _practice in VISITS:
        if state in ("completed", "closed") and first_day.year == Y:
            a, b = LIBRARIES[home], LIBRARIES[host]
            if a != b:
                total += 2 * 1.25 * _haversine(CENTRES[a], CENTRES[b])
    return total


@pytest.fixture
def programme():
    municipalities = {
        name: MunicipalityFactory(name_fi=name, latitude=f"{lat:.4f}", longitude=f"{lon:.4f}")
        for name, (lat, lon) in CENTRES.items()
    }
    libraries = {
        name: LibraryFactory(name_fi=name, name_sv="", municipality=municipalities[municipality])
        for name, municipality in LIBRARIES.items()
    }
    for home, host, state, first_day, practice in VISITS:
        ExchangeRequestFactory(
            visitor=StaffFactory(library=libraries[home]),
            host_library=libraries[host],
            state=state,
            first_day=first_day,
            last_day=first_day + timedelta(days=1),
            language_practice=practice,
            submitted_at=timezone.now(),
        )
    return libraries


def test_the_map_names_who_sent_and_hosted_no_one_and_how_far_the_visits_went(programme):
    figures = statistics.year_figures(Y)
    m = figures.programme

    assert [str(lib.name) for lib in m.not_sending] == [
        "Halsuan kirjasto",
        "Vaasan kirjasto",
    ]
    assert [str(lib.name) for lib in m.not_hosting] == [
        "Halsuan kirjasto",
        "Kokkolan kirjasto",
        "Vaasan sivukirjasto",
    ]
    assert m.visits == 5
    assert m.travelled_km == pytest.approx(_expected_km())
    # Seinäjoki–Korsholm twice (68.8 km), Seinäjoki–Vaasa (70.8), Kokkola–Vaasa (111.3), and a
    # visit within Vaasa that counts as none: (2 × 68.8 + 70.8 + 111.3) × 2.5 = 799.3 km.
    assert m.travelled_km_total == 799
    assert m.km_per_visit == round(_expected_km() / 5) == 160
    assert m.language_practice_rate == 60


def test_a_visit_with_an_unknown_distance_is_left_out_of_the_average(programme):
    unknown = LibraryFactory(name_fi="Tuntematon kirjasto")  # no centre for its municipality
    ExchangeRequestFactory(
        visitor=StaffFactory(library=unknown),
        host_library=programme["Vaasan kirjasto"],
        state="closed",
        first_day=date(Y, 8, 3),
        last_day=date(Y, 8, 4),
        submitted_at=timezone.now(),
    )

    m = statistics.year_figures(Y).programme

    assert (m.visits, m.measured) == (6, 5)
    assert m.km_per_visit == 160
    assert m.language_practice_rate == 50


def test_a_year_without_visits_has_no_distance_or_rate():
    m = statistics.year_figures(2024).programme

    assert (m.visits, m.travelled_km_total, m.km_per_visit, m.language_practice_rate) == (
        0,
        0,
        None,
        None,
    )


def test_the_statistics_page_shows_the_map_in_finnish(client, programme, coordinator):
    client.force_login(coordinator)

    page = client.get(url("admin:feedback_yearstatistics_changelist"), {"year": Y})

    html = page.content.decode()
    assert "Ohjelman kartta" in html
    assert "Kirjastot, joista ei lähtenyt ketään (2)" in html
    assert "Kirjastot, joissa ei vieraillut kukaan (3)" in html
    # This year beside the last (Halsua to Korsholm, 130 km each way: 326 km), as the other
    # tables of the page.
    assert (
        '<tr><th scope="row">Kuljettu matka, km</th><td class="numeric">799</td>'
        '<td class="numeric">326</td></tr>'
    ) in html
    assert '<th scope="row">Matka vierailua kohden, km</th><td class="numeric">160</td>' in html
    assert (
        '<th scope="row">Vierailut, joissa harjoiteltiin kieltä, prosenttia</th>'
        '<td class="numeric">60,0</td>'
    ) in html
    # The names are in the lists, not in the table of all figures.
    assert "nimeltä" not in html


def test_the_csv_has_the_map_in_swedish(client, programme, coordinator):
    client.force_login(coordinator)

    response = client.get(url("admin:feedback_yearstatistics_csv", "sv"), {"year": Y})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {name: value for _section, name, value in rows[1:]}
    assert values["tillryggalagd sträcka, km"] == "799"
    assert values["sträcka per besök, km"] == "160"
    assert values["besök med språkpraktik, procent"] == "60,0"
    assert values["bibliotek som inte skickade någon"] == "2"
    assert values["bibliotek som inte skickade någon, med namn"] == (
        "Halsuan kirjasto; Vaasan kirjasto"
    )
