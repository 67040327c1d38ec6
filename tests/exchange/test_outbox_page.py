"""The debug-only outbox page: every message with its links, so one browser can play each role."""

import re

import pytest
from django.conf import settings as django_settings

from mail.models import Notification
from tests.exchange.support import submitted
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture
def exchange(alice, host):
    return submitted(alice, host)


def test_the_outbox_is_not_there_when_debug_is_off(client, exchange, settings):
    settings.DEBUG = False

    response = client.get(url("mail:outbox"))

    assert response.status_code == 404
    assert exchange.notifications.first().subject not in response.content.decode()


def test_the_outbox_lists_every_message_newest_first(client, debug, exchange):
    messages = list(Notification.objects.order_by("-created_at", "-pk"))

    response = client.get(url("mail:outbox"))

    content = response.content.decode()
    assert response.status_code == 200
    positions = [content.index(m.subject) for m in messages]
    assert positions == sorted(positions)
    for message in messages:
        assert message.recipient in content
        assert message.kind in content
        assert f'<span lang="{message.language}">{message.get_language_display()}</span>' in (
            content
        )
    assert "Lähtevät viestit" in content


def test_the_links_in_the_messages_can_be_clicked(client, debug, exchange):
    decision = Notification.objects.get(kind="decision_request")

    content = client.get(url("mail:outbox")).content.decode()

    links = re.findall(r'<a href="([^"]+)"', content)
    decision_links = [link for link in links if link in decision.body_text]
    assert decision_links
    path = decision_links[0].removeprefix(django_settings.SITE_URL)
    assert client.get(path).status_code == 200


def test_the_outbox_shows_one_recipients_messages(client, debug, exchange):
    response = client.get(url("mail:outbox") + "?to=eeva@seinajoki.fi")

    shown = list(response.context["page"])
    assert shown
    assert {m.recipient for m in shown} == {"eeva@seinajoki.fi"}


@pytest.mark.parametrize("address", ["192.0.2.10", "10.0.0.5", "2001:db8::1"])
def test_the_outbox_is_not_there_for_another_computer_even_with_debug_on(
    client, debug, exchange, address
):
    response = client.get(url("mail:outbox"), REMOTE_ADDR=address)

    assert response.status_code == 404
    assert exchange.notifications.first().subject not in response.content.decode()


def test_the_outbox_answers_a_browser_on_the_same_computer_over_ipv6(client, debug, exchange):
    response = client.get(url("mail:outbox"), REMOTE_ADDR="::1")

    assert response.status_code == 200
    assert exchange.notifications.first().subject in response.content.decode()


def test_behind_a_proxy_the_outbox_goes_by_the_visitors_address(client, debug, exchange, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"

    response = client.get(url("mail:outbox"), REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.0.2.10")

    assert response.status_code == 404
