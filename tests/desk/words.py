"""What the admin's pages say, and which of it is English left untranslated.

The check is backed by the catalogues: every message id that Django, the installed apps and
Kollega translate is known here in English. A page under /fi/ or /sv/ that shows one of them
as written in English, where the language's catalogue has another word for it, shows an
untranslated string.
"""

import gettext
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

# Message ids that are words of Finnish or Swedish as well, or names, shown as they are.
SAME_IN_EVERY_LANGUAGE = {"kollega", "html", "id", "ok", "e-mail", "url", "pdf", "csv", "json"}
PLACEHOLDER = re.compile(r"%(\(\w+\))?[sdrf]|\{\w*\}")


class _Words(HTMLParser):
    """The text a reader sees on a page, as separate pieces, and the words of its buttons,
    pictures' alternative texts, titles and labels for screen readers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "title"):
            self._hidden += 1
        attributes = dict(attrs)
        for name in ("title", "aria-label", "alt", "placeholder"):
            if attributes.get(name):
                self.pieces.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.pieces.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "title") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.pieces.append(data)


def pieces(page: str) -> list[str]:
    parser = _Words()
    parser.feed(page)
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


def _catalogue_files() -> list[Path]:
    """Every compiled catalogue of Django, the installed apps and Kollega."""
    roots = [Path(path) for path in settings.LOCALE_PATHS]
    roots.append(Path(translation.__file__).resolve().parents[2] / "conf" / "locale")
    roots += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    return [file for root in roots if root.is_dir() for file in root.glob("*/LC_MESSAGES/*.mo")]


@cache
def english_message_ids() -> frozenset[str]:
    """The English of every translatable message, without those holding placeholders."""
    ids = set()
    for file in _catalogue_files():
        with file.open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)._catalog
        for key in catalogue:
            message = key[0] if isinstance(key, tuple) else key
            if message and "\x04" not in message and not PLACEHOLDER.search(message):
                ids.add(" ".join(message.split()))
    return frozenset(ids)


@cache
def _by_folded() -> dict[str, set[str]]:
    folded: dict[str, set[str]] = {}
    for message in english_message_ids():
        folded.setdefault(message.casefold(), set()).add(message)
    return folded


def untranslated(page: str, language: str) -> set[str]:
    """The pieces of the page that are a message's English, where the language has other words
    for it: shown whole (a column, a button), or as a sentence of three words or more inside
    a longer piece."""
    found = set()
    with translation.override(language):
        for piece in pieces(page):
            folded = piece.casefold().rstrip(":")
            if folded in SAME_IN_EVERY_LANGUAGE:
                continue
            for message in _by_folded().get(folded, ()):
                if translation.gettext(message).casefold() != message.casefold():
                    found.add(piece)
        text = " ".join(pieces(page))
        for message in english_message_ids():
            if len(message.split()) >= 3 and message in text:
                if translation.gettext(message) != message:
                    found.add(message)
    return found
