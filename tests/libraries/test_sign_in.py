from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from libraries.models import SignInLink, Staff
from mail.models import Notification
from tests import personas
from tests.factories import StaffFactory
from tests.pages import link_in, url, without_csrf

pytestmark = pytest.mark.django_db


def ask_for_link(client, capture, email: str, language: str = "fi", next_url: str = ""):
    with capture(execute=True):
        return client.post(url("accounts:sign-in", language), {"email": email, "next": next_url})


def signed_in_email(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return Staff.objects.get(pk=user_id).email if user_id else None


def test_known_address_gets_one_link_in_their_own_language(
    client, django_capture_on_commit_callbacks, mailoutbox, bertil
):
    response = ask_for_link(client, django_capture_on_commit_callbacks, "bertil@korsholm.fi")

    assert response.status_code == 302
    notification = Notification.objects.get(kind="sign_in")
    assert notification.recipient == "bertil@korsholm.fi"
    assert notification.language == "sv"
    assert notification.subject == "Din inloggningslänk till Kollega"
    assert "Hej Bertil Berg!" in notification.body_text
    path = link_in(notification)
    assert path.startswith("/sv/logga-in/lank/")
    assert settings.SITE_URL + path in notification.body_html
    assert "Länken fungerar en gång och i 15 minuter." in notification.body_text

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert [parseaddr(address)[1] for address in message.to] == ["bertil@korsholm.fi"]
    assert settings.SITE_URL + path in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert settings.SITE_URL + path in html
    assert '<html lang="sv">' in html


def test_address_is_recognised_whatever_its_case(client, django_capture_on_commit_callbacks, alice):
    ask_for_link(client, django_capture_on_commit_callbacks, "  Alice@SeinaJoki.FI ")

    notification = Notification.objects.get(kind="sign_in")
    assert notification.recipient == "alice@seinajoki.fi"
    assert notification.language == "fi"
    assert notification.subject == "Kirjautumislinkkisi Kollegaan"


def test_the_database_keeps_only_a_hash_of_the_token(
    client, django_capture_on_commit_callbacks, alice
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)

    token = link_in(Notification.objects.get()).rstrip("/").rsplit("/", 1)[-1]
    link = SignInLink.objects.get()
    assert token not in link.token_hash
    assert len(link.token_hash) == 64


def test_new_person_of_a_known_domain_gets_a_link_and_becomes_staff_only_on_sign_in(
    client, django_capture_on_commit_callbacks, mailoutbox, home
):
    ask_for_link(client, django_capture_on_commit_callbacks, "cecilia@seinajoki.fi", "sv")

    notification = Notification.objects.get(kind="sign_in")
    assert notification.language == "sv"
    assert "Hej!" in notification.body_text
    assert len(mailoutbox) == 1
    assert not Staff.objects.filter(email="cecilia@seinajoki.fi").exists()

    path = link_in(notification)
    page = client.get(path)
    assert page.status_code == 200
    assert "Logga in i Kollega som cecilia@seinajoki.fi." in page.content.decode()
    assert not Staff.objects.filter(email="cecilia@seinajoki.fi").exists()

    response = client.post(path)

    cecilia = Staff.objects.get(email="cecilia@seinajoki.fi")
    assert cecilia.language == "sv"
    assert not cecilia.has_usable_password()
    assert signed_in_email(client) == "cecilia@seinajoki.fi"
    assert response.status_code == 302
    assert response["Location"] == url("accounts:profile", "sv")


def test_unknown_address_gets_the_same_answer_and_no_email(
    client, django_capture_on_commit_callbacks, mailoutbox, alice
):
    known = ask_for_link(client, django_capture_on_commit_callbacks, "alice@seinajoki.fi")
    known_page = client.get(known["Location"]).content.decode()
    Notification.objects.all().delete()
    mailoutbox.clear()

    unknown = ask_for_link(client, django_capture_on_commit_callbacks, "mallory@example.com")
    unknown_page = client.get(unknown["Location"]).content.decode()

    assert unknown["Location"] == known["Location"]
    assert "Jos osoite mallory@example.com on Kollegan tiedossa" in unknown_page
    assert without_csrf(unknown_page).replace(
        "mallory@example.com", "alice@seinajoki.fi"
    ) == without_csrf(known_page)
    assert not Notification.objects.exists()
    assert mailoutbox == []
    assert not SignInLink.objects.for_email("mallory@example.com").exists()
    assert not Staff.objects.filter(email="mallory@example.com").exists()


def test_deactivated_person_gets_no_link(client, django_capture_on_commit_callbacks, alice):
    alice.is_active = False
    alice.save()

    response = ask_for_link(client, django_capture_on_commit_callbacks, alice.email)

    assert response["Location"] == url("accounts:sign-in-sent")
    assert not Notification.objects.exists()


def test_one_address_gets_at_most_five_links_in_fifteen_minutes(
    client, django_capture_on_commit_callbacks, alice
):
    for _ in range(7):
        ask_for_link(client, django_capture_on_commit_callbacks, alice.email)

    assert Notification.objects.filter(kind="sign_in").count() == 5

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    assert Notification.objects.filter(kind="sign_in").count() == 6


def test_opening_the_link_changes_nothing_and_it_still_works(
    client, django_capture_on_commit_callbacks, alice
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    path = link_in(Notification.objects.get())

    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
        assert "Kirjaudu Kollegaan osoitteella alice@seinajoki.fi." in page.content.decode()
    assert signed_in_email(client) is None
    assert SignInLink.objects.get().used_at is None

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == url("home")
    assert signed_in_email(client) == "alice@seinajoki.fi"
    assert SignInLink.objects.get().used_at is not None


@pytest.mark.parametrize(
    ("language", "title", "explanation"),
    [
        ("fi", "Tämä kirjautumislinkki ei toimi", "Linkkiä on jo käytetty"),
        ("sv", "Den här inloggningslänken fungerar inte", "Länken har redan använts"),
    ],
)
def test_a_link_used_twice_gets_a_friendly_page_in_the_recipients_language(
    client, django_capture_on_commit_callbacks, home, language, title, explanation
):
    person = StaffFactory(email="dora@seinajoki.fi", library=home, language=language)
    ask_for_link(client, django_capture_on_commit_callbacks, person.email)
    path = link_in(Notification.objects.get())
    assert path.startswith(f"/{language}/")
    client.post(path)
    used_at = SignInLink.objects.get().used_at
    client.post(url("accounts:sign-out", language))

    for response in (client.post(path), client.get(path)):
        page = response.content.decode()
        assert response.status_code == 410
        assert f'<html lang="{language}">' in page
        assert title in page
        assert explanation in page
        assert 'value="dora@seinajoki.fi"' in page
    assert signed_in_email(client) is None
    assert SignInLink.objects.get().used_at == used_at


def test_an_expired_link_gets_a_friendly_page_and_signs_nobody_in(
    client, django_capture_on_commit_callbacks, alice
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    path = link_in(Notification.objects.get())

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        page = client.get(path)
        response = client.post(path)

    assert page.status_code == 410
    assert response.status_code == 410
    assert "Linkki on vanhentunut" in response.content.decode()
    assert signed_in_email(client) is None
    assert SignInLink.objects.get().used_at is None


def test_a_link_still_works_just_before_it_expires(
    client, django_capture_on_commit_callbacks, alice
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    path = link_in(Notification.objects.get())

    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        response = client.post(path)

    assert response.status_code == 302
    assert signed_in_email(client) == alice.email


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_gets_a_friendly_page_and_changes_nothing(
    client, django_capture_on_commit_callbacks, alice, method
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    forged = url("accounts:sign-in-link", "sv", token="x" * 43)

    response = getattr(client, method)(forged)

    page = response.content.decode()
    assert response.status_code == 404
    assert "Länken är inte giltig." in page
    assert "Be om en ny länk här:" in page
    assert signed_in_email(client) is None
    assert SignInLink.objects.get().used_at is None
    assert Staff.objects.count() == 1


def test_link_pages_are_not_cached_and_send_only_the_origin_as_referrer(
    client, django_capture_on_commit_callbacks, alice
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email)
    path = link_in(Notification.objects.get())

    responses = [
        client.get(path),
        client.post(path),
        client.get(path),
        client.get(url("accounts:sign-in-link", token="forged")),
    ]

    for response in responses:
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]


def test_signing_in_goes_on_to_the_page_asked_for(
    client, django_capture_on_commit_callbacks, alice
):
    directory = url("libraries:directory")
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email, next_url=directory)
    path = link_in(Notification.objects.get())

    response = client.post(path)

    assert response["Location"] == directory


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/fi/", "http://testserver.evil/"]
)
def test_next_to_another_host_is_ignored(
    client, django_capture_on_commit_callbacks, alice, next_url
):
    ask_for_link(client, django_capture_on_commit_callbacks, alice.email, next_url=next_url)
    # Also when written into the stored link directly.
    SignInLink.objects.update(next_url=next_url)
    path = link_in(Notification.objects.get())

    response = client.post(path)

    assert response.status_code == 302
    assert response["Location"] == url("home")


def test_first_sign_in_leads_to_the_profile_and_then_to_the_page_asked_for(
    client, django_capture_on_commit_callbacks, home
):
    directory = url("libraries:directory")
    ask_for_link(
        client, django_capture_on_commit_callbacks, "eino@seinajoki.fi", next_url=directory
    )

    response = client.post(link_in(Notification.objects.get()))

    assert response["Location"] == url("accounts:profile") + "?" + urlencode({"next": directory})
    page = client.get(response["Location"])
    assert "Tervetuloa Kollegaan! Täydennä ensin omat tietosi." in page.content.decode()


def test_sign_in_page_offers_the_email_field_in_both_languages(client):
    fi = client.get("/fi/kirjaudu/").content.decode()
    sv = client.get("/sv/logga-in/").content.decode()

    assert 'type="email"' in fi
    assert "Lähetä minulle kirjautumislinkki" in fi
    assert "Skicka mig en inloggningslänk" in sv


def test_invalid_address_is_shown_back_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    response = ask_for_link(client, django_capture_on_commit_callbacks, "not an address")

    assert response.status_code == 200
    assert 'class="invalid-feedback"' in response.content.decode()
    assert not Notification.objects.exists()


def test_sign_out_is_post_only(client, alice):
    client.force_login(alice)

    response = client.get(url("accounts:sign-out"))
    assert response.status_code == 405
    assert signed_in_email(client) == alice.email

    response = client.post(url("accounts:sign-out"), follow=True)
    assert signed_in_email(client) is None
    assert response.redirect_chain[-1][0] == url("home")
    assert "Olet kirjautunut ulos." in response.content.decode()


def test_navigation_shows_the_signed_in_person_and_a_sign_out_button(client, alice):
    signed_out = client.get(url("home")).content.decode()
    assert f'href="{url("accounts:sign-in")}"' in signed_out
    assert "Kirjaudu ulos" not in signed_out

    client.force_login(alice)
    signed_in = client.get(url("home")).content.decode()

    assert "Alice Aalto" in signed_in
    assert f'href="{url("accounts:profile")}"' in signed_in
    assert f'action="{url("accounts:sign-out")}"' in signed_in
    assert "Kirjaudu ulos" in signed_in


def test_coordinator_signs_in_to_the_admin_with_a_password(client, coordinator):
    response = client.post(
        "/fi/admin/login/?next=/fi/admin/",
        {"username": "Kerttu@Vaasa.FI", "password": personas.COORDINATOR_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get("/fi/admin/").status_code == 200


def test_a_librarian_cannot_use_the_admin(client, alice):
    client.force_login(alice)

    response = client.get("/fi/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_sign_in_once(home):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    from libraries import signin

    token = "t" * 43
    SignInLink.objects.create(
        token_hash=signin.hash_token(token), email="frida@seinajoki.fi", language="fi"
    )
    barrier = Barrier(2)

    def click():
        try:
            barrier.wait()
            return signin.consume_link(token).problem
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        problems = sorted([p.value if p else "ok" for p in pool.map(lambda _: click(), [1, 2])])

    assert problems == ["ok", "used"]
    assert Staff.objects.filter(email="frida@seinajoki.fi").count() == 1
