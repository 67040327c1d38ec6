"""Suggested hosts in a real browser, in Finnish and in Swedish: a librarian opens the
suggestions from the directory, picks a host, chooses the days in the host's month view, and
the request form's car kilometres, filled in from the distance, reach the supervisor."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from exchange.models import ExchangeRequest
from libraries.models import FocusArea, Library, Staff
from tests.exchange.support import weekday_ahead

from .browsing import NARROWEST, axe_violations, sideways_overflow
from .journeys import Journey, Person, typed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEINAJOKI = "seinajoen-paakirjasto-aallon-kirjasto"
# Seinäjoki's centre to Korsholm's is 68.8 km: there and back with a quarter for the road,
# 172 km, to 5 km.
CAR_KM = "170"


@pytest.mark.parametrize(
    ("language", "person", "supervisor"),
    [
        (
            "fi",
            Person("Sanni Suomalainen", "sanni.suomalainen@seinajoki.fi"),
            Person("Eeva Esimerkki", "demo.eeva.esimerkki@seinajoki.fi"),
        ),
        (
            "sv",
            Person("Saga Svensson", "saga.svensson@seinajoki.fi"),
            Person("Eeva Esimerkki", "demo.eeva.esimerkki@seinajoki.fi"),
        ),
    ],
)
def test_a_librarian_picks_a_suggested_host_and_the_estimate_reaches_the_supervisor(
    browser, site, language, person, supervisor
):
    music = FocusArea.objects.get(slug="music")
    children = FocusArea.objects.get(slug="children-and-youth")
    korsholm = Library.objects.get(slug="mustasaaren-paakirjasto")
    korsholm.focus_areas.add(music, children)
    korsholm.contact_name, korsholm.contact_email = "Sara Sund", "sara.sund@korsholm.fi"
    korsholm.contact_language = "sv"
    korsholm.save()
    Library.objects.get(slug="vaasan-paakirjasto").focus_areas.add(music)
    librarian = Staff.objects.create_user(
        person.email,
        name=person.name,
        library=Library.objects.get(slug=SEINAJOKI),
        job_title="kirjastovirkailija",
        language=language,
        supervisor_name=supervisor.name,
        supervisor_email=supervisor.email,
        language_wish="sv",
    )
    librarian.interests.add(music, children)
    journey = Journey(browser, site, language)
    t = journey.t
    host_name = korsholm.name_sv if language == "sv" else korsholm.name_fi
    try:
        page = journey.signs_in(person)
        page.goto(journey.url("libraries:directory"))
        page.get_by_role("link", name=t("Suggested hosts for you")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Suggested hosts for you"))
        assert axe_violations(page) == ""

        first = page.locator(".suggestion-list > li").first
        expect(first.get_by_role("heading", level=2)).to_have_text(host_name)
        expect(first.locator(".suggestion-reasons")).to_contain_text(
            t("%(count)s of your interests") % {"count": 2}
        )
        expect(first.locator(".suggestion-reasons")).to_contain_text(
            t("about %(km)s km") % {"km": 70}
        )
        first.get_by_role(
            "link", name=t("Apply to visit %(library)s") % {"library": host_name}
        ).click()

        expect(page.get_by_role("heading", level=1)).to_have_text(t("New exchange request"))
        km = page.get_by_label(journey.label("own car, kilometres"))
        expect(km).to_have_value(CAR_KM)
        # The days are chosen in the host's month view, as a librarian would.
        first_day = weekday_ahead(28)
        last_day = first_day + timedelta(days=1)
        view = page.locator(".month-view")
        view.locator(f'a[data-day="{first_day.isoformat()}"]').click()
        view.locator(f'a[data-day="{last_day.isoformat()}"]').click()
        expect(page.get_by_label(journey.label("first day"))).to_have_value(typed(first_day))
        expect(page.get_by_label(journey.label("last day"))).to_have_value(typed(last_day))
        page.get_by_label(t("one-way"), exact=True).check()
        page.get_by_label(t("business trip"), exact=True).check()
        page.get_by_label(
            journey.label("What do you expect from the visit, and what would you like to do?")
        ).fill("Musiikkipalvelut ja lasten tapahtumat kahdella kielellä.")
        page.get_by_label(journey.label("Who covers your work meanwhile?")).fill("Kollega hoitaa.")
        page.get_by_label(
            t(
                "I have read the privacy notice and accept that my details are processed "
                "for this exchange."
            )
        ).check()
        page.get_by_role("button", name=t("Submit"), exact=True).click()
        expect(page.get_by_role("status").first).to_have_text(
            t("Your request has been sent to your supervisor %(name)s.") % {"name": supervisor.name}
        )

        exchange = ExchangeRequest.objects.get(visitor__email=person.email)
        assert exchange.host_library == korsholm
        assert exchange.travel_car_km == int(CAR_KM)
        assert (exchange.first_day, exchange.last_day) == (first_day, last_day)
        decision = journey.follow_email(supervisor, "decision_request")
        expect(decision.get_by_role("main")).to_contain_text(f"{CAR_KM} km")
    finally:
        journey.close()


def test_the_suggestions_fit_a_narrow_screen_without_sideways_scrolling(browser, site):
    person = Person("Saga Svensson", "saga.svensson@seinajoki.fi")
    Staff.objects.create_user(
        person.email,
        name=person.name,
        library=Library.objects.get(slug=SEINAJOKI),
        supervisor_name="Eeva Esimerkki",
        supervisor_email="demo.eeva.esimerkki@seinajoki.fi",
        language="sv",
        language_wish="sv",
    )
    journey = Journey(browser, site, "sv")
    try:
        page = journey.signs_in(person)
        page.set_viewport_size(NARROWEST)
        page.goto(journey.url("exchange:suggestions"))
        expect(page.locator(".suggestion-list > li")).to_have_count(10)
        assert sideways_overflow(page) == 0
        assert axe_violations(page) == ""
    finally:
        journey.close()
