"""The host library's name, street and town in each reader's language: in the emails, in the
calendar file and in the request form's list of libraries."""

import re
from datetime import datetime

import pytest
from icalendar import Calendar

from exchange import reminders
from exchange.workdays import FINNISH_TIME
from tests import pages
from tests.exchange import support
from tests.factories import LibraryFactory, MunicipalityFactory, RegionFactory
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("coordinator_contact")]


@pytest.fixture
def swedish_address(host):
    """Korsholm's main library with its street and town in both languages."""
    host.street_fi, host.city_fi = "Koulutie 1", "Mustasaari"
    host.street_sv, host.city_sv = "Skolvägen 1", "Korsholm"
    host.postal_code = "65610"
    host.save()
    return host


def _location(notification) -> str:
    (event,) = Calendar.from_ical(notification.calendar).walk("VEVENT")
    return str(event["location"])


def test_the_calendar_file_names_the_library_and_its_address_in_each_readers_language(
    time_machine, alice, swedish_address
):
    time_machine.move_to(datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME), tick=False)
    support.confirmed_visit(alice, swedish_address)

    to_mentor = support.email_to("maja.mentor@korsholm.fi", "confirmed")
    assert to_mentor.language == "sv"
    assert _location(to_mentor) == "Korsholms huvudbibliotek, Skolvägen 1, 65610 Korsholm"
    assert "Korsholms huvudbibliotek" in to_mentor.body_text
    assert "Mustasaaren" not in to_mentor.body_text + to_mentor.subject
    to_alice = support.email_to("alice@seinajoki.fi", "confirmed")
    assert _location(to_alice) == "Mustasaaren pääkirjasto, Koulutie 1, 65610 Mustasaari"


def test_the_practicalities_give_the_street_and_town_in_the_readers_language(
    time_machine, alice, swedish_address
):
    time_machine.move_to(datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME), tick=False)
    support.confirmed_visit(alice, swedish_address)
    time_machine.move_to(datetime(2027, 1, 29, 8, 0, tzinfo=FINNISH_TIME), tick=False)
    reminders.run()

    to_mentor = support.email_to("maja.mentor@korsholm.fi", "visit_near")
    assert "Skolvägen 1, 65610 Korsholm" in to_mentor.body_text
    assert "Skolvägen 1, 65610 Korsholm" in to_mentor.body_html
    assert "Koulutie" not in to_mentor.body_text
    to_alice = support.email_to("alice@seinajoki.fi", "visit_near")
    assert "Koulutie 1, 65610 Mustasaari" in to_alice.body_text


def test_a_library_without_a_swedish_street_shows_the_finnish_one_in_swedish(
    time_machine, alice, host
):
    time_machine.move_to(datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME), tick=False)
    support.confirmed_visit(alice, host)

    to_mentor = support.email_to("maja.mentor@korsholm.fi", "confirmed")
    assert _location(to_mentor) == "Korsholms huvudbibliotek, Kirjastonkatu 1, 65100 Vaasa"


def _host_choices(client, language: str) -> list[tuple[str, list[str]]]:
    """The request form's library list: (region, [libraries]) in the order offered."""
    page = pages.html(client.get(url("exchange:request-create", language)))
    select = page.split('name="host_library"', 1)[1].split("</select>", 1)[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, flags=re.DOTALL)
    return [(label, re.findall(r">([^<]+) \(", options)) for label, options in groups]


def test_the_request_form_lists_regions_and_libraries_by_the_names_the_reader_sees(
    client, visitor, home, host
):
    """Korsholm (the host) is in Pohjanmaa with the visitor's own library, which is not offered."""
    south = RegionFactory(
        slug="etela-pohjanmaa", name_fi="Etelä-Pohjanmaa", name_sv="Södra Österbotten"
    )
    middle = RegionFactory(
        slug="keski-pohjanmaa", name_fi="Keski-Pohjanmaa", name_sv="Mellersta Österbotten"
    )
    narpes = MunicipalityFactory(
        name_fi="Närpiö", name_sv="Närpes", region=host.municipality.region
    )
    alavus = MunicipalityFactory(name_fi="Alavus", name_sv="Alavo", region=south)
    kronoby = MunicipalityFactory(name_fi="Kruunupyy", name_sv="Kronoby", region=middle)
    for name_fi, name_sv, municipality in [
        ("Ylimarkun kirjasto", "Övermark bibliotek", narpes),
        ("Pirttikylän kirjasto", "Pörtom bibliotek", narpes),
        ("Töysän kirjasto", None, alavus),
        ("Alavuden kaupunginkirjasto", None, alavus),
        ("Teerijärven kirjasto", "Terjärv bibliotek", kronoby),
    ]:
        LibraryFactory(name_fi=name_fi, name_sv=name_sv, municipality=municipality)

    assert _host_choices(client, "sv") == [
        ("Mellersta Österbotten", ["Terjärv bibliotek"]),
        ("Södra Österbotten", ["Alavuden kaupunginkirjasto", "Töysän kirjasto"]),
        ("Österbotten", ["Korsholms huvudbibliotek", "Pörtom bibliotek", "Övermark bibliotek"]),
    ]
    assert _host_choices(client, "fi") == [
        ("Etelä-Pohjanmaa", ["Alavuden kaupunginkirjasto", "Töysän kirjasto"]),
        ("Keski-Pohjanmaa", ["Teerijärven kirjasto"]),
        ("Pohjanmaa", ["Mustasaaren pääkirjasto", "Pirttikylän kirjasto", "Ylimarkun kirjasto"]),
    ]
