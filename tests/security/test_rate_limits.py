"""Rate limits: over the limit a request gets the 429 page in its language and changes nothing."""

import pytest

from exchange import links
from exchange.models import Approval, HistoryEntry
from libraries.models import SignInLink
from mail.models import Notification
from tests.exchange import support
from tests.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Low limits, so that a test reaches them in a few requests."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "sign-in-address": "2/h",
        "sign-in-ip": "3/h",
        "sign-in-link": "2/h",
        "decision": "2/h",
        "directory": "3/h",
    }
    return settings.RATE_LIMITS


def sign_in(client, email: str, language: str = "fi", **extra):
    return client.post(url("accounts:sign-in", language), {"email": email}, **extra)


def test_sign_in_requests_for_one_address_stop_at_the_limit(client, home, limits):
    limits["sign-in-ip"] = "10/h"
    assert sign_in(client, "alice@seinajoki.fi").status_code == 302
    assert sign_in(client, "Alice@Seinajoki.fi ").status_code == 302
    links_before, messages_before = SignInLink.objects.count(), Notification.objects.count()

    response = sign_in(client, "alice@seinajoki.fi")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Liian monta yritystä" in page
    assert "Odota hetki ja yritä sitten uudelleen" in page
    assert response["Retry-After"]
    assert SignInLink.objects.count() == links_before
    assert Notification.objects.count() == messages_before
    # Another address from the same place is still welcome.
    assert sign_in(client, "bertil@seinajoki.fi").status_code == 302


def test_sign_in_requests_from_one_address_stop_at_the_limit_in_swedish(client, home, limits):
    for name in ["anna", "berit", "cecilia"]:
        assert sign_in(client, f"{name}@seinajoki.fi", "sv").status_code == 302
    links_before = SignInLink.objects.count()

    response = sign_in(client, "doris@seinajoki.fi", "sv")

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "För många försök" in page
    assert SignInLink.objects.count() == links_before
    # Someone at another address (another office) is not affected.
    assert sign_in(client, "doris@seinajoki.fi", "sv", REMOTE_ADDR="10.1.2.3").status_code == 302


def test_showing_the_sign_in_form_is_not_limited(client, home, limits):
    for _ in range(5):
        assert client.get(url("accounts:sign-in")).status_code == 200


def test_the_silent_cap_on_links_per_address_still_holds_below_the_rate_limit(
    client, home, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-in-address": "100/h"}
    for _ in range(7):
        assert sign_in(client, "alice@seinajoki.fi").status_code == 302
    assert SignInLink.objects.filter(email="alice@seinajoki.fi").count() == 5


def test_opening_sign_in_links_stops_at_the_limit(client, home, limits):
    for _ in range(2):
        client.post(url("accounts:sign-in-link", "fi", "no-such-token"))

    response = client.post(url("accounts:sign-in-link", "fi", "no-such-token"))

    assert response.status_code == 429
    assert "Liian monta yritystä" in response.content.decode()


def test_decisions_stop_at_the_limit_and_change_nothing(client, alice, host, limits):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")
    path = url("exchange:approval-link", "fi", links.approval_token(approval))
    # Two attempts without a reason: the form says what is missing.
    for _ in range(2):
        assert client.post(path, {"action": "decline"}).status_code == 400
    messages_before, history_before = Notification.objects.count(), HistoryEntry.objects.count()

    response = client.post(path, {"action": "decline", "decline-reason": "Ei nyt."})

    assert response.status_code == 429
    assert response["Referrer-Policy"] == "no-referrer"
    approval.refresh_from_db()
    assert approval.decision == Approval.Decision.PENDING
    assert Notification.objects.count() == messages_before
    assert HistoryEntry.objects.count() == history_before
    # Looking at the page is still possible.
    assert client.get(path).status_code == 200


def test_directory_searches_stop_at_the_limit(client, home, limits):
    for _ in range(3):
        assert client.get(url("libraries:directory"), {"q": "seinä"}).status_code == 200
    response = client.get(url("libraries:directory"), {"q": "seinä"})
    assert response.status_code == 429
    assert "Liian monta yritystä" in response.content.decode()


def test_behind_the_proxy_each_visitor_is_counted_by_the_forwarded_address(
    client, home, limits, settings
):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for name in ["anna", "berit", "cecilia"]:
        sign_in(client, f"{name}@seinajoki.fi", HTTP_X_REAL_IP="192.0.2.10")
    assert sign_in(client, "doris@seinajoki.fi", HTTP_X_REAL_IP="192.0.2.10").status_code == 429
    assert sign_in(client, "doris@seinajoki.fi", HTTP_X_REAL_IP="192.0.2.11").status_code == 302


def test_a_forged_address_header_falls_back_to_the_connection(client, home, limits, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for name in ["anna", "berit", "cecilia"]:
        sign_in(client, f"{name}@seinajoki.fi", HTTP_X_REAL_IP="not an address\r\nX: y")
    response = sign_in(client, "doris@seinajoki.fi", HTTP_X_REAL_IP="<script>")
    assert response.status_code == 429


def test_limits_can_be_switched_off(client, home, limits, settings):
    settings.RATELIMIT_ENABLE = False
    for name in ["anna", "berit", "cecilia", "doris", "eeva"]:
        assert sign_in(client, f"{name}@seinajoki.fi").status_code == 302
