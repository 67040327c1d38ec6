"""Every page type, in Finnish and in Swedish: public pages, sign-in, forms with their errors
shown, the visitor's pages, the supervisors' and the mentor's pages, link problems and the
coordinator's admin. On each, axe-core finds no violation of the WCAG 2.0 and 2.1 A and AA
rules, nothing needs sideways scrolling 320 px wide, the title says where you are, and the
Content-Security-Policy has nothing to block."""

import pytest

from . import scene as scenes
from .browsing import DESKTOP, NARROWEST, axe_violations, new_page, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The pages the README shows (docs/screenshots/, taken when SCREENSHOTS=1); the visitor's
# exchanges and the claim's check page are taken by test_visitor_pages.py.
SCREENSHOTS = {
    ("fi", "home"): "fi-home",
    ("fi", "directory"): "fi-directory",
    ("fi", "library"): "fi-library",
    ("fi", "request-form"): "fi-request-form",
    ("fi", "home-supervisor"): "fi-supervisor",
    ("sv", "home"): "sv-home",
    ("sv", "detail-proposed"): "sv-exchange",
}


@pytest.fixture
def scene(site, settings):
    settings.OTP_ADMIN = False
    return scenes.build()


@pytest.mark.parametrize("group", [scenes.PUBLIC, scenes.VISITORS, scenes.LINKS, scenes.ADMIN])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_each_page_type_is_accessible_fits_320_px_and_has_its_own_title(
    browser, site, scene, language, group
):
    page = new_page(browser)
    violations, too_wide, titles, blocked = [], [], {}, []
    # Nothing is inline: the Content-Security-Policy blocks nothing the pages do. (axe-core
    # sets inline styles of its own while it checks, so only what comes before it counts.)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
    for page_type in scenes.page_types(scene, language)[group]:
        page.set_viewport_size(DESKTOP)
        scenes.open_page(page, site, scene, page_type, language)
        blocked += [text for text in console if "Content Security Policy" in text]
        if (language, page_type.name) in SCREENSHOTS:
            screenshot(page, SCREENSHOTS[language, page_type.name])
        report = axe_violations(page)
        if report:
            violations.append(f"== {page_type.name} ({language})\n{report}")
        console.clear()
        page.set_viewport_size(NARROWEST)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROWEST["width"]:
            too_wide.append(f"{page_type.name}: {width} px")
        titles[page_type.name] = page.title()
    page.context.close()

    assert not violations, "\n".join(violations)
    assert not too_wide, too_wide
    assert not blocked, blocked
    # A form shown again with its errors keeps its title; every other page has its own.
    own_titles = [title for name, title in titles.items() if not name.endswith("-errors")]
    assert len(set(own_titles)) == len(own_titles), titles
    for name, title in titles.items():
        assert title and not title.startswith(("–", "|")), f"{name}: {title!r}"
