"""After signing in a visitor lands on their exchanges; a sign-in asked for by a page (an
emailed link to the feedback form, say) says why, and the address is read only for words."""

from urllib.parse import urlencode

import pytest

from mail.models import Notification
from tests import pages
from tests.exchange.support import submitted
from tests.pages import link_in, url

pytestmark = pytest.mark.django_db


def _sign_in(client, capture, email: str, next_url: str = ""):
    with capture(execute=True):
        client.post(url("accounts:sign-in"), {"email": email, "next": next_url})
    return client.post(link_in(Notification.objects.filter(kind="sign_in").latest("pk")))


def test_a_person_with_exchanges_lands_on_them(
    client, django_capture_on_commit_callbacks, alice, host
):
    submitted(alice, host)

    response = _sign_in(client, django_capture_on_commit_callbacks, alice.email)

    assert response["Location"] == url("exchange:my-exchanges")


def test_a_person_without_exchanges_lands_on_the_home_page(
    client, django_capture_on_commit_callbacks, alice
):
    response = _sign_in(client, django_capture_on_commit_callbacks, alice.email)

    assert response["Location"] == url("home")


def test_a_signed_in_visitor_sent_to_the_sign_in_page_goes_to_their_exchanges(client, alice, host):
    submitted(alice, host)
    client.force_login(alice)

    assert client.get(url("accounts:sign-in"))["Location"] == url("exchange:my-exchanges")


@pytest.mark.parametrize(
    ("page", "fi", "sv"),
    [
        (
            "feedback:feedback-form",
            "Kirjaudu sisään antaaksesi palautetta vierailustasi.",
            "Logga in för att ge respons på ditt besök.",
        ),
        (
            "feedback:claim-form",
            "Kirjaudu sisään tehdäksesi vierailusi matkalaskun.",
            "Logga in för att göra reseräkningen för ditt besök.",
        ),
        (
            "exchange:request-detail",
            "Kirjaudu sisään nähdäksesi vaihtohakemuksesi.",
            "Logga in för att se din utbytesansökan.",
        ),
    ],
)
def test_an_emailed_link_that_needs_a_sign_in_says_why(client, page, fi, sv):
    for language, words in (("fi", fi), ("sv", sv)):
        # As an emailed link leads there: the page sends the reader on to sign in.
        response = client.get(url(page, language, pk=12345))
        assert response.status_code == 302
        sign_in = client.get(response["Location"])
        text = pages.text(sign_in)
        assert words in text
        assert f'name="next" value="{url(page, language, pk=12345)}"' in pages.html(sign_in)


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/fi/vaihdot/", "/fi/ei-sivua/", "javascript:alert(1)"]
)
def test_a_next_address_that_is_not_one_of_our_pages_gives_no_reason(client, next_url):
    page = client.get(url("accounts:sign-in") + "?" + urlencode({"next": next_url}))

    assert "sign-in-reason" not in pages.html(page)
    assert 'name="next" value="https:' not in pages.html(page)
