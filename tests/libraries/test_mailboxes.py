"""An address is a mailbox: its variants neither approve their owner's request nor sign in
anywhere but to their owner's account, and they share their owner's sign-in limit."""

import pytest
from django.utils import translation

from exchange import workflow
from exchange.models import State
from libraries.models import SignInLink, Staff
from mail.models import Notification
from tests.exchange import support
from tests.pages import link_in, url
from web.mailboxes import mailbox_key

pytestmark = pytest.mark.django_db

# Alice's own address (alice@seinajoki.fi), written another way.
ALICE_VARIANTS = [
    pytest.param("alice+boss@seinajoki.fi", id="sub-address"),
    pytest.param("Alice@Seinajoki.FI", id="case"),
    pytest.param("alice@ſeinajoki.fi", id="long-s"),
    pytest.param("alice@ｓｅｉｎａｊｏｋｉ.fi", id="fullwidth"),
]


def test_an_address_folds_to_its_mailbox():
    assert mailbox_key("demo.kalle.kirjanen+boss@kokkola.fi") == "demo.kalle.kirjanen@kokkola.fi"
    assert mailbox_key(" LIIſA@Kokkola.FI ") == "liisa@kokkola.fi"
    assert mailbox_key("ｌｉｉｓａ@kokkola.fi") == "liisa@kokkola.fi"
    assert mailbox_key("liisa.laine@kokkola.fi") != mailbox_key("liisa@kokkola.fi")


def profile(home, supervisor_email: str) -> dict:
    return {
        "name": "Alice Aalto",
        "library": home.pk,
        "job_title": "Changed",
        "language": "fi",
        "supervisor_name": "Alice Aalto",
        "supervisor_email": supervisor_email,
    }


@pytest.mark.parametrize("variant", ALICE_VARIANTS)
@pytest.mark.parametrize(
    "language, message",
    [
        ("fi", "Anna tähän esihenkilösi osoite, älä omaasi."),
        ("sv", "Ange din förmans adress här, inte din egen."),
    ],
)
def test_the_profile_refuses_ones_own_mailbox_as_the_supervisor(
    client, home, alice, variant, language, message
):
    client.force_login(alice)

    response = client.post(url("accounts:profile", language), profile(home, variant))

    assert response.status_code == 200
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert alice.supervisor_email == "eeva@seinajoki.fi"
    assert alice.job_title != "Changed"


@pytest.mark.parametrize("variant", ALICE_VARIANTS)
@pytest.mark.parametrize(
    "language, message",
    [
        ("fi", "Vierailija ei voi hyväksyä omaa hakemustaan. Anna toisen henkilön osoite."),
        ("sv", "En besökare kan inte godkänna sin egen ansökan. Ange en annan persons adress."),
    ],
)
def test_a_request_never_goes_to_the_visitor_for_approval(alice, host, variant, language, message):
    # Written past the profile form, as the admin or an older version could.
    Staff.objects.filter(pk=alice.pk).update(supervisor_email=variant)
    alice.refresh_from_db()
    exchange = support.draft(alice, host)

    with translation.override(language), pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(exchange.pk, by=alice)

    assert str(refused.value) == message
    exchange.refresh_from_db()
    assert exchange.state == State.DRAFT
    assert not exchange.approvals.exists()
    assert not Notification.objects.exists()


def test_the_coordinator_cannot_send_the_visitors_approval_to_the_visitor(alice, host, coordinator):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.change_approver(
            approval.pk, name="Alice", email="ALICE+me@seinajoki.fi", language="fi", by=coordinator
        )

    approval.refresh_from_db()
    assert approval.email == "eeva@seinajoki.fi"


def ask_for_link(client, capture, email: str):
    with capture(execute=True):
        return client.post(url("accounts:sign-in", "fi"), {"email": email})


@pytest.mark.parametrize(
    "variant", ["liiſa@seinajoki.fi", "LIISA+kollega@seinajoki.fi", "liisa@ｓｅｉｎａｊｏｋｉ.fi"]
)
def test_a_look_alike_address_signs_into_its_owners_account_by_a_link_to_the_owner(
    client, django_capture_on_commit_callbacks, home, variant
):
    liisa = Staff.objects.create_user("liisa@seinajoki.fi", name="Liisa Laine")

    ask_for_link(client, django_capture_on_commit_callbacks, variant)

    notification = Notification.objects.get(kind="sign_in")
    assert notification.recipient == "liisa@seinajoki.fi"
    assert SignInLink.objects.get().email == "liisa@seinajoki.fi"
    client.post(link_in(notification))
    assert client.session["_auth_user_id"] == str(liisa.pk)
    assert Staff.objects.count() == 1


def test_a_new_persons_variant_becomes_the_folded_account(
    client, django_capture_on_commit_callbacks, home
):
    ask_for_link(client, django_capture_on_commit_callbacks, "Liiſa+x@seinajoki.fi")

    notification = Notification.objects.get(kind="sign_in")
    assert notification.recipient == "liisa@seinajoki.fi"
    client.post(link_in(notification))
    assert list(Staff.objects.values_list("email", flat=True)) == ["liisa@seinajoki.fi"]

    # Signing in later by another variant reaches the same account, not a second one.
    client.logout()
    Notification.objects.all().delete()
    ask_for_link(client, django_capture_on_commit_callbacks, "liisa+y@seinajoki.fi")
    client.post(link_in(Notification.objects.get(kind="sign_in")))
    assert Staff.objects.count() == 1


def test_variants_of_an_address_share_its_sign_in_limit(client, home, alice, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-in-address": "2/h", "sign-in-ip": "10/h"}
    sign_in = url("accounts:sign-in", "sv")
    assert client.post(sign_in, {"email": "alice@seinajoki.fi"}).status_code == 302
    assert client.post(sign_in, {"email": "alice+1@seinajoki.fi"}).status_code == 302
    links_before = SignInLink.objects.count()

    for variant in ["alice+2@seinajoki.fi", "ALICE@ſeinajoki.fi", "alice@ｓｅｉｎａｊｏｋｉ.fi"]:
        response = client.post(sign_in, {"email": variant})
        assert response.status_code == 429, variant

    assert "För många försök" in response.content.decode()
    assert SignInLink.objects.count() == links_before
    assert client.post(sign_in, {"email": "bertil@seinajoki.fi"}).status_code == 302
