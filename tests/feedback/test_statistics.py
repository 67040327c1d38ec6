"""The year's figures, checked against a dataset whose figures the test works out itself."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from exchange.models import HistoryEntry
from feedback import statistics
from feedback.models import YearSettings
from libraries.models import Municipality
from tests.factories import (
    ExchangeRequestFactory,
    ExpenseClaimFactory,
    LibraryFactory,
    MunicipalityFactory,
    RegionFactory,
    StaffFactory,
    VisitorFeedbackFactory,
)
from tests.pages import url

pytestmark = pytest.mark.django_db

FI = Municipality.LanguageStatus.FINNISH
FI_SV = Municipality.LanguageStatus.BILINGUAL_FINNISH
SV_FI = Municipality.LanguageStatus.BILINGUAL_SWEDISH


@dataclass
class Visit:
    visitor: str
    home: str
    host: str
    state: str
    first_day: date
    days: int = 2
    kind: str = "one_way"
    car_km: int | None = None
    public_eur: str | None = None
    other_eur: str | None = None
    accommodation_eur: str | None = None
    was_confirmed: bool = False  # cancelled after it had been confirmed
    rating: int | None = None
    claim: tuple[str, str] | None = None  # (state, total)
    submitted: bool = True


# Libraries: name → (region, language status of its municipality, municipality).
LIBRARIES = {
    "seinajoki": ("etela-pohjanmaa", FI, "Seinäjoki"),
    "lapua": ("etela-pohjanmaa", FI, "Lapua"),
    "kokkola": ("keski-pohjanmaa", FI_SV, "Kokkola"),
    "korsholm": ("pohjanmaa", SV_FI, "Mustasaari"),
    "vaasa": ("pohjanmaa", FI_SV, "Vaasa"),
    "vaasa-branch": ("pohjanmaa", FI_SV, "Vaasa"),
}

Y = 2026
VISITS = [
    Visit("aino", "seinajoki", "korsholm", "closed", date(Y, 2, 2), 2, car_km=180,
          accommodation_eur="89.00", rating=5, claim=("paid", "188.00")),
    Visit("aino", "seinajoki", "vaasa", "completed", date(Y, 5, 4), 3, car_km=160,
          rating=None, claim=("approved", "88.00")),
    Visit("bertil", "korsholm", "seinajoki", "closed", date(Y, 3, 9), 1, kind="reciprocal",
          public_eur="42.50", rating=4, claim=("submitted", "42.50")),
    Visit("cecilia", "vaasa", "lapua", "closed", date(Y, 4, 13), 5, kind="reciprocal",
          car_km=140, other_eur="15.00", rating=3, claim=("rejected", "300.00")),
    Visit("cecilia", "vaasa-branch", "kokkola", "completed", date(Y, 10, 5), 4, car_km=230,
          rating=None),
    Visit("daniel", "kokkola", "vaasa", "confirmed", date(Y, 11, 16), 2, car_km=250,
          accommodation_eur="110.00"),
    Visit("eero", "lapua", "korsholm", "cancelled", date(Y, 6, 1), 2, car_km=90,
          was_confirmed=True),
    Visit("eero", "lapua", "kokkola", "cancelled", date(Y, 8, 3), 2),
    Visit("fanny", "korsholm", "kokkola", "declined", date(Y, 9, 7), 3),
    Visit("fanny", "korsholm", "lapua", "awaiting_host", date(Y, 12, 7), 2),
    # Not counted: a draft, and visits of other years.
    Visit("aino", "seinajoki", "lapua", "draft", date(Y, 12, 14), 2, submitted=False),
    Visit("aino", "seinajoki", "kokkola", "closed", date(Y - 1, 11, 3), 2, car_km=999,
          rating=1, claim=("paid", "999.00")),
    Visit("bertil", "korsholm", "vaasa", "confirmed", date(Y + 1, 1, 11), 2, car_km=999),
]  # fmt: skip
KM_RATE = Decimal("0.55")
BUDGET = Decimal("4000.00")


def expected_figures() -> dict:
    """The figures of year Y, worked out in plain Python from VISITS."""
    year = [v for v in VISITS if v.first_day.year == Y and v.submitted]
    done = [v for v in year if v.state in ("completed", "closed")]
    ahead = [v for v in year if v.state in ("confirmed", "completed", "closed")]
    claims = [v.claim for v in year if v.claim]

    def municipality(name):
        return LIBRARIES[name][2]

    def money(value):
        return Decimal(value or "0")

    estimated = sum(
        (
            (Decimal(v.car_km or 0) * KM_RATE).quantize(Decimal("0.01"))
            + money(v.public_eur)
            + money(v.other_eur)
            + money(v.accommodation_eur)
            for v in ahead
        ),
        Decimal("0"),
    )
    ratings = [v.rating for v in done if v.rating]
    return {
        "requested": len(year),
        "confirmed": len(ahead) + len([v for v in year if v.was_confirmed]),
        "completed": len(done),
        "cancelled": len([v for v in year if v.state == "cancelled"]),
        "declined": len([v for v in year if v.state == "declined"]),
        "visit_days": sum(v.days for v in done),
        "persons": len({v.visitor for v in done}),
        "sending_libraries": len({v.home for v in done}),
        "hosting_libraries": len({v.host for v in done}),
        "sending_municipalities": len({municipality(v.home) for v in done}),
        "hosting_municipalities": len({municipality(v.host) for v in done}),
        "one_way": len([v for v in done if v.kind == "one_way"]),
        "reciprocal": len([v for v in done if v.kind == "reciprocal"]),
        "feedback_count": len(ratings),
        "average_rating": Decimal(sum(ratings) / len(ratings)).quantize(Decimal("0.1")),
        "feedback_rate": (Decimal(len(ratings)) * 100 / len(done)).quantize(Decimal("0.1")),
        "estimated": estimated,
        "claimed": sum((Decimal(total) for _state, total in claims), Decimal("0")),
        "approved": sum((Decimal(t) for s, t in claims if s in ("approved", "paid")), Decimal("0")),
        "paid": sum((Decimal(t) for s, t in claims if s == "paid"), Decimal("0")),
        "by_region_sent": _count(done, "home", 0),
        "by_region_hosted": _count(done, "host", 0),
        "by_language_sent": _count(done, "home", 1),
        "by_language_hosted": _count(done, "host", 1),
    }


def _count(visits, side: str, index: int) -> dict:
    counts: dict = {}
    for visit in visits:
        key = LIBRARIES[getattr(visit, side)][index]
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.fixture
def dataset():
    regions = {
        slug: RegionFactory(slug=slug, name_fi=name, name_sv=name)
        for slug, name in [
            ("etela-pohjanmaa", "Etelä-Pohjanmaa"),
            ("keski-pohjanmaa", "Keski-Pohjanmaa"),
            ("pohjanmaa", "Pohjanmaa"),
        ]
    }
    municipalities = {}
    libraries = {}
    for name, (region, status, municipality) in LIBRARIES.items():
        if municipality not in municipalities:
            municipalities[municipality] = MunicipalityFactory(
                name_fi=municipality, region=regions[region], language_status=status
            )
        libraries[name] = LibraryFactory(
            name_fi=name, slug=name, municipality=municipalities[municipality]
        )
    people = {}
    for visit in VISITS:
        if visit.visitor not in people:
            people[visit.visitor] = StaffFactory(name=visit.visitor, library=libraries[visit.home])
        exchange = ExchangeRequestFactory(
            visitor=people[visit.visitor],
            home_library=libraries[visit.home],
            host_library=libraries[visit.host],
            state=visit.state,
            first_day=visit.first_day,
            last_day=visit.first_day + timedelta(days=visit.days - 1),
            kind=visit.kind,
            travel_car_km=visit.car_km,
            travel_public_eur=visit.public_eur,
            travel_other_eur=visit.other_eur,
            accommodation_nights=None,
            accommodation_eur=visit.accommodation_eur,
            submitted_at=timezone.now() if visit.submitted else None,
        )
        if visit.was_confirmed:
            HistoryEntry.objects.create(
                exchange=exchange, from_state="awaiting_host", to_state="confirmed"
            )
            HistoryEntry.objects.create(
                exchange=exchange, from_state="confirmed", to_state="cancelled"
            )
        if visit.rating:
            VisitorFeedbackFactory(exchange=exchange, rating=visit.rating)
        if visit.claim:
            state, total = visit.claim
            # Public transport carries the whole total, so the saved total is exactly it.
            ExpenseClaimFactory(
                exchange=exchange,
                state=state,
                car_km=0,
                accommodation_nights=0,
                accommodation_eur=0,
                public_transport_eur=total,
            )
    YearSettings.objects.filter(year=Y).update(budget=BUDGET)


def test_the_years_figures_match_the_dataset(dataset):
    _assert_figures_match_the_dataset()


@pytest.mark.postgres
def test_the_years_figures_match_the_dataset_on_postgresql(dataset):
    # Date arithmetic and conditional aggregates differ between the databases.
    _assert_figures_match_the_dataset()


def _assert_figures_match_the_dataset():
    expected = expected_figures()

    figures = statistics.year_figures(Y)

    for name in [
        "requested",
        "confirmed",
        "completed",
        "cancelled",
        "declined",
        "visit_days",
        "persons",
        "sending_libraries",
        "hosting_libraries",
        "sending_municipalities",
        "hosting_municipalities",
        "one_way",
        "reciprocal",
        "feedback_count",
        "average_rating",
        "feedback_rate",
        "estimated",
        "claimed",
        "approved",
        "paid",
    ]:
        assert getattr(figures, name) == expected[name], name
    assert figures.km_rate == KM_RATE
    assert figures.budget == BUDGET
    assert figures.budget_left == BUDGET - expected["approved"]

    regions = {"Etelä-Pohjanmaa": "etela-pohjanmaa", "Keski-Pohjanmaa": "keski-pohjanmaa"}
    regions["Pohjanmaa"] = "pohjanmaa"
    by_region = {regions[s.label]: (s.sent, s.hosted) for s in figures.by_region}
    for slug, (sent, hosted) in by_region.items():
        assert sent == expected["by_region_sent"].get(slug, 0), slug
        assert hosted == expected["by_region_hosted"].get(slug, 0), slug

    labels = dict(Municipality.LanguageStatus.choices)
    by_language = {s.label: (s.sent, s.hosted) for s in figures.by_language}
    for status, label in labels.items():
        assert by_language[str(label)] == (
            expected["by_language_sent"].get(status, 0),
            expected["by_language_hosted"].get(status, 0),
        ), status


def test_a_year_without_visits_has_zeros_and_no_rates():
    figures = statistics.year_figures(2024)

    assert (figures.requested, figures.completed, figures.visit_days) == (0, 0, 0)
    assert figures.feedback_rate is None and figures.average_rating is None
    assert figures.km_rate == Decimal("0.57")
    assert figures.budget is None and figures.budget_left is None


def test_the_statistics_page_draws_its_charts_on_the_server(client, dataset, coordinator):
    client.force_login(coordinator)

    response = client.get(url("admin:feedback_yearstatistics_changelist"), {"year": Y})

    assert response.status_code == 200
    page = response.content.decode()
    main = page[page.index('class="kollega-statistics"') :]
    assert main.count("<svg") >= 4
    assert '<h2 id="chart-exchanges">Vaihdot</h2>' in main
    assert "Kulut suhteessa budjettiin, euroa" in main
    assert "<script" not in main
    assert " style=" not in main
    # SVG coordinates keep their dot in a language that writes a decimal comma.
    bars = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)"', main)
    assert len(bars) >= 4
    for value in bars:
        for number in value:
            float(number)
    expected = expected_figures()
    assert f'<td class="numeric">{expected["visit_days"]}</td>' in main


def test_the_statistics_export_as_csv_has_the_same_figures(client, dataset, coordinator):
    client.force_login(coordinator)

    response = client.get(url("admin:feedback_yearstatistics_csv", "sv"), {"year": Y})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["avsnitt", "uppgift", "2026"]
    values = {name: value for _section, name, value in rows[1:]}
    expected = expected_figures()
    assert values["ansökt"] == str(expected["requested"])
    assert values["besöksdagar"] == str(expected["visit_days"])
    assert values["godkänd"] == f"{expected['approved']:.2f}".replace(".", ",")
    assert values["budget"] == "4000,00"
    assert values["medelbetyg (1–5)"] == str(expected["average_rating"]).replace(".", ",")


def test_the_year_menu_offers_the_years_with_visits(client, dataset, coordinator):
    client.force_login(coordinator)

    response = client.get(url("admin:feedback_yearstatistics_changelist"), {"year": "abc"})

    assert response.context["year"] == timezone.localdate().year
    assert {Y - 1, Y, Y + 1, 2024} <= set(response.context["years"])
