"""The coordinator's admin: lockout after wrong passwords, and a one-time code in production."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mail.models import Notification
from tests import personas
from tests.pages import link_in, url
from tests.security.support import assert_strict_policy

pytestmark = pytest.mark.django_db

PASSWORD = personas.COORDINATOR_PASSWORD


def sign_in(
    client,
    password: str,
    language: str = "fi",
    username: str = personas.COORDINATOR.email,
    address: str = "",
    **fields,
):
    """Someone, the coordinator unless told, types an address and a password into the admin,
    from the computer at `address` (the test client's own unless told)."""
    data = {"username": username, "password": password, **fields}
    extra = {"REMOTE_ADDR": address} if address else {}
    return client.post(url("admin:login", language), data, **extra)


def test_the_right_password_opens_the_admin(client, coordinator):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get(url("admin:index")).status_code == 200


def test_repeated_wrong_passwords_lock_the_coordinator_out(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = sign_in(client, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in(client, "wrong-password")

    assert response.status_code == 429
    assert_strict_policy(response)
    page = response.content.decode()
    assert "Kirjautuminen on lukittu" in page
    assert "Salasana oli väärin 3 kertaa peräkkäin" in page
    assert "Yritä uudelleen 30 minuutin kuluttua" in page

    # The right password does not help while the lockout lasts.
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(url("admin:index")).status_code == 302


def test_the_lockout_speaks_swedish(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "wrong-password", "sv")

    response = sign_in(client, PASSWORD, "sv")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggningen är låst" in page
    assert "Lösenordet var fel 2 gånger i rad" in page


OWN_ADDRESS = "198.51.100.7"


def test_wrong_passwords_from_five_other_computers_do_not_lock_the_coordinator_out(
    client, coordinator, settings
):
    """Someone who knows the coordinator's public address types wrong passwords for it from
    five computers: her own computer still signs her in."""
    settings.AXES_FAILURE_LIMIT = 5
    for last in range(1, 6):
        attacker = sign_in(Client(), "wrong-password", address=f"203.0.113.{last}")
        assert attacker.status_code == 200

    response = sign_in(client, PASSWORD, address=OWN_ADDRESS)

    assert response.status_code == 302
    assert client.get(url("admin:index"), REMOTE_ADDR=OWN_ADDRESS).status_code == 200


def test_five_wrong_passwords_from_one_computer_lock_the_coordinators_address_there_only(
    client, coordinator, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    attacker = Client()
    for _ in range(5):
        sign_in(attacker, "wrong-password", address="203.0.113.9")

    assert sign_in(attacker, PASSWORD, address="203.0.113.9").status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert sign_in(client, PASSWORD, address=OWN_ADDRESS).status_code == 302


def test_guessing_many_addresses_from_one_computer_locks_that_computer_out(
    client, coordinator, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for guess in ["admin@vaasa.fi", "kirjasto@vaasa.fi", "root@vaasa.fi"]:
        sign_in(client, "wrong-password", username=guess)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client, coordinator, settings, time_machine):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "wrong-password")
    locked_at = timezone.now()
    assert sign_in(client, PASSWORD).status_code == 429

    almost = locked_at + settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    time_machine.move_to(almost)
    assert sign_in(client, PASSWORD).status_code == 429
    assert client.get(url("admin:index")).status_code == 302

    # As the lockout page says, the wait counts from the last try.
    time_machine.move_to(almost + settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert sign_in(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert client.get(url("admin:index")).status_code == 200


def test_a_successful_sign_in_forgets_earlier_mistakes(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "wrong-password")
    sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_a_librarian_signs_in_by_email_link_while_the_admin_is_locked(
    client, coordinator, alice, settings, django_capture_on_commit_callbacks
):
    """The lockout guards the admin's password form, and only it: a librarian at the same
    computer still gets her link and signs in with it."""
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(client, "wrong-password")
    # The lockout is real: even the right password is refused.
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    assert client.get(url("accounts:sign-in")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url("accounts:sign-in"), {"email": alice.email})
    assert asked.status_code == 302
    signed_in = client.post(link_in(Notification.objects.get(kind="sign_in")))

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_someone_elses_sign_in_from_the_same_computer_does_not_lift_the_lockout(
    client, coordinator, alice, settings, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accounts:sign-in"), {"email": alice.email})
    client.post(link_in(Notification.objects.get(kind="sign_in")))
    client.logout()

    assert sign_in(client, PASSWORD).status_code == 429


# Two-factor sign-in (OTP_ADMIN, on in production).


@pytest.fixture
def otp_on(settings):
    settings.OTP_ADMIN = True


@pytest.fixture
def phone(coordinator):
    """The coordinator's authenticator app."""
    return TOTPDevice.objects.create(user=coordinator, name="Puhelin", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def test_with_otp_a_password_alone_does_not_open_the_admin(client, phone, otp_on):
    response = sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert_strict_policy(response)
    page = response.content.decode()
    assert "Anna todennussovelluksesi näyttämä kertakäyttökoodi." in page
    assert "Kertakäyttökoodi" in page
    assert client.get(url("admin:index")).status_code == 302


def test_with_otp_a_session_without_the_code_is_sent_to_sign_in(client, coordinator, otp_on):
    """Signed in by email link, say: staff, but not verified by a device."""
    client.force_login(coordinator)
    response = client.get(url("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("admin:login"))


def test_with_otp_a_wrong_code_does_not_open_the_admin(client, phone, otp_on):
    right = current_code(phone)
    wrong = str((int(right) + 1) % 10**6).zfill(6)

    response = sign_in(client, PASSWORD, otp_device=phone.persistent_id, otp_token=wrong)

    assert response.status_code == 200
    assert "Kertakäyttökoodi ei ole oikein." in response.content.decode()
    assert client.get(url("admin:index")).status_code == 302


def test_with_otp_the_password_and_the_code_open_the_admin(client, phone, otp_on):
    response = sign_in(
        client, PASSWORD, otp_device=phone.persistent_id, otp_token=current_code(phone)
    )

    assert response.status_code == 302
    assert client.get(url("admin:index")).status_code == 200


def test_with_otp_a_static_token_from_the_command_line_opens_the_admin_once(
    client, coordinator, otp_on
):
    """The coordinator's first sign-in, to add the phone: `manage.py addstatictoken`."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("addstatictoken", personas.COORDINATOR.email, stdout=out)
    token = out.getvalue().strip()
    device = StaticDevice.objects.get(user=coordinator)

    response = sign_in(client, PASSWORD, otp_device=device.persistent_id, otp_token=token)
    assert response.status_code == 302
    assert client.get(url("admin:index")).status_code == 200

    client.logout()
    response = sign_in(client, PASSWORD, otp_device=device.persistent_id, otp_token=token)
    assert response.status_code == 200


def test_with_otp_a_phone_is_added_for_the_coordinator_and_shows_its_qr_code(
    client, coordinator, admin_user, otp_on
):
    """The site's administrator (a superuser) adds the coordinator's phone, and she signs in
    with it."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("addstatictoken", admin_user.email, stdout=out)
    device = StaticDevice.objects.get(user=admin_user)
    sign_in(
        client,
        "password",
        username=admin_user.email,
        otp_device=device.persistent_id,
        otp_token=out.getvalue().strip(),
    )

    response = client.post(
        reverse("admin:otp_totp_totpdevice_add"),
        {
            "user": coordinator.pk,
            "name": "Puhelin",
            "key": TOTPDevice._meta.get_field("key").default(),
            "step": 30,
            "t0": 0,
            "digits": 6,
            "tolerance": 1,
            "drift": 0,
            "throttling_failure_count": 0,
            "confirmed": "on",
        },
    )
    assert response.status_code == 302, re.findall(r"errorlist.*", response.content.decode())
    phone = TOTPDevice.objects.get(user=coordinator)
    qr = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[phone.pk]))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    client.logout()
    response = sign_in(
        client, PASSWORD, otp_device=phone.persistent_id, otp_token=current_code(phone)
    )
    assert response.status_code == 302


def test_without_otp_the_admin_signs_in_with_the_password_alone(client, coordinator, settings):
    settings.OTP_ADMIN = False
    assert sign_in(client, PASSWORD).status_code == 302
    assert client.get(url("admin:index")).status_code == 200


# The admin never opens on an emailed sign-in link.


def _signed_in_by_link(client, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accounts:sign-in"), {"email": person.email})
    link = link_in(Notification.objects.filter(kind="sign_in").latest("pk"))
    assert client.post(link).status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_staff_member_signed_in_by_link_is_asked_for_the_password(
    client, coordinator, settings, django_capture_on_commit_callbacks, language
):
    settings.OTP_ADMIN = False
    _signed_in_by_link(client, coordinator, django_capture_on_commit_callbacks)

    for name in ["admin:index", "admin:exchange_exchangerequest_changelist"]:
        response = client.get(url(name, language))
        assert response.status_code == 302
        assert response["Location"].startswith(url("admin:login", language))
    page = client.get(url("admin:login", language)).content.decode()
    assert {
        "fi": "Ylläpito kysyy lisäksi salasanasi.",
        "sv": "Administrationen ber dessutom om ditt lösenord.",
    }[language] in page

    assert sign_in(client, PASSWORD, language).status_code == 302
    assert client.get(url("admin:index", language)).status_code == 200


def test_with_otp_a_staff_member_signed_in_by_link_is_asked_for_the_password_and_the_code(
    client, phone, otp_on, django_capture_on_commit_callbacks
):
    coordinator = phone.user
    _signed_in_by_link(client, coordinator, django_capture_on_commit_callbacks)

    assert client.get(url("admin:index")).status_code == 302
    page = client.get(url("admin:login")).content.decode()
    asked = "Ylläpito kysyy lisäksi salasanasi ja todennussovelluksesi näyttämän kertakäyttökoodin."
    assert asked in page
    assert sign_in(client, PASSWORD).status_code == 200
    assert client.get(url("admin:index")).status_code == 302

    response = sign_in(
        client, PASSWORD, otp_device=phone.persistent_id, otp_token=current_code(phone)
    )
    assert response.status_code == 302
    assert client.get(url("admin:index")).status_code == 200
