"""The home supervisor and the host answer through their links, in Finnish and in Swedish, on
a 360 px phone and on a 1280 px desktop: the request in short with the answer near the top,
each answer's own fields shown only once it is chosen, the host's approval with the workplace
mentor left for later and named afterwards, and pages afterwards that say what was done.
axe-core finds nothing on any of these pages."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from exchange import links, workflow
from exchange.models import ExchangeRequest, State
from libraries.models import Library, Staff
from mail.models import Notification
from tests.exchange.support import weekday_ahead
from tests.factories import ExchangeRequestFactory
from tests.pages import url as path

from .browsing import DESKTOP, axe_violations, new_page, screenshot, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
SCREENS = {"phone": PHONE, "desktop": DESKTOP}
# On a phone the answer is reachable without scrolling past the whole request.
FOLD = 900
# The pages the README shows (docs/screenshots/, taken when SCREENSHOTS=1).
SCREENSHOTS = {
    ("home", "fi", "phone"): "fi-supervisor-phone",
    ("host", "sv", "phone"): "sv-host-phone",
    ("host-approved", "fi", "desktop"): "fi-host-approved",
    ("answered-twice", "sv", "phone"): "sv-answered-twice-phone",
}


def shows(page, name: str, language: str, screen: str) -> None:
    if (name, language, screen) in SCREENSHOTS:
        screenshot(page, SCREENSHOTS[name, language, screen])


def submitted(days_ahead: int) -> ExchangeRequest:
    """Liisa Lukija of Seinäjoki asks to visit Vaasa's main library."""
    visitor = Staff.objects.get(email="demo.liisa.lukija@seinajoki.fi")
    first_day = weekday_ahead(days_ahead)
    exchange = ExchangeRequestFactory(
        visitor=visitor,
        host_library=Library.objects.get(slug="vaasan-paakirjasto"),
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        expectations="Haluan nähdä, miten kaksikielinen asiakaspalvelu toimii.",
        cover_arrangements="Minna hoitaa lainaustiskin.",
        travel_car_km=180,
        accommodation_nights=1,
        accommodation_eur="95.00",
    )
    return workflow.submit(exchange.pk, by=visitor)


def approved_at_home(days_ahead: int) -> ExchangeRequest:
    exchange = submitted(days_ahead)
    approval = exchange.approvals.get(role="home")
    return workflow.approve_home(approval.pk, version=approval.version)


def top(locator) -> float:
    """How far down the page the element begins, in CSS pixels."""
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] + locator.page.evaluate("window.scrollY")


def no_violations(page) -> None:
    report = axe_violations(page)
    assert not report, report


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_home_supervisor_reads_the_summary_and_approves(browser, site, language, screen):
    exchange = submitted(21)
    token = links.approval_token(exchange.approvals.get(role="home"))
    page = new_page(browser, viewport=SCREENS[screen])

    page.goto(site + path("exchange:approval-link", language, token=token))

    main = page.get_by_role("main")
    for label in (
        "Cost estimate",
        "The visit counts as",
        "Who covers the visitor's work meanwhile",
    ):
        expect(main).to_contain_text(t(language, label))
    expect(main).to_contain_text("Minna hoitaa lainaustiskin.")
    # The rest of the request is folded away, a click from the summary.
    expectations = page.get_by_text("Haluan nähdä, miten kaksikielinen asiakaspalvelu toimii.")
    expect(expectations).to_be_hidden()
    approve = page.get_by_label(t(language, "Approve the request"))
    decline = page.get_by_label(t(language, "Decline the request"))
    send = page.get_by_role("button", name=t(language, "Send the answer"))
    if screen == "phone":
        assert top(approve) < FOLD and top(decline) < FOLD and top(send) < FOLD, (
            top(approve),
            top(send),
        )
    shows(page, "home", language, screen)

    # The reason is asked only of a supervisor who declines.
    reason = page.get_by_label(t(language, "Reason for declining"))
    expect(reason).to_be_hidden()
    decline.check()
    expect(reason).to_be_visible()
    no_violations(page)
    approve.check()
    expect(reason).to_be_hidden()
    page.get_by_label(t(language, "Comment for the visitor (optional)")).fill("Hyvä idea!")
    send.click()

    heading = t(language, "You approved the exchange request of %(visitor)s") % {
        "visitor": "Liisa Lukija"
    }
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("heading", level=2)).to_have_text(t(language, "What happens next"))
    expect(main).to_contain_text("Ville Vaihtaja")
    no_violations(page)
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOST

    # Opened again, the link says what was decided, by "you", and when.
    page.goto(site + path("exchange:approval-link", language, token=token))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    said = t(language, "You answered through this link on %(when)s.").split("%(when)s")[0]
    expect(main).to_contain_text(said.strip())
    page.context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_host_approves_with_the_mentor_left_for_later_then_names_them(
    browser, site, language, screen
):
    exchange = approved_at_home(28)
    token = links.approval_token(exchange.approvals.get(role="host", decision="pending"))
    page = new_page(browser, viewport=SCREENS[screen])

    page.goto(site + path("exchange:approval-link", language, token=token))

    welcome = page.get_by_label(t(language, "The visitor is welcome on the dates asked for"))
    propose = page.get_by_label(t(language, "Propose other dates"))
    decline = page.get_by_label(t(language, "Decline the request"))
    shows(page, "host", language, screen)
    if screen == "phone":
        assert top(welcome) < FOLD and top(decline) < FOLD, (top(welcome), top(decline))
    # The proposed dates are asked only when proposing, the mentor only when not declining.
    first_day = page.get_by_label(t(language, "Proposed first day"))
    mentor_name = page.get_by_label(t(language, "Workplace mentor's name"))
    expect(first_day).to_be_hidden()
    propose.check()
    expect(first_day).to_be_visible()
    no_violations(page)
    decline.check()
    expect(first_day).to_be_hidden()
    expect(mentor_name).to_be_hidden()
    expect(page.get_by_label(t(language, "Reason for declining"))).to_be_visible()
    welcome.check()
    expect(mentor_name).to_be_visible()
    page.get_by_role("button", name=t(language, "Send the answer")).click()

    heading = t(language, "You approved the exchange request of %(visitor)s") % {
        "visitor": "Liisa Lukija"
    }
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    name_mentor = page.get_by_role("link", name=t(language, "Name the workplace mentor"))
    expect(name_mentor).to_be_visible()
    shows(page, "host-approved", language, screen)
    no_violations(page)
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_MENTOR
    assert not Notification.objects.filter(exchange=exchange, kind="confirmed").exists()

    name_mentor.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Name the workplace mentor")
    )
    no_violations(page)
    page.get_by_label(t(language, "Workplace mentor's name")).fill("Maija Mentori")
    page.get_by_label(t(language, "Workplace mentor's email")).fill("maija.mentori@vaasa.fi")
    page.get_by_label(t(language, "Workplace mentor's phone")).fill("040 123 4567")
    page.get_by_label(t(language, "When to meet on the first day")).fill("9.00")
    page.get_by_role("button", name=t(language, "Name the mentor and confirm the visit")).click()

    expect(page.get_by_role("status").first).to_contain_text("Maija Mentori")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "The first day's arrangements")
    )
    no_violations(page)
    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert exchange.mentor_email == "maija.mentori@vaasa.fi"
    confirmed_to = set(
        Notification.objects.filter(exchange=exchange, kind="confirmed").values_list(
            "recipient", flat=True
        )
    )
    assert {"demo.liisa.lukija@seinajoki.fi", "maija.mentori@vaasa.fi"} <= confirmed_to

    # The decision link, opened again, still says it was "you" who approved.
    page.goto(site + path("exchange:approval-link", language, token=token))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_an_answer_from_a_page_left_open_says_it_was_not_recorded(browser, site, language, screen):
    exchange = submitted(35)
    token = links.approval_token(exchange.approvals.get(role="home"))
    address = site + path("exchange:approval-link", language, token=token)
    first, second = (new_page(browser, viewport=SCREENS[screen]) for _ in range(2))
    first.goto(address)
    second.goto(address)

    first.get_by_label(t(language, "Approve the request")).check()
    first.get_by_role("button", name=t(language, "Send the answer")).click()
    # The page left open in the other window is sent later with the other answer.
    second.get_by_label(t(language, "Decline the request")).check()
    second.get_by_label(t(language, "Reason for declining")).fill("Ei sittenkään.")
    second.get_by_role("button", name=t(language, "Send the answer")).click()

    notice = second.get_by_role("status")
    expect(notice).to_have_text(
        t(
            language,
            "This request had already been answered through this link, so the answer you "
            "just sent was not recorded. The answer that stands is shown below.",
        )
    )
    expect(second.get_by_role("heading", level=1)).to_have_text(
        t(language, "You approved the exchange request of %(visitor)s")
        % {"visitor": "Liisa Lukija"}
    )
    if screen == "phone":
        assert top(notice) < FOLD
    shows(second, "answered-twice", language, screen)
    no_violations(second)
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOST
    first.context.close()
    second.context.close()
