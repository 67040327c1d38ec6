"""The sign-in limits stop an attacker, not colleagues: nobody is locked out of their own
sign-in from their own computer, a link held back is said to be held back, and a whole
library behind one address signs in on a busy morning."""

import pytest
from django.test import Client

from libraries.models import Staff
from mail.models import Notification
from tests.factories import StaffFactory
from tests.pages import link_in, url

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
ALICES_COMPUTER = "198.51.100.7"
LIBRARY_ROUTER = "192.0.2.40"


def ask(client, email: str, address: str, language: str = "fi"):
    return client.post(
        url("accounts:sign-in", language), {"email": email}, REMOTE_ADDR=address, follow=True
    )


def newest_link_to(email: str) -> str:
    return link_in(Notification.objects.filter(recipient=email).latest("created_at", "pk"))


def test_asking_for_someone_elses_links_elsewhere_does_not_lock_them_out(alice):
    attacker = Client()
    answers = [ask(attacker, alice.email, ATTACKER).status_code for _ in range(12)]
    assert answers.count(429) == 2  # the attacker's own limit holds

    own = Client()
    page = ask(own, alice.email, ALICES_COMPUTER)

    assert page.status_code == 200
    # The links the attacker asked for went to Alice's own inbox: the newest signs her in.
    response = own.post(newest_link_to(alice.email), REMOTE_ADDR=ALICES_COMPUTER)
    assert response.status_code == 302
    assert own.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.parametrize(
    ("language", "held_back", "on_its_way"),
    [
        ("fi", "joten uutta linkkiä ei nyt lähetetty", "kirjautumislinkki on matkalla"),
        ("sv", "så ingen ny länk skickades nu", "är en inloggningslänk på väg"),
    ],
)
def test_a_link_held_back_is_not_claimed_to_be_on_its_way(alice, language, held_back, on_its_way):
    client = Client()
    for _ in range(5):
        page = ask(client, alice.email, ALICES_COMPUTER, language).content.decode()
        assert on_its_way in page and held_back not in page

    page = ask(client, alice.email, ALICES_COMPUTER, language).content.decode()

    assert held_back in page
    assert on_its_way not in page
    assert Notification.objects.filter(recipient=alice.email, kind="sign_in").count() == 5


def test_an_unknown_address_is_held_back_just_the_same(db):
    client = Client()
    pages = [ask(client, "nobody@example.fi", ALICES_COMPUTER).content.decode() for _ in range(6)]

    assert ["joten uutta linkkiä ei nyt lähetetty" in page for page in pages] == (
        [False] * 5 + [True]
    )
    assert not Notification.objects.exists()


def test_sixty_colleagues_behind_one_library_address_all_sign_in(alice):
    colleagues = [
        StaffFactory(email=f"kollega{number}@seinajoki.fi", library=alice.library)
        for number in range(60)
    ]

    signed_in = []
    for number, person in enumerate(colleagues):
        browser = Client()
        # A few ask twice, as people do when the first message is slow to arrive.
        for _ in range(2 if number % 6 == 0 else 1):
            assert ask(browser, person.email, LIBRARY_ROUTER).status_code == 200
        browser.post(newest_link_to(person.email), REMOTE_ADDR=LIBRARY_ROUTER)
        signed_in.append(browser.session.get("_auth_user_id"))

    assert signed_in == [str(person.pk) for person in colleagues]
    assert Staff.objects.filter(last_login__isnull=False).count() == 60
