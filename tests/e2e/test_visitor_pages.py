"""The visitor's pages as a visitor sees them on a phone and on a desktop, in Finnish and in
Swedish: their exchanges as cards with what is still due and its buttons, a decline's reason
on top, and the expense claim checked before it is sent. axe-core finds nothing, and nothing
scrolls sideways at 320 px."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from exchange import workflow
from exchange.models import State
from feedback.models import ExpenseClaim
from libraries.models import Library, Staff
from tests.exchange.support import weekday_ahead
from tests.factories import ExchangeRequestFactory
from tests.pages import url as path

from . import scene as scenes
from .browsing import DESKTOP, NARROWEST, axe_violations, new_page, screenshot, sideways_overflow, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 800}
RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A Finnish and a Swedish demo librarian (manage.py load_demo).
VISITORS = {"fi": "demo.liisa.lukija@seinajoki.fi", "sv": "demo.stina.sidvik@jakobstad.fi"}


def _exchanges(visitor: Staff) -> dict:
    """A visit just over, a request declined with a reason, and one waiting for the supervisor."""
    today = timezone.localdate()
    host = Library.objects.get(slug="kokkolan-kaupunginkirjasto")
    over = ExchangeRequestFactory(
        visitor=visitor,
        host_library=host,
        first_day=today - timedelta(days=20),
        last_day=today - timedelta(days=19),
        state=State.COMPLETED,
        privacy_accepted_at=timezone.now(),
        travel_car_km=180,
    )
    first_day = weekday_ahead(40)
    declined = ExchangeRequestFactory(
        visitor=visitor,
        host_library=Library.objects.get(slug="vaasan-paakirjasto"),
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
    )
    declined = workflow.submit(declined.pk, by=visitor)
    home = declined.approvals.get(role="home")
    workflow.decline(home.pk, version=home.version, reason="Syksy on liian kiireinen.")
    waiting = ExchangeRequestFactory(
        visitor=visitor,
        host_library=Library.objects.get(slug="narpion-paakirjasto"),
        first_day=weekday_ahead(54),
        last_day=weekday_ahead(54) + timedelta(days=1),
    )
    workflow.submit(waiting.pk, by=visitor)
    return {"over": over, "declined": declined}


def _name(library: Library, language: str) -> str:
    with translation.override(language):
        return library.name


def _too_wide(page) -> list[str]:
    """What reaches past the window's right edge, to name in a failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => e.tagName + "." + e.className + ": " + e.textContent.trim().slice(0, 40))
            .slice(0, 8)"""
    )


def _signed_in(browser, site: str, visitor: Staff, viewport: dict):
    page = new_page(browser, viewport=viewport)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": scenes.session_cookie(visitor),
                "url": site,
            }
        ]
    )
    return page


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_visitors_exchanges_are_cards_saying_what_is_still_due(browser, site, language):
    visitor = Staff.objects.get(email=VISITORS[language])
    exchanges = _exchanges(visitor)
    page = _signed_in(browser, site, visitor, PHONE)

    page.goto(site + path("exchange:my-exchanges", language))

    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "My exchanges"))
    cards = page.locator(".exchange-card")
    expect(cards).to_have_count(3)
    assert page.locator("table").count() == 0
    for index in range(3):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    over = cards.filter(has_text=_name(exchanges["over"].host_library, language))
    expect(over).to_contain_text(
        t(language, "The visit is over. Still to do: your feedback and your expense claim.")
    )
    expect(over.get_by_role("link", name=t(language, "Give feedback"))).to_be_visible()
    expect(over.get_by_role("link", name=t(language, "Make an expense claim"))).to_be_visible()
    declined_name = _name(exchanges["declined"].host_library, language)
    declined = cards.filter(has_text=declined_name)
    expect(declined).to_contain_text("Syksy on liian kiireinen.")
    screenshot(page, f"{language}-my-exchanges-phone")
    assert not axe_violations(page), axe_violations(page)
    page.set_viewport_size(NARROWEST)
    assert sideways_overflow(page) == 0, _too_wide(page)
    page.set_viewport_size(DESKTOP)
    assert not axe_violations(page)
    screenshot(page, f"{language}-my-exchanges")

    # The declined request's own page says why at the top, before anything else.
    declined.get_by_role("link", name=declined_name).click()
    expect(page.locator(".next-step")).to_contain_text("Syksy on liian kiireinen.")
    page.context.close()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_expense_claim_is_checked_before_it_is_sent_and_nothing_is_lost_going_back(
    browser, site, language
):
    visitor = Staff.objects.get(email=VISITORS[language])
    over = _exchanges(visitor)["over"]
    page = _signed_in(browser, site, visitor, PHONE)
    page.goto(site + path("exchange:my-exchanges", language))

    page.get_by_role("link", name=t(language, "Make an expense claim")).click()
    page.get_by_label(t(language, "Own car, kilometres (there and back)")).fill("190")
    page.get_by_label(t(language, "Receipts"), exact=True).set_input_files(
        files=[{"name": "kuitti.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
    )
    page.get_by_role("button", name=t(language, "Continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Check your expense claim")
    )
    answers = page.locator(".check-answers")
    expect(answers).to_contain_text("190 km")
    expect(answers).to_contain_text("kuitti.pdf")
    assert not ExpenseClaim.objects.exists()
    screenshot(page, f"{language}-claim-check-phone")
    assert not axe_violations(page), axe_violations(page)
    page.set_viewport_size(NARROWEST)
    assert sideways_overflow(page) == 0
    page.set_viewport_size(PHONE)

    # Back to change the kilometres: every answer and the receipt are still there.
    page.locator(".check-answers-row").first.get_by_role("link").click()
    car = page.get_by_label(t(language, "Own car, kilometres (there and back)"))
    expect(car).to_have_value("190")
    expect(page.locator(".receipts-kept")).to_contain_text("kuitti.pdf")
    car.fill("200")
    page.get_by_role("button", name=t(language, "Continue")).click()
    expect(answers).to_contain_text("200 km")
    expect(answers).to_contain_text("kuitti.pdf")

    page.get_by_role("button", name=t(language, "Send the expense claim")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t(
            language,
            "Your expense claim has been sent. The coordinator reviews it, and you get an email.",
        )
    )
    claim = ExpenseClaim.objects.get(exchange=over)
    assert claim.car_km == 200
    assert [receipt.original_name for receipt in claim.receipts.all()] == ["kuitti.pdf"]
    page.context.close()
