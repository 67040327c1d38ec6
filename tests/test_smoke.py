import pytest

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-FI,sv;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/sv/"


def test_home_page_speaks_the_language_of_its_url(client):
    response = client.get("/sv/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()


def test_the_load_benchmarks_yardstick_is_not_served_by_default(client):
    assert client.get("/bench/yardstick/").status_code == 404
