"""Pages and links as people meet them: one set of helpers for the whole suite.

Reading a page: `html` (the markup, after checking the status), `text` (the words a reader
sees, without tags), `form_fields` (what its forms would send) and `without_csrf`.
Building and following links: `url` and `admin_url` (a named page in a language),
`links_in` and `link_in` (the links in an email, as its reader would click them).
"""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mail.models import Notification


def html(response, status: int = 200) -> str:
    """The page's markup, once its status is the one expected."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.content.decode()


class _Text(HTMLParser):
    """The words of a page as a reader sees them: no tags, no scripts, no styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.words.append(data)


def text(page) -> str:
    """The visible text of a page (a response or its markup), with whitespace collapsed."""
    if not isinstance(page, str):
        page = page.content.decode()
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.words).split())


class _FormFields(HTMLParser):
    """The names and first values a browser would send from the page's forms."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attributes:
                self.values.setdefault(name, "")
            elif kind not in ("submit", "button", "file"):
                self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self.values.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(page: str) -> dict[str, str]:
    """What a browser would send from the page's forms: each field's name and first value."""
    parser = _FormFields()
    parser.feed(page)
    return parser.values


def without_csrf(page: str) -> str:
    """The page with its per-response CSRF token masked out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def url(name: str, language: str = "fi", *args, query: str = "", **kwargs) -> str:
    """The path of a named page in a language: url("exchange:request-detail", pk=1)."""
    with translation.override(language):
        path = reverse(name, args=args or None, kwargs=kwargs or None)
    return f"{path}?{query}" if query else path


def admin_url(name: str, *args, language: str = "fi", query: str = "") -> str:
    """The path of an admin page: admin_url("exchange_exchangerequest_change", pk)."""
    return url(f"admin:{name}", language, *args, query=query)


def links_in(body: str) -> list[str]:
    """Every absolute link in an email's text or HTML part."""
    return re.findall(r"https?://[^\s\"<]+", body)


def link_in(notification: Notification) -> str:
    """The path of the one Kollega link in a message's text part, as its reader would click it."""
    found = [
        link
        for link in links_in(notification.body_text)
        if link.startswith(settings.SITE_URL + "/")
    ]
    assert len(found) == 1, notification.body_text
    return found[0].removeprefix(settings.SITE_URL)
