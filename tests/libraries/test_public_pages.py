"""The public pages come from the cache, and every edit the coordinator makes shows at once."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exchange.models import State
from feedback import workflow as after_visit
from libraries.models import ContactDetails
from tests import pages
from tests.factories import (
    ExchangeRequestFactory,
    FocusAreaFactory,
    LibraryFactory,
    StaffFactory,
    VisitorFeedbackFactory,
)
from web import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaasa():
    return LibraryFactory(
        name_fi="Vaasan pääkirjasto", name_sv="Vasa huvudbibliotek", slug="vaasan-paakirjasto"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/fi/",
        "/fi/kirjastot/",
        "/fi/kirjastot/?language=bilingual",
        "/sv/bibliotek/",
        "/fi/kirjastot/vaasan-paakirjasto/",
    ],
)
def test_a_page_seen_again_asks_the_database_nothing(
    client, vaasa, path, django_assert_num_queries
):
    first = pages.html(client.get(path))

    with django_assert_num_queries(0):
        again = pages.html(client.get(path))

    # The same page, but for the language switch's form token, which is new on each page.
    assert pages.without_csrf(again) == pages.without_csrf(first)


def test_a_renamed_library_shows_at_once_on_the_directory_and_its_page(client, vaasa):
    assert "Vaasan pääkirjasto" in pages.html(client.get("/fi/kirjastot/"))
    assert "Vaasan pääkirjasto" in pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))

    vaasa.name_fi = "Vaasan kaupunginkirjasto"
    vaasa.save()

    assert "Vaasan kaupunginkirjasto" in pages.html(client.get("/fi/kirjastot/"))
    page = pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))
    assert "<title>Vaasan kaupunginkirjasto – Kollega</title>" in page


def test_a_new_focus_area_shows_at_once(client, vaasa):
    pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))

    vaasa.focus_areas.add(FocusAreaFactory(slug="events", name_fi="Tapahtumat"))

    assert "Tapahtumat" in pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))


def test_the_coordinators_new_contact_shows_at_once_on_the_home_page(client):
    pages.html(client.get("/fi/"))

    ContactDetails.objects.create(name="Kerttu Koordinaattori", email="kerttu@vaasa.fi")

    assert "Kerttu Koordinaattori" in pages.html(client.get("/fi/"))


def test_a_published_story_shows_at_once_and_a_withdrawn_one_goes(client, vaasa):
    feedback = VisitorFeedbackFactory(exchange__host_library=vaasa)
    page_path = "/fi/kirjastot/vaasan-paakirjasto/"
    assert feedback.story not in pages.html(client.get(page_path))

    after_visit.publish_story(feedback.pk)
    assert feedback.story in pages.html(client.get(page_path))

    after_visit.unpublish_story(feedback.pk)
    assert feedback.story not in pages.html(client.get(page_path))


def test_a_story_withdrawn_in_the_admin_goes_at_once(client, vaasa):
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    feedback = VisitorFeedbackFactory(exchange__host_library=vaasa)
    after_visit.publish_story(feedback.pk)
    page_path = "/fi/kirjastot/vaasan-paakirjasto/"
    assert feedback.story in pages.html(client.get(page_path))

    client.post(
        reverse("admin:feedback_visitorfeedback_changelist"),
        {"action": "unpublish_stories", "_selected_action": [feedback.pk]},
    )

    feedback.refresh_from_db()
    assert feedback.published_at is None
    assert feedback.story not in pages.html(client.get(page_path))


def test_each_language_and_each_filter_has_its_own_page(client, vaasa):
    LibraryFactory(name_fi="Kokkolan kirjasto", municipality__region__slug="keski-pohjanmaa")

    finnish = pages.html(client.get("/fi/kirjastot/"))
    swedish = pages.html(client.get("/sv/bibliotek/"))
    filtered = pages.html(client.get("/fi/kirjastot/?q=Vaasan"))

    assert "Vaasan pääkirjasto" in finnish and "Vasa huvudbibliotek" in swedish
    assert "Kokkolan kirjasto" in finnish and "Kokkolan kirjasto" not in filtered
    assert "Tyhjennä rajaukset" in filtered and "Tyhjennä rajaukset" not in finnish


def test_the_signed_in_header_is_drawn_for_each_reader(client, vaasa):
    anonymous = pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))
    client.force_login(StaffFactory(name="Liisa Lukija", email="liisa@vaasa.fi"))

    signed_in = pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))

    assert "Kirjaudu ulos" in signed_in and "Kirjaudu ulos" not in anonymous


def test_an_unknown_library_is_not_found_every_time(client, vaasa):
    for _ in range(2):
        assert client.get("/fi/kirjastot/ei-ole/").status_code == 404

    LibraryFactory(slug="ei-ole", name_fi="Uusi kirjasto")

    assert "Uusi kirjasto" in pages.html(
        client.get(reverse("libraries:library-detail", args=["ei-ole"]))
    )


# A page kept whole for everyone who is not signed in (web.page_cache).


def test_a_kept_pages_language_switch_works_with_its_token(vaasa):
    path = "/fi/kirjastot/vaasan-paakirjasto/"
    Client(enforce_csrf_checks=True).get(path)
    browser = Client(enforce_csrf_checks=True)
    html = pages.html(browser.get(path))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    assert token != page_cache.TOKEN_STAND_IN

    response = browser.post(
        "/i18n/setlang/",
        {"csrfmiddlewaretoken": token, "language": "sv", "next": "/sv/bibliotek/"},
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_a_new_visit_shows_at_once_in_a_kept_library_pages_month_view(client, host):
    path = reverse("libraries:library-detail", args=[host.slug])
    day = timezone.localdate() + timedelta(days=21)
    while day.weekday() > 4:
        day += timedelta(days=1)
    # The visitor and their library are there before: only the visit is new.
    visitor = StaffFactory()
    before = pages.html(client.get(path))
    assert pages.without_csrf(pages.html(client.get(path))) == pages.without_csrf(before)

    ExchangeRequestFactory(
        visitor=visitor,
        home_library=visitor.library,
        host_library=host,
        state=State.CONFIRMED,
        first_day=day,
        last_day=day,
    )

    after = pages.html(client.get(path))
    assert pages.without_csrf(after) != pages.without_csrf(before)
    assert f'data-day="{day.isoformat()}"' in after


def test_an_address_with_a_query_is_drawn_not_kept(client, vaasa, django_assert_num_queries):
    client.get("/fi/?lahde=uutiskirje")
    with django_assert_num_queries(0):
        page = pages.html(client.get("/fi/?lahde=uutiskirje"))
    # Its language switch leads to the same address in Swedish.
    assert 'value="/sv/?lahde=uutiskirje"' in page
    assert 'value="/sv/"' in pages.html(client.get("/fi/"))
