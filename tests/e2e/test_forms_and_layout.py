"""Forms anyone can see and fill, and pages that read well on a phone, in Finnish and Swedish.

Every field's border stands out from the page at 3:1 at least (WCAG 1.4.11, which axe does
not check); each form sent with errors leads with a summary that takes the focus and links
to the fields, with a message of each field's own; the phone header folds its menu; the
directory's filters fold on a phone; headings, badges and the language of the page are
measured as the browser draws them. (No page wider than 320 px: test_page_types.py.)"""

import re

import pytest
from playwright.sync_api import expect

from tests.pages import url as path

from . import scene as scenes
from .browsing import DESKTOP, new_page, screenshot, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 800}
LANGUAGES = ["fi", "sv"]
PEOPLES_GROUPS = [scenes.PUBLIC, scenes.VISITORS, scenes.LINKS]

# Every visible field, radio button, checkbox and list, with the colours of its border and
# of what it sits on: the first ancestor with a background of its own, over white. The file
# field is transparent over a button in the page's language: the button is measured.
MEASURE_BORDERS = """() => {
  const rgba = (text) => {
    const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number);
    return { r, g, b, a };
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour.a > 0) return over(colour, { r: 255, g: 255, b: 255, a: 1 });
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const luminance = ({ r, g, b }) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const controls = document.querySelectorAll(
    "main input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=file]),"
    + " main select, main textarea, main .file-choice .btn"
  );
  return Array.from(controls)
    .filter((e) => e.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
    .map((e) => {
      const style = getComputedStyle(e);
      const border = over(rgba(style.borderTopColor), background(e));
      return {
        field: e.id || e.name || e.className,
        width: parseFloat(style.borderTopWidth),
        ratio: Math.round(ratio(border, background(e)) * 100) / 100,
      };
    });
}"""


@pytest.fixture
def scene(site, settings):
    settings.OTP_ADMIN = False
    return scenes.build()


def _page_types(scene, language: str, groups=PEOPLES_GROUPS) -> list[scenes.PageType]:
    every = scenes.page_types(scene, language)
    return [page_type for group in groups for page_type in every[group]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_fields_border_stands_out_from_the_page_at_3_to_1(browser, site, scene, language):
    page = new_page(browser)
    faint, measured = [], {}
    for page_type in _page_types(scene, language):
        scenes.open_page(page, site, scene, page_type, language)
        controls = page.evaluate(MEASURE_BORDERS)
        measured[page_type.name] = len(controls)
        faint += [
            f"{page_type.name}: {control}"
            for control in controls
            if control["width"] < 1 or control["ratio"] < 3
        ]

    assert not faint, "\n".join(faint)
    # The forms were there to measure: fields, radio buttons, checkboxes, lists and files.
    for name in [
        "directory",
        "sign-in-errors",
        "accessibility-errors",
        "profile-errors",
        "request-form-errors",
        "cancel-errors",
        "feedback-form-errors",
        "claim-form",
        "home-supervisor-errors",
        "host-supervisor-errors",
        "host-feedback-errors",
    ]:
        assert measured[name] > 0, name


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_form_sent_with_errors_leads_with_a_summary_of_links_to_its_fields(
    browser, site, scene, language
):
    page = new_page(browser)
    forms = [p for p in _page_types(scene, language) if p.name.endswith("-errors")]
    assert len(forms) >= 8
    generic = t(language, "This field is required.")
    for page_type in forms:
        if page_type.name == "directory-errors":
            continue  # The directory's filters only narrow the list: nothing to send.
        scenes.open_page(page, site, scene, page_type, language)
        summary = page.locator(".error-summary").first
        expect(summary, page_type.name).to_be_focused()
        expect(summary).to_contain_text(t(language, "Please check the details marked below."))
        assert generic not in page.locator("main").inner_text(), page_type.name

        links = summary.locator("a")
        assert links.count() > 0, page_type.name
        for link in links.all():
            href = link.get_attribute("href")
            # The link leads to its field without script too: a group's to its first button.
            target = page.locator(f"{href}:is(input, select, textarea)")
            assert target.count() == 1, (page_type.name, href)
            # The field says the same as the summary, beside it.
            message = link.inner_text().split(": ")[-1]
            assert message in page.locator("main").inner_text()

            link.click()
            focused = page.evaluate("[document.activeElement.tagName, document.activeElement.id]")
            assert focused[0] in ("INPUT", "SELECT", "TEXTAREA"), (page_type.name, href)
            assert focused[1] == href[1:], (page_type.name, href)


@pytest.mark.parametrize(
    "language, message",
    [
        ("fi", "Kirjoita vierailun ensimmäinen päivä."),
        ("sv", "Skriv besökets första dag."),
    ],
)
def test_the_request_forms_errors_name_each_field_in_the_pages_language(
    browser, site, scene, language, message
):
    page = new_page(browser)
    request_form = next(p for p in _page_types(scene, language) if p.name == "request-form-errors")
    scenes.open_page(page, site, scene, request_form, language)

    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", "#id_first_day")
    screenshot(page, f"{language}-request-form-errors")
    expect(page.locator("#id_first_day")).to_have_attribute("type", "text")
    hint = t(language, "As d.m.yyyy, for example 3.2.2027.")
    expect(page.locator("#id_first_day_helptext")).to_contain_text(hint)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_receipts_button_speaks_the_pages_language(browser, site, scene, language, tmp_path):
    page = new_page(browser)
    claim = next(p for p in _page_types(scene, language) if p.name == "claim-form")
    scenes.open_page(page, site, scene, claim, language)

    button = page.locator(".file-choice .btn")
    expect(button).to_have_text(t(language, "Choose files"))
    receipt = tmp_path / "kuitti-bussi.pdf"
    receipt.write_bytes(b"%PDF-1.4\n%%EOF\n")
    # The field is still the labelled file input, reached by its label and the keyboard.
    field = page.get_by_label(t(language, "Receipts"), exact=True)
    field.set_input_files(str(receipt))
    expect(page.locator(".file-choice-names")).to_have_text("kuitti-bussi.pdf")
    field.focus()
    outline = button.evaluate("(e) => getComputedStyle(e).outlineStyle")
    assert outline != "none"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_missing_receipts_are_told_beside_the_receipts_field(
    browser, site, scene, language, viewport
):
    page = new_page(browser, viewport=viewport)
    claim = next(p for p in _page_types(scene, language) if p.name == "claim-form")
    scenes.open_page(page, site, scene, claim, language)

    page.locator("#id_public_transport_eur").fill("12.40")
    page.get_by_role("button", name=t(language, "Continue")).click()

    message = page.locator("#id_receipts_error")
    expect(message).to_be_visible()
    expect(message).to_have_text(t(language, "Add the receipts of the costs in euros."))
    button = page.locator(".file-choice .btn")
    assert button.evaluate("(e) => getComputedStyle(e).borderTopColor") == "rgb(176, 42, 55)"
    # Beside the field: between the chooser and the field's help, not only in the summary.
    chooser, below = button.bounding_box(), message.bounding_box()
    assert 0 <= below["y"] - (chooser["y"] + chooser["height"]) < 80
    message.scroll_into_view_if_needed()
    screenshot(page, f"{language}-{viewport['width']}-claim-receipts-missing")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_header_folds_its_menu_and_opens_it_with_the_keyboard(
    browser, site, scene, language
):
    page = new_page(browser, viewport=PHONE)
    page.goto(site + path("home", language))
    menu = page.get_by_role("navigation", name=t(language, "Main menu"))
    libraries = menu.get_by_role("link", name=t(language, "Libraries"), exact=True)

    header = page.locator("header").bounding_box()
    assert header["height"] <= 64
    expect(libraries).to_be_hidden()
    button = page.locator("summary.site-menu-button")
    expect(button).to_have_text(re.compile(t(language, "Menu")))
    button.focus()
    page.keyboard.press("Enter")
    expect(libraries).to_be_visible()
    screenshot(page, f"{language}-menu-phone")
    page.keyboard.press("Tab")
    expect(libraries).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Libraries"))

    # On a computer the menu is open and its button is not there.
    page.set_viewport_size(DESKTOP)
    page.goto(site + path("home", language))
    expect(libraries).to_be_visible()
    expect(button).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_directorys_filters_fold_on_a_phone_and_its_pages_keep_them(
    browser, site, scene, language
):
    page = new_page(browser, viewport=PHONE)
    page.goto(site + path("libraries:directory", language) + "?language=bilingual")
    region = page.get_by_label(t(language, "Region"), exact=True)
    count = page.locator("#library-count")
    before = count.inner_text()

    expect(region).to_be_hidden()
    screenshot(page, f"{language}-directory-phone")
    # The list starts on the first screen, below a button that says a filter is chosen.
    assert page.locator(".library-list").bounding_box()["y"] < PHONE["height"]
    page.locator("summary.filters-button").click()
    expect(region).to_be_visible()

    page.get_by_role("link", name=t(language, "Next page")).click()
    expect(count).to_have_text(before)
    assert "language=bilingual" in page.url and "page=2" in page.url

    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(region).to_be_visible()
    expect(page.locator("summary.filters-button")).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_read_well_headings_badges_lists_and_hyphenation_by_language(
    browser, site, scene, language
):
    page = new_page(browser, viewport=PHONE)
    problems = []
    for page_type in _page_types(scene, language):
        scenes.open_page(page, site, scene, page_type, language)
        found = page.evaluate(
            """() => ({
              lang: document.documentElement.lang,
              hyphens: getComputedStyle(document.body).hyphens,
              wrap: getComputedStyle(document.body).overflowWrap,
              lightHeadings: Array.from(document.querySelectorAll(
                "h1, h2, h3, h4, h5, h6, .h1, .h2, .h3, .h4, .h5, .h6"))
                .filter((e) => e.checkVisibility())
                .filter((e) => parseInt(getComputedStyle(e).fontWeight) < 400)
                .map((e) => e.textContent.trim()),
              smallBadges: Array.from(document.querySelectorAll(".badge"))
                .filter((e) => e.checkVisibility())
                .filter((e) => parseFloat(getComputedStyle(e).fontSize) < 14)
                .map((e) => e.textContent.trim()),
              // A label's text starts at least 4 px below the value before it.
              tightLists: Array.from(document.querySelectorAll("main dl")).flatMap((dl) => {
                const items = Array.from(dl.querySelectorAll("dt, dd"))
                  .filter((e) => e.checkVisibility());
                const text = (e, side) => {
                  const s = getComputedStyle(e), r = e.getBoundingClientRect();
                  return side === "top" ? r.top + parseFloat(s.paddingTop)
                    : r.bottom - parseFloat(s.paddingBottom);
                };
                return items
                  .filter((e, i) => e.tagName === "DT" && i > 0 && items[i - 1].tagName === "DD")
                  .filter((e) => text(e, "top") - text(items[items.indexOf(e) - 1], "bottom") < 4)
                  .map((e) => e.textContent.trim().slice(0, 30));
              }),
            })"""
        )
        if found["lang"] != language:
            problems.append(f"{page_type.name}: lang={found['lang']}")
        if found["hyphens"] != "auto" or found["wrap"] not in ("break-word", "anywhere"):
            problems.append(f"{page_type.name}: {found['hyphens']} {found['wrap']}")
        for kind in ("lightHeadings", "smallBadges", "tightLists"):
            if found[kind]:
                problems.append(f"{page_type.name}: {kind} {found[kind]}")

    assert not problems, "\n".join(problems)
