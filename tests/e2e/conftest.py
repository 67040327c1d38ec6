"""Browser tests: Debian's chromium driven by Playwright against the app on localhost.

One browser for the whole session; each test gets fresh browser contexts (no shared
cookies), the regions' real libraries and the demo people, and a live server whose
address is the SITE_URL of every emailed link.
"""

import os
import shutil
from decimal import Decimal
from io import StringIO

import pytest

# Playwright's sync API runs an event loop in the test's thread; the tests still talk to
# the database there, as synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


KILOMETRE_RATES = {2024: Decimal("0.57"), 2025: Decimal("0.59"), 2026: Decimal("0.55")}


def kilometre_rates() -> dict[int, Decimal]:
    """The rates the coordinator has set: the known years', and this year's and the next's.

    The journeys' visits lie weeks ahead, so in December they fall in the next year; by the
    time its visitors claim their costs, the coordinator has set its rate (here the last one
    known)."""
    from django.utils import timezone

    today = timezone.localdate()
    last = KILOMETRE_RATES[max(KILOMETRE_RATES)]
    rates = {year: last for year in (today.year, today.year + 1)}
    return {**rates, **KILOMETRE_RATES}


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps a connection per thread, and per context once an event loop runs in the
    # thread, as Playwright's does from here on: the tests then get connections of their
    # own. Those need the database's content after the migrations too, to restore it
    # after every test (serialized_rollback).
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings, monkeypatch, browser):
    """The app served on localhost with the real libraries, the demo people and the coordinator.

    The test's browser windows close before the server and the database are torn down, so
    that no request is still running against them.
    """
    from django.core.management import call_command
    from django.db import connections

    settings.SITE_URL = live_server.url
    # The live server answers each request in a thread of its own: a persistent database
    # connection would stay open after every one of them.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    call_command("load_libraries", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    # An earlier transactional test's flush takes the rows the migrations seeded.
    from feedback.models import YearSettings

    for year, rate in kilometre_rates().items():
        YearSettings.objects.get_or_create(year=year, defaults={"km_rate": rate})
    yield live_server.url
    for context in list(browser.contexts):
        context.close()
