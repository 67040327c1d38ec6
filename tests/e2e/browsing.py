"""What every browser test needs: words in the page's language, links from the outbox,
the axe-core check, the narrow-screen check and screenshots for the README."""

import os
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from mail.models import Notification
from tests.pages import links_in

# The WCAG 2.0 and 2.1 rules of levels A and AA: the level the law asks of public services.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
NARROWEST = {"width": 320, "height": 640}


def t(language: str, message: str) -> str:
    """A msgid as the page in this language shows it; an untranslated one fails the test."""
    with translation.override(language):
        text = gettext(message)
    assert language == "en" or text != message, f"no {language} translation for {message!r}"
    return text


def latest_email(recipient: str, kind: str) -> Notification:
    message = Notification.objects.filter(recipient=recipient, kind=kind).order_by("pk").last()
    assert message is not None, f"no {kind} message to {recipient}"
    return message


def link_in(message: Notification, containing: str = "") -> str:
    """The Kollega link in a message's text part, as its reader would click it."""
    found = [
        link
        for link in links_in(message.body_text)
        if link.startswith(settings.SITE_URL + "/") and containing in link
    ]
    assert found, f"no link with {containing!r} in:\n{message.body_text}"
    return found[0]


def new_page(browser, *, viewport: dict = DESKTOP):
    """A page in a browser context of its own: no cookies shared with anyone else."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    return context.new_page()


def axe_violations(page) -> str:
    """The WCAG A/AA violations axe-core finds on the page, as a readable report, or ""."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    if not results.violations_count:
        return ""
    return f"{page.url}\n{results.generate_report()}"


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshot(page, name: str) -> None:
    """Save the visible part of the page for the README, when SCREENSHOTS=1 asks for it."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), animations="disabled")
