"""A NUL character in a query string or a form is a 400, before any page or database sees it."""

import pytest

from libraries.models import SignInLink, Staff
from mail.models import Notification
from tests.pages import url

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_query_string_is_a_bad_request(client, home):
    response = client.get(url("libraries:directory") + "?q=kirja%00sto")

    assert response.status_code == 400


def test_a_nul_in_a_query_parameters_name_is_a_bad_request(client, home):
    response = client.get(url("libraries:directory") + "?q%00=kirjasto")

    assert response.status_code == 400


def test_the_refusal_is_a_page_in_the_readers_language(client, home):
    finnish = client.get(url("libraries:directory", "fi") + "?q=%00").content.decode()
    swedish = client.get(url("libraries:directory", "sv") + "?q=%00").content.decode()

    assert "<h1>Pyyntöä ei voitu lukea</h1>" in finnish
    assert "<h1>Begäran kunde inte läsas</h1>" in swedish
    assert "tarkista kirjoittamasi" in finnish


def test_a_nul_in_a_posted_field_is_a_bad_request_and_changes_nothing(client, home):
    response = client.post(url("accounts:sign-in", "fi"), {"email": "alice@seinajoki.fi\x00"})

    assert response.status_code == 400
    assert not SignInLink.objects.exists()
    assert not Notification.objects.exists()


def test_a_nul_in_the_coordinators_erase_form_is_a_bad_request(client, alice, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/fi/admin/privacy/personaldata/erase/",
        {"email": "alice@seinajoki.fi\x00", "confirm": "on"},
    )

    assert response.status_code == 400
    assert Staff.objects.get(pk=alice.pk).name == "Alice Aalto"


def test_a_request_without_nul_passes(client, home):
    assert client.get(url("libraries:directory") + "?q=kirjasto").status_code == 200
    response = client.post(url("accounts:sign-in", "fi"), {"email": "alice@seinajoki.fi"})
    assert response.status_code == 302


@pytest.mark.postgres
def test_a_nul_in_a_profile_never_reaches_postgresql(client, home, alice):
    """PostgreSQL refuses NUL in text where SQLite stores it."""
    client.force_login(alice)

    response = client.post(
        url("accounts:profile", "fi"),
        {
            "name": "Alice\x00Aalto",
            "library": home.pk,
            "job_title": "kirjastonhoitaja",
            "language": "fi",
            "supervisor_name": "Eeva Esihenkilö",
            "supervisor_email": "eeva@seinajoki.fi",
        },
    )

    assert response.status_code == 400
    assert Staff.objects.get(pk=alice.pk).name == "Alice Aalto"
