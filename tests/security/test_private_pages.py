"""What a browser or a proxy may keep: nothing of a signed-in person's pages nor of the pages
behind an emailed link (their refusals included); the public pages as before."""

import pytest
from django.conf import settings
from django.test import Client

from exchange import links, workflow
from tests import pages, personas
from tests.exchange import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_home(alice, host):
    return support.submitted(alice, host)


@pytest.fixture
def visit(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    return workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())


@pytest.mark.parametrize("name", ["exchange:my-exchanges", "accounts:profile", "home"])
def test_a_signed_in_persons_pages_are_kept_by_no_browser_or_proxy(client, visitor, name):
    response = client.get(pages.url(name))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", ["home", "libraries:directory", "accounts:sign-in"])
def test_the_public_pages_keep_their_caching_for_anonymous_visitors(client, home, name):
    response = client.get(pages.url(name))

    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


def test_an_anonymous_visitor_with_a_session_cookie_is_not_treated_as_signed_in(client, home):
    session = client.session
    session["anything"] = "kept"
    session.save()

    response = client.get(pages.url("libraries:directory"))

    assert settings.SESSION_COOKIE_NAME in client.cookies
    assert not response.has_header("Cache-Control")


def test_a_page_that_sets_its_own_caching_keeps_it(coordinator_client):
    response = coordinator_client.get(pages.admin_url("index"))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert response["Cache-Control"] != "private, no-store"


def assert_private(response, status: int) -> None:
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]


def test_a_decision_link_refuses_another_method_with_a_private_answer(client, awaiting_home):
    path = support.decision_link(awaiting_home, "home")

    assert_private(client.put(path), 405)
    assert_private(client.delete(path), 405)


def test_the_mentors_pages_refuse_another_method_with_a_private_answer(client, visit):
    token = links.mentor_token(visit)

    assert_private(client.post(support.mentor_link(visit), {"anything": "x"}), 405)
    assert_private(client.put(pages.url("feedback:host-feedback", "sv", token=token)), 405)


def test_a_decision_posted_without_its_csrf_token_gets_a_private_refusal(awaiting_home):
    client = Client(enforce_csrf_checks=True)

    response = client.post(support.decision_link(awaiting_home, "home"), {"action": "approve"})

    assert_private(response, 403)
    assert "<h1>Lomaketta ei voitu lähettää</h1>" in response.content.decode()
    # The address of the page posted to holds the token: it goes nowhere from here.
    assert response["Referrer-Policy"] == "no-referrer"
    awaiting_home.refresh_from_db()
    assert awaiting_home.state == "awaiting_home"


def test_the_mentors_feedback_posted_without_its_csrf_token_gets_a_private_refusal(visit):
    client = Client(enforce_csrf_checks=True)
    path = pages.url("feedback:host-feedback", "sv", token=links.mentor_token(visit))

    response = client.post(path, {"how_it_went": "Bra.", "would_host_again": "yes"})

    assert_private(response, 403)
    # A Swedish page says it in Swedish, what went wrong and what to do.
    page = response.content.decode()
    assert "<h1>Formuläret kunde inte skickas</h1>" in page
    assert "ladda om sidan och skicka formuläret på nytt" in page
