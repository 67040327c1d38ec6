"""A librarian chooses the days of a visit in the host's month view, in Finnish and in
Swedish, and the request reaches her supervisor with those days. The month view passes
axe-core's WCAG A and AA rules on the library page and on the request form, and needs no
sideways scrolling on a phone."""

from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from exchange.models import ExchangeRequest, State
from libraries.models import ClosedPeriod, Library
from tests.exchange.support import weekday_ahead

from .browsing import axe_violations, sideways_overflow
from .journeys import Journey, Person, typed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The demo people (manage.py load_demo): a visitor and her own supervisor in each language.
VISITORS = {
    "fi": (
        Person("Liisa Lukija", "demo.liisa.lukija@seinajoki.fi"),
        Person("Eeva Esimerkki", "demo.eeva.esimerkki@seinajoki.fi"),
        "Närpiön pääkirjasto",
    ),
    "sv": (
        Person("Stina Sidvik", "demo.stina.sidvik@jakobstad.fi"),
        Person("Bo Bokström", "demo.bo.bokstrom@jakobstad.fi"),
        "Närpiön pääkirjasto",
    ),
}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_librarian_chooses_the_days_in_the_month_view_and_the_request_reaches_her_supervisor(
    browser, site, language, tmp_path
):
    visitor, supervisor, host_name = VISITORS[language]
    host = Library.objects.get(name_fi=host_name)
    first_day = weekday_ahead(21)
    last_day = first_day + timedelta(days=1)
    ClosedPeriod.objects.create(
        library=host,
        reason="inventory",
        first_day=first_day + timedelta(days=7),
        last_day=first_day + timedelta(days=9),
        note_fi="koko henkilökunta mukana",
        note_sv="hela personalen deltar",
    )
    journey = Journey(browser, site, language)
    page = journey.signs_in(visitor)
    with translation.override(language):
        page.goto(site + host.get_absolute_url())

    month_view = page.locator(".month-view")
    expect(month_view.locator("table")).to_have_count(3)
    closed = month_view.locator(f'td[data-day="{(first_day + timedelta(days=8)).isoformat()}"]')
    expect(closed).to_contain_text(journey.t("inventory"))
    assert axe_violations(page) == ""
    _look(page, tmp_path / f"{language}-library")

    page.get_by_role("link", name=journey.t("Apply for a visit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(journey.t("New exchange request"))
    view = page.locator(".month-view")
    view.locator(f'a[data-day="{first_day.isoformat()}"]').click()
    view.locator(f'a[data-day="{last_day.isoformat()}"]').click()
    expect(page.get_by_label(journey.label("first day"))).to_have_value(typed(first_day))
    expect(page.get_by_label(journey.label("last day"))).to_have_value(typed(last_day))
    expect(view.get_by_role("status")).to_have_text(
        journey.t("Chosen: {first}–{last}.").format(first=typed(first_day), last=typed(last_day))
    )
    expect(view.locator(f'td[data-day="{last_day.isoformat()}"] a')).to_have_attribute(
        "aria-current", "date"
    )
    assert axe_violations(page) == ""
    _look(page, tmp_path / f"{language}-request-form")

    page.get_by_label(journey.t("one-way"), exact=True).check()
    page.get_by_label(journey.t("business trip"), exact=True).check()
    page.get_by_label(
        journey.label("What do you expect from the visit, and what would you like to do?")
    ).fill("Haluan nähdä, miten kaksikielinen asiakaspalvelu toimii.")
    page.get_by_label(journey.label("Who covers your work meanwhile?")).fill("Minna.")
    page.get_by_label(
        journey.t(
            "I have read the privacy notice and accept that my details are processed "
            "for this exchange."
        )
    ).check()
    page.get_by_role("button", name=journey.t("Submit"), exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        journey.t("Your request has been sent to your supervisor %(name)s.")
        % {"name": supervisor.name}
    )

    exchange = ExchangeRequest.objects.get(visitor__email=visitor.email)
    assert (exchange.state, exchange.first_day, exchange.last_day) == (
        State.AWAITING_HOME,
        first_day,
        last_day,
    )
    page = journey.follow_email(supervisor, "decision_request")
    expect(page.get_by_role("main")).to_contain_text(visitor.name)
    expect(page.get_by_role("main")).to_contain_text(f"{first_day.day}.")
    journey.close()


def _look(page, path) -> None:
    """The page on a phone and on a desktop: nothing wider than a phone's screen."""
    for name, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.locator(".month-view").scroll_into_view_if_needed()
        page.locator(".month-view").screenshot(path=f"{path}-{name}.png")
        assert sideways_overflow(page) <= 0, name
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_exchange_contact_edits_the_host_page_and_the_library_page_shows_it(
    browser, site, language, tmp_path
):
    host = Library.objects.get(name_fi="Närpiön pääkirjasto")
    contact = Person(host.contact_name, host.contact_email)
    journey = Journey(browser, site, language)
    page = journey.signs_in(contact)
    page.goto(journey.url("libraries:host-page", slug=host.slug))
    expect(page.get_by_role("heading", level=1)).to_contain_text(journey.t("Host page"))
    assert axe_violations(page) == ""
    for name, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(tmp_path / f"{language}-host-page-{name}.png"), full_page=True)
        assert sideways_overflow(page) <= 0, name

    closed = weekday_ahead(14)
    page.get_by_label(journey.t("What we can show a visitor, in Finnish")).fill(
        "Saaristokirjaston arki ja kirjastoauton reitit."
    )
    page.get_by_label(journey.t("What we can show a visitor, in Swedish")).fill(
        "Skärgårdsbibliotekets vardag och bokbussens rutter."
    )
    page.get_by_label(journey.label("reason")).select_option(value="renovation")
    page.get_by_label(journey.label("first day")).fill(typed(closed))
    page.get_by_label(journey.label("last day")).fill(typed(closed))
    page.get_by_role("button", name=journey.t("Save the host page")).click()
    expect(page.get_by_role("status").first).to_have_text(
        journey.t("The host page has been saved. The library's page shows it now.")
    )

    with translation.override(language):
        page.goto(site + host.get_absolute_url())
    expect(page.get_by_role("main")).to_contain_text(
        {"fi": "Saaristokirjaston arki", "sv": "Skärgårdsbibliotekets vardag"}[language]
    )
    expect(page.locator(f'td[data-day="{closed.isoformat()}"]')).to_contain_text(
        journey.t("renovation")
    )
    journey.close()
