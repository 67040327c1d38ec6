"""The coordinator's admin: lockout after wrong passwords, and a one-time code in production."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import personas
from tests.pages import url
from tests.security.support import assert_strict_policy

pytestmark = pytest.mark.django_db

PASSWORD = personas.COORDINATOR_PASSWORD


def sign_in(
    client,
    password: str,
    language: str = "fi",
    username: str = personas.COORDINATOR.email,
    **fields,
):
    """Someone, the coordinator unless told, types an address and a password into the admin."""
    data = {"username": username, "password": password, **fields}
    return client.post(url("admin:login", language), data)


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


def test_the_lockout_holds_from_another_address_and_speaks_swedish(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "wrong-password", "sv")

    response = client.post(
        url("admin:login", "sv"),
        {"username": personas.COORDINATOR.email, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.44",
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "Inloggningen är låst" in page
    assert "Lösenordet var fel 2 gånger i rad" in page


def test_the_lockout_ends_after_the_cool_off(client, coordinator, settings, time_machine):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 429

    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME * 1.5)

    assert sign_in(client, PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_mistakes(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "wrong-password")
    sign_in(client, "wrong-password")
    assert sign_in(client, PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_passwordless_sign_in_pages_are_not_affected_by_the_admin_lockout(
    client, coordinator, settings
):
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(client, "wrong-password")
    response = client.get(url("accounts:sign-in"))
    assert response.status_code == 200


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
    """The Coordinator group has no rights on devices: the site's administrator (a superuser)
    adds the coordinator's phone, and she signs in with it."""
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
