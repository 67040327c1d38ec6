"""The public pages' content from the cache: the home page's figures, the directory, library pages.

These pages change only when the coordinator edits libraries, municipalities, networks, focus
areas or the programme's contact, or what an app above adds to a library's page changes (a
story published, withdrawn or anonymised). Every such save moves the content version on
(`content_changed`, connected by `watch`), and a cached piece
belongs to one version: an edit shows at once on every web machine that shares the cache
(Redis in production), and pieces of an older version simply expire. Nothing personal to the
reader is cached: the header with the signed-in person is drawn for each request.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "public-pages:version"
# A piece is kept this long at the most, so that what no signal reports (a visitor renaming
# themselves under a published story) shows after a while too.
TIMEOUT = 10 * 60


# The month views on library pages count visits too: a request submitted, decided or
# cancelled moves this version, so that the calendars are drawn anew and nothing else is.
VISITS_VERSION_KEY = "public-pages:visits-version"


def version(key: str = VERSION_KEY) -> str:
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key)
    return current


def visits_version() -> str:
    return version(VISITS_VERSION_KEY)


def kept_for_versions(key: str, build: Callable[[], Any], timeout: int = TIMEOUT) -> Any:
    """The value kept under `key` while neither the content nor the visits version has moved
    on, built and kept anew when missing or older: one round trip to the cache when it is
    there (the versions are read with it and kept beside it)."""
    keys = (VERSION_KEY, VISITS_VERSION_KEY)
    found = cache.get_many([key, *keys])
    versions = tuple(found.get(name) or version(name) for name in keys)
    kept = found.get(key)
    if kept is not None and kept[0] == versions:
        return kept[1]
    value = build()
    cache.set(key, (versions, value), timeout)
    return value


def content_changed(**kwargs) -> None:
    """A signal receiver: what the public pages show has changed."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def visits_changed(**kwargs) -> None:
    """A signal receiver: the visits a host's month view counts have changed."""
    cache.set(VISITS_VERSION_KEY, uuid.uuid4().hex, None)


def cached(name: str, parts: Any, build: Callable[[], Any]) -> Any:
    """The piece `name` for these parts in the current language, built when missing.

    A build that finds nothing (None) is not kept: the next request builds again."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"public-pages:{version()}:{name}:{get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:
            cache.set(key, value, TIMEOUT)
    return value


def watch(model: str) -> None:
    """Every save or deletion of this model ("app.Model") changes the public pages."""
    for event, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(content_changed, sender=model, dispatch_uid=f"public-pages:{event}:{model}")


def watch_visits(model: str) -> None:
    """Every save or deletion of this model ("app.Model") changes the visits counted."""
    for event, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(visits_changed, sender=model, dispatch_uid=f"visits:{event}:{model}")


# What apps above the directory add to a library's page, in order: each draws its part of
# the page for one library (HTML, or "" when it has nothing to show).
_library_sections: list[Callable[[Any], str]] = []


def add_library_section(draw: Callable[[Any], str]) -> None:
    """Add a part to every library's page (from the adding app's AppConfig.ready)."""
    if draw not in _library_sections:
        _library_sections.append(draw)


def library_sections(library) -> list[str]:
    return [html for draw in _library_sections if (html := draw(library))]
