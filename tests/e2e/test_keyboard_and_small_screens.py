"""Kollega with the keyboard alone: forms filled in and sent with Tab, Space and Enter, the
focus always visible, a skip link to the content and an error summary that leads to the
fields. (Every page type's width at 320 px and its title: test_page_types.py.)"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from exchange.models import State
from tests.exchange.support import weekday_ahead
from tests.pages import url as path

from . import scene as scenes
from .browsing import new_page, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def scene(site, settings):
    settings.OTP_ADMIN = False
    return scenes.build()


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, limit: int = 150) -> None:
    """Press Tab until the element is focused: it can be reached with the keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def type_date(page, day: date) -> None:
    """Type a date into the focused day field as Finland writes it, 3.2.2027."""
    page.keyboard.type(f"{day.day}.{day.month}.{day.year}")


def label_target(page, label: str) -> str:
    """The id of the field a label names (to know when Tab has reached it)."""
    return "#" + page.get_by_label(label, exact=True).get_attribute("id")


def open_as_visitor(page, site: str, scene, url: str) -> None:
    scenes.open_page(page, site, scene, scenes.PageType("", url, scenes.VISITOR), "fi")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(browser, site, scene):
    page = new_page(browser)
    page.goto(site + path("libraries:directory", "fi"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=t("fi", "Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page, "main#content")
    # The next Tab goes on from the content, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_focused_element_has_a_visible_outline(browser, site, scene):
    page = new_page(browser)
    page.goto(site + path("home", "fi"))
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_a_visitor_fills_in_and_submits_the_request_form_with_the_keyboard_alone(
    browser, site, scene
):
    page = new_page(browser)
    open_as_visitor(
        page, site, scene, path("exchange:request-create", "fi") + "?host=vaasan-paakirjasto"
    )
    first_day = weekday_ahead(140)
    area = label_target(page, "Monikielinen kirjastotyö")

    tab_to(page, "#id_first_day")
    type_date(page, first_day)
    tab_to(page, "#id_last_day")
    type_date(page, first_day + timedelta(days=1))
    tab_to(page, "#id_kind_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_expectations")
    page.keyboard.type("Haluan nähdä, miten kaksikielinen asiakaspalvelu toimii.")
    tab_to(page, area)
    page.keyboard.press("Space")
    tab_to(page, "#id_cover_arrangements")
    page.keyboard.type("Minna hoitaa lainaustiskin.")
    tab_to(page, "#id_privacy_accepted")
    page.keyboard.press("Space")
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text(
        t("fi", "Your request has been sent to your supervisor %(name)s.")
        % {"name": "Eeva Esimerkki"}
    )
    exchange = scene.visitor.exchanges.get(first_day=first_day)
    assert exchange.state == State.AWAITING_HOME
    assert exchange.last_day == first_day + timedelta(days=1)
    assert [a.slug for a in exchange.focus_areas.all()] == ["multilingual-services"]
    assert exchange.privacy_accepted_at is not None


def test_the_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(browser, site, scene):
    page = new_page(browser)
    open_as_visitor(page, site, scene, path("exchange:request-create", "fi"))
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t("fi", "Choose the library you want to visit."))
    links = summary.get_by_role("link")
    targets = [link.get_attribute("href") for link in links.all()]
    assert "#id_host_library" in targets and "#id_privacy_accepted" in targets

    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    assert focused(page, targets[0])


def test_the_home_supervisor_approves_with_the_keyboard_alone(browser, site, scene):
    page = new_page(browser)
    page.goto(site + path("exchange:approval-link", "fi", token=scene.tokens["home"]))

    tab_to(page, "input[name=action][value=approve]")
    page.keyboard.press("Space")
    tab_to(page, "#id_approve-comment")
    page.keyboard.type("Hyvä suunnitelma.")
    tab_to(page, "form.decision-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("fi", "You approved the exchange request of %(visitor)s")
        % {"visitor": scene.visitor.name}
    )
    exchange = scene.exchanges["awaiting_home"]
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOST


def test_the_host_proposes_dates_and_names_the_mentor_with_the_keyboard_alone(browser, site, scene):
    page = new_page(browser)
    page.goto(site + path("exchange:approval-link", "sv", token=scene.tokens["host"]))
    exchange = scene.exchanges["awaiting_host"]
    first_day = exchange.first_day + timedelta(days=7)
    fields = {
        "mentor_name": "Maja Mentor",
        "mentor_email": "maja.mentor@jakobstad.fi",
        "mentor_phone": "040 765 4321",
        "meeting_place": "Personalingången",
        "meeting_time": "9.00",
        "programme_notes": "Kundtjänst och sagostund.",
        # A colleague of the host's comes back: the host cannot approve their own visit.
        "return_name": "Rut Returbesökare",
        "return_email": "rut.returbesokare@jakobstad.fi",
    }

    tab_to(page, "input[name=action][value=approve]")
    page.keyboard.press("ArrowDown")
    assert focused(page, "input[name=action][value=propose]:checked")
    tab_to(page, "#id_approve-first_day")
    type_date(page, first_day)
    tab_to(page, "#id_approve-last_day")
    type_date(page, first_day + timedelta(days=1))
    for name, value in fields.items():
        tab_to(page, f"#id_approve-{name}")
        page.keyboard.type(value)
    tab_to(page, "#id_approve-return_first_day")
    type_date(page, first_day + timedelta(days=28))
    tab_to(page, "#id_approve-return_last_day")
    type_date(page, first_day + timedelta(days=29))
    tab_to(page, "form.decision-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("sv", "You proposed other dates to %(visitor)s") % {"visitor": scene.visitor.name}
    )
    exchange.refresh_from_db()
    assert exchange.state == State.DATES_PROPOSED
    assert exchange.proposed_first_day == first_day
    assert exchange.mentor_name == "Maja Mentor"
