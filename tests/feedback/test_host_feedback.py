"""The host library's feedback, through the mentor's link: optional, once, after the visit."""

import pytest

from exchange import links
from exchange.models import ExchangeRequest
from feedback.models import HostFeedback
from tests.exchange import support as exchange_support
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_start")]


def _host_feedback_path(exchange, language: str = "sv") -> str:
    return url("feedback:host-feedback", language, token=links.mentor_token(exchange))


def test_the_mentors_page_offers_host_feedback_once_the_visit_is_over(client, alice, host):
    upcoming = exchange_support.confirmed_visit(alice, host)
    path = exchange_support.mentor_link(upcoming)
    assert "Ge värdbibliotekets respons" not in client.get(path).content.decode()

    ExchangeRequest.objects.filter(pk=upcoming.pk).update(state="completed")

    page = client.get(path).content.decode()
    assert "Ge värdbibliotekets respons" in page
    assert _host_feedback_path(upcoming) in page


def test_the_mentor_gives_the_host_librarys_feedback_once(client, visit):
    path = _host_feedback_path(visit)

    page = client.get(path).content.decode()
    assert "Hur gick besöket?" in page
    assert "Skulle ert bibliotek ta emot en besökare igen?" in page
    response = client.post(
        path, {"how_it_went": "Alice var nyfiken och hjälpsam.", "would_host_again": "yes"}
    )
    assert response.status_code == 302
    again = client.post(path, {"how_it_went": "Andra gången.", "would_host_again": "no"})

    feedback = HostFeedback.objects.get()
    assert (feedback.how_it_went, feedback.would_host_again) == (
        "Alice var nyfiken och hjälpsam.",
        True,
    )
    assert (feedback.author_name, feedback.author_email, feedback.language) == (
        "Maja Mentor",
        "maja.mentor@korsholm.fi",
        "sv",
    )
    assert "Tack för din respons" in again.content.decode()
    # The token in the address never travels on as a referrer.
    assert again["Referrer-Policy"] in ("no-referrer", "strict-origin")


def test_host_feedback_waits_for_the_visit_to_end(client, alice, host):
    upcoming = exchange_support.confirmed_visit(alice, host)

    response = client.post(
        _host_feedback_path(upcoming), {"how_it_went": "För tidigt.", "would_host_again": "yes"}
    )

    assert "Du kan ge respons här när besöket är över." in response.content.decode()
    assert not HostFeedback.objects.exists()


def test_a_forged_link_gets_a_clear_page_and_changes_nothing(client, visit):
    path = url("feedback:host-feedback", "sv", token="förfalskad")

    response = client.post(path, {"how_it_went": "x", "would_host_again": "yes"})

    assert response.status_code == 404
    assert "Länken fungerar inte" in response.content.decode()
    assert not HostFeedback.objects.exists()


def test_the_link_of_a_replaced_mentor_no_longer_works(client, visit):
    path = _host_feedback_path(visit)
    ExchangeRequest.objects.filter(pk=visit.pk).update(mentor_email="ny.handledare@korsholm.fi")

    response = client.post(path, {"how_it_went": "x", "would_host_again": "yes"})

    assert response.status_code == 410
    assert not HostFeedback.objects.exists()


def test_a_visitor_token_cannot_open_host_feedback(client, visit):
    from django.core import signing

    token = signing.dumps({"e": visit.pk, "m": visit.mentor_email}, salt="exchange.approval-link")

    response = client.get(url("feedback:host-feedback", "sv", token=token))

    assert response.status_code == 404
