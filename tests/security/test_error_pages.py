"""With DEBUG off, the 403, 404 and 500 pages are the site's own, in the page's language, and
each tells what to do next; the 500 page is drawn with the database away."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests import personas
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]

HEADINGS = {
    403: {"fi": "Ei pääsyä tälle sivulle", "sv": "Ingen åtkomst till sidan"},
    404: {"fi": "Sivua ei löytynyt", "sv": "Sidan hittades inte"},
    500: {"fi": "Jokin meni vikaan", "sv": "Något gick fel"},
}


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_missing_page_is_the_sites_own_page_in_the_pages_language(client, language):
    personas.coordinator_contact()

    response = client.get(f"/{language}/no-such-page/")

    page = _page(response)
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert f"<h1>{HEADINGS[404][language]}</h1>" in page
    # What to do next: the home page, the directory, and the coordinator by name.
    assert f'href="/{language}/"' in page
    assert f'href="{url("libraries:directory", language)}"' in page
    assert personas.COORDINATOR.name in page
    assert f'href="mailto:{personas.COORDINATOR.email}"' in page


def test_a_missing_page_outside_both_languages_is_in_finnish(client):
    response = client.get("/no-such-page/")

    page = _page(response)
    assert response.status_code == 404
    assert '<html lang="fi">' in page
    assert f"<h1>{HEADINGS[404]['fi']}</h1>" in page


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_forbidden_page_is_the_sites_own_page_in_the_pages_language(client, language):
    response = client.get(f"/{language}/forbidden/")

    page = _page(response)
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page
    assert f"<h1>{HEADINGS[403][language]}</h1>" in page
    assert f'href="{url("accounts:sign-in", language)}"' in page


def _database_away(execute, sql, params, many, context):
    raise OperationalError("the database is away")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_fault_is_the_sites_own_page_drawn_with_the_database_away(language):
    client = Client(raise_request_exception=False)

    with connection.execute_wrapper(_database_away):
        response = client.get(f"/{language}/broken/")

    page = _page(response)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert f"<h1>{HEADINGS[500][language]}</h1>" in page
    assert f'href="/{language}/"' in page


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_missing_page_is_still_a_missing_page_with_the_database_away(language):
    client = Client(raise_request_exception=False)

    with connection.execute_wrapper(_database_away):
        response = client.get(f"/{language}/no-such-page/")

    page = _page(response)
    assert response.status_code == 404
    assert f"<h1>{HEADINGS[404][language]}</h1>" in page
    assert 'class="coordinator-contact' in page


def test_a_fault_page_for_a_signed_in_person_reads_no_session(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    with connection.execute_wrapper(_database_away):
        response = client.get("/sv/broken/")

    assert response.status_code == 500
    assert f"<h1>{HEADINGS[500]['sv']}</h1>" in _page(response)


def test_the_site_has_an_icon_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_every_page_links_the_icon(client):
    page = _page(client.get("/sv/"))

    assert 'rel="icon"' in page
    assert "favicon.svg" in page


@pytest.mark.parametrize(
    "page",
    [
        ("exchange:approval-link", "token"),
        ("exchange:mentor-link", "token"),
        ("accounts:sign-in-link", "token"),
    ],
)
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_link_that_does_not_work_names_the_coordinator_and_how_to_reach_them(
    client, language, page
):
    personas.coordinator_contact(phone="+358 40 123 4567")
    name, argument = page

    response = client.get(url(name, language, **{argument: "not-a-real-token"}))

    html = _page(response)
    assert response.status_code in (404, 410)
    assert f'<html lang="{language}">' in html
    assert personas.COORDINATOR.name in html
    assert f'href="mailto:{personas.COORDINATOR.email}"' in html
    assert 'href="tel:+358401234567"' in html
