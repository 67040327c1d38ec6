"""The coordinator's desk in chromium at 1280 px, in Finnish and in Swedish: no admin list
scrolls sideways, and axe-core finds no WCAG A/AA violation on the front page and on the
statistics page."""

from datetime import date

import pytest
from django.conf import settings

from tests import personas
from tests.exchange import support
from tests.factories import ExpenseClaimFactory, VisitorFeedbackFactory

from .browsing import DESKTOP, axe_violations, new_page, screenshot
from .scene import session_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTS = [
    "exchange/exchangerequest/",
    "feedback/expenseclaim/",
    "feedback/visitorfeedback/",
    "feedback/hostfeedback/",
    "feedback/yearsettings/",
    "libraries/library/",
    "libraries/staff/",
    "libraries/accessibilityfeedback/",
    "libraries/municipality/",
    "mail/notification/",
    "otp_totp/totpdevice/",
]


@pytest.fixture
def desk(site, settings):
    """The Coordinator group's coordinator, signed in, with exchanges, feedback and a claim."""
    settings.OTP_ADMIN = False
    home, host = personas.seinajoki(), personas.korsholm()
    alice, bertil = personas.alice(home), personas.bertil(host)
    support.confirmed_visit(alice, host, first_day=date(2027, 3, 1), last_day=date(2027, 3, 2))
    support.submitted(bertil, home, first_day=date(2027, 4, 6), last_day=date(2027, 4, 6))
    feedback = VisitorFeedbackFactory(exchange__visitor=alice, exchange__host_library=host)
    ExpenseClaimFactory(exchange=feedback.exchange, other_travel_description="Bussi")
    personas.coordinator_contact()
    return session_cookie(personas.coordinator())


def _signed_in(browser, site, cookie):
    page = new_page(browser, viewport=DESKTOP)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    return page


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_desk_fits_1280_px_and_passes_axe(browser, site, desk, language):
    page = _signed_in(browser, site, desk)

    page.goto(f"{site}/{language}/admin/")
    assert page.locator(".desk-item").count() >= 10
    screenshot(page, f"{language}-desk")
    front = axe_violations(page)
    page.goto(f"{site}/{language}/admin/feedback/yearstatistics/")
    assert page.locator(".statistics-chart table").count() >= 5
    statistics = axe_violations(page)

    sideways = {}
    for path in LISTS:
        page.goto(f"{site}/{language}/admin/{path}")
        widths = page.evaluate(
            """() => {
                const list = document.querySelector('#changelist .results');
                return {
                    page: document.documentElement.scrollWidth - window.innerWidth,
                    list: list ? list.scrollWidth - list.clientWidth : 0,
                };
            }"""
        )
        if widths["page"] > 0 or widths["list"] > 0:
            sideways[path] = widths
    page.context.close()

    assert front == "", front
    assert statistics == "", statistics
    assert sideways == {}
