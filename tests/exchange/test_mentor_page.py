import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext

from exchange import links, workflow
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import FocusAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(alice, host):
    alice.job_title = "informaatikko"
    alice.save()
    exchange = support.approved_at_home(
        alice,
        host,
        expectations="Haluan nähdä, miten bokbussen palvelee saaristoa.",
        language_practice=True,
    )
    exchange.focus_areas.add(FocusAreaFactory())
    approval = support.pending(exchange, "host")
    return workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())


@pytest.fixture
def mentor_path(visit) -> str:
    return support.mentor_link(visit)


def in_swedish(message: str) -> str:
    with translation.override("sv"):
        text = gettext(message)
    assert text != message
    return text


def test_the_mentor_sees_the_visitor_the_goals_and_the_first_day(client, mentor_path):
    response = client.get(mentor_path)

    assert response.status_code == 200
    assert mentor_path.startswith("/sv/handledare/")
    page = response.content.decode()
    for expected in [
        "Alice Aalto",
        "informaatikko",
        "alice@seinajoki.fi",
        "Seinäjoki stadsbibliotek",
        "Haluan nähdä, miten bokbussen palvelee saaristoa.",
        "Tjänster för barn och unga",
        "Personalingången, Centrumvägen 1",
        "9.00",
        "Sagostund på tisdag, bokbussen på onsdag.",
        in_swedish("Where to meet on the first day"),
    ]:
        assert expected in page
    assert "<form" not in page.split("<main", 1)[1]
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_mentor_page_is_read_only(client, visit, mentor_path):
    before = (visit.state, visit.version, Notification.objects.count())

    assert client.head(mentor_path).status_code == 200
    assert client.post(mentor_path, {"anything": "x"}).status_code == 405

    visit.refresh_from_db()
    assert (visit.state, visit.version, Notification.objects.count()) == before


def test_a_new_mentor_retires_the_old_mentors_link(client, visit, mentor_path):
    visit.mentor_email = "ny.handledare@korsholm.fi"
    visit.save()

    response = client.get(mentor_path)

    assert response.status_code == 410
    assert in_swedish("The link has been replaced") in response.content.decode()


def test_the_mentor_link_works_until_a_while_after_the_visit(client, visit, mentor_path):
    grace = timedelta(days=settings.DECISION_LINK_MAX_AGE_DAYS)

    with time_machine.travel(visit.last_day + grace - timedelta(days=1)):
        assert client.get(mentor_path).status_code == 200
    with time_machine.travel(visit.last_day + grace + timedelta(days=2)):
        response = client.get(mentor_path)

    assert response.status_code == 410
    assert in_swedish("The link has expired") in response.content.decode()


def test_the_mentor_link_of_a_cancelled_visit_says_so(client, visit, alice, mentor_path):
    workflow.cancel(visit.pk, by=alice, reason="Sairastuin.")

    response = client.get(mentor_path)

    assert response.status_code == 410
    assert in_swedish("No longer needed") in response.content.decode()
    assert "Haluan nähdä" not in response.content.decode()


def test_a_forged_mentor_link_gets_its_page(client):
    response = client.get(pages.url("exchange:mentor-link", "sv", token="eyJlIjoxfQ:forged"))

    assert response.status_code == 404
    assert in_swedish("The link does not work") in response.content.decode()


def test_the_mentors_link_does_not_carry_the_mentors_address(visit, mentor_path):
    # The emailed path's own token: one made a second later carries another timestamp.
    token = mentor_path.rstrip("/").rsplit("/", 1)[-1]
    payload = signing.loads(token, salt=links.MENTOR_SALT)
    readable = base64.urlsafe_b64decode(token.split(":")[0] + "==").decode(errors="replace")

    assert payload == signing.loads(links.mentor_token(visit), salt=links.MENTOR_SALT)
    assert visit.mentor_email not in json.dumps(payload)
    assert "korsholm" not in readable and "maja" not in readable.lower()


def test_the_mentors_link_follows_the_address_however_it_is_written(client, visit, mentor_path):
    visit.mentor_email = "  Maja.Mentor@Korsholm.FI "
    visit.save()

    assert client.get(mentor_path).status_code == 200


def test_a_link_made_for_another_mentors_address_does_not_open_the_page(client, visit):
    other = signing.dumps({"e": visit.pk, "d": "0" * 32}, salt=links.MENTOR_SALT)

    response = client.get(pages.url("exchange:mentor-link", "sv", token=other))

    assert response.status_code == 410
    assert "Alice Aalto" not in response.content.decode()


def test_an_old_link_that_carried_the_address_is_replaced(client, visit):
    old = signing.dumps({"e": visit.pk, "m": visit.mentor_email}, salt=links.MENTOR_SALT)

    response = client.get(pages.url("exchange:mentor-link", "sv", token=old))

    assert response.status_code == 410
    assert in_swedish("The link has been replaced") in response.content.decode()
    assert "Alice Aalto" not in response.content.decode()
