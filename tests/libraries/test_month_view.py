"""The month view: a host's next three months as tables, each day's state said in words.

Today is Monday 11 January 2027 in Finland.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.models import State
from libraries.models import ClosedPeriod
from tests import pages
from tests.factories import ExchangeRequestFactory, LibraryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(
        datetime(2027, 1, 11, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False
    )


@pytest.fixture
def busy_host(host):
    """Korsholm: closed for an inventory in February, one visitor on 2 February."""
    ClosedPeriod.objects.create(
        library=host,
        reason="inventory",
        first_day=date(2027, 2, 15),
        last_day=date(2027, 2, 19),
        note_fi="koko henkilökunta mukana",
        note_sv="hela personalen deltar",
    )
    ExchangeRequestFactory(
        host_library=host,
        state=State.CONFIRMED,
        first_day=date(2027, 2, 2),
        last_day=date(2027, 2, 2),
    )
    return host


def cell(page: str, day: date) -> str:
    """The words of one day's cell."""
    match = re.search(rf'<td class="day [^"]*" data-day="{day.isoformat()}">(.*?)</td>', page, re.S)
    assert match, day
    return pages.text(match.group(1))


def month_view(page: str) -> str:
    return page.split('<section class="month-view"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "language, captions, weekday, states",
    [
        (
            "fi",
            ["Tammikuu 2027", "Helmikuu 2027", "Maaliskuu 2027"],
            '<th scope="col"><abbr title="maanantai">ma</abbr></th>',
            {
                date(2027, 1, 11): "11 mennyt päivä",
                date(2027, 1, 12): "12 ✓ vapaa, 1 paikka jäljellä",
                date(2027, 2, 2): "2 ✕ täynnä",
                date(2027, 2, 16): "16 – ei vierailijoita (inventaario: koko henkilökunta mukana)",
                date(2027, 1, 16): "16 · viikonloppu, ei vierailijoita",
                date(2027, 3, 29): "29 · pyhäpäivä (Toinen pääsiäispäivä)",
            },
        ),
        (
            "sv",
            ["Januari 2027", "Februari 2027", "Mars 2027"],
            '<th scope="col"><abbr title="måndag">mån</abbr></th>',
            {
                date(2027, 1, 12): "12 ✓ ledigt, 1 plats kvar",
                date(2027, 2, 2): "2 ✕ fullt",
                date(2027, 2, 16): "16 – inga besökare (inventering: hela personalen deltar)",
                date(2027, 1, 16): "16 · veckoslut, inga besökare",
                date(2027, 3, 29): "29 · helgdag (Annandag påsk)",
            },
        ),
    ],
)
def test_the_library_page_shows_three_months_as_tables_with_each_days_state_in_words(
    client, busy_host, language, captions, weekday, states
):
    page = pages.html(client.get(pages.url("libraries:library-detail", language, slug="korsholm")))
    view = month_view(page)

    assert re.findall(r"<caption>(.*?)</caption>", view) == captions
    assert view.count('<table class="month-view__month">') == 3
    assert view.count('<th scope="col">') == 21
    assert weekday in view
    for day, words in states.items():
        assert cell(view, day) == words
    assert "<script" not in view and "style=" not in view


def test_a_weekday_the_library_does_not_host_is_marked(client, host):
    host.host_weekdays = "1234"
    host.save()

    view = month_view(pages.html(client.get(host.get_absolute_url())))

    assert cell(view, date(2027, 1, 15)) == "15 · ei vierailijoita tänä viikonpäivänä"


def test_a_free_day_leads_to_the_request_form_with_that_first_day(client, visitor, busy_host):
    view = month_view(pages.html(client.get(busy_host.get_absolute_url())))
    link = re.search(r'href="([^"]*first_day=2027-01-12)"', view).group(1).replace("&amp;", "&")

    form = pages.html(client.get(link))

    fields = pages.form_fields(form)
    assert (fields["first_day"], fields["last_day"]) == ("12.1.2027", "12.1.2027")
    assert f'<option value="{busy_host.pk}" selected>' in form
    # Full, closed and past days lead nowhere.
    assert "first_day=2027-02-02" not in view and "first_day=2027-02-16" not in view


def test_the_request_form_shows_the_chosen_hosts_month_view(client, visitor, busy_host):
    page = pages.html(client.get(pages.url("exchange:request-create", query="host=korsholm")))

    view = month_view(page)
    assert "Milloin Mustasaaren pääkirjasto voi ottaa vierailijoita vastaan" in pages.text(view)
    assert "15.2.2027–19.2.2027: inventaario (koko henkilökunta mukana)" in pages.text(view)
    assert 'src="/static/js/month-view.js"' in page


def test_the_month_view_of_another_chosen_library_comes_alone(client, visitor, busy_host):
    response = client.get(pages.url("libraries:month-view", "sv", query=f"library={busy_host.pk}"))

    view = pages.html(response)
    assert view.lstrip().startswith("<section")
    assert "När Korsholms huvudbibliotek kan ta emot besökare" in pages.text(view)
    assert pages.html(client.get(pages.url("libraries:month-view", query="library=x"))) == ""


def test_a_booking_shows_at_once_on_the_cached_library_page(client, host):
    assert cell(month_view(pages.html(client.get(host.get_absolute_url()))), date(2027, 2, 3)) == (
        "3 ✓ vapaa, 1 paikka jäljellä"
    )
    ExchangeRequestFactory(
        host_library=host,
        state=State.AWAITING_HOST,
        first_day=date(2027, 2, 3),
        last_day=date(2027, 2, 4),
    )

    view = month_view(pages.html(client.get(host.get_absolute_url())))

    assert cell(view, date(2027, 2, 3)) == "3 ✕ täynnä"


def _grow(host, libraries: int, visits: int) -> None:
    """More libraries, and more visits to the host, across the three months."""
    for _ in range(libraries):
        LibraryFactory()
    for number in range(visits):
        day = date(2027, 1, 12) + timedelta(days=number % 75)
        ExchangeRequestFactory(
            host_library=host, state=State.CONFIRMED, first_day=day, last_day=day
        )


def _queries(client, path: str) -> int:
    cache.clear()
    client.get(path)  # the session and the sign-in are read once; then the page alone
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        pages.html(client.get(path))
    return len(queries)


@pytest.mark.parametrize(
    "name, query",
    [
        ("libraries:library-detail", ""),
        ("exchange:request-create", "host=korsholm"),
        ("libraries:month-view", "library={pk}"),
    ],
)
def test_the_month_views_queries_stay_the_same_with_10_and_100_libraries(
    client, visitor, busy_host, django_assert_max_num_queries, name, query
):
    kwargs = {"slug": "korsholm"} if name == "libraries:library-detail" else {}
    path = pages.url(name, query=query.format(pk=busy_host.pk), **kwargs)
    _grow(busy_host, libraries=8, visits=5)
    with_ten = _queries(client, path)

    _grow(busy_host, libraries=90, visits=100)
    cache.clear()
    with django_assert_max_num_queries(with_ten):
        pages.html(client.get(path))
