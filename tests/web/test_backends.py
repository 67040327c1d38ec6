"""A librarian signed in with an emailed link is found again on every request: the person as
saved, gone when the account is closed or removed, and an id that is no one finds no one."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation

from tests.factories import StaffFactory
from web.backends import EMAIL_LINK, EmailLinkBackend


def my_exchanges() -> str:
    with translation.override("fi"):
        return reverse("exchange:my-exchanges")


def test_the_signed_in_librarian_sees_their_own_page_as_saved(client, db):
    staff = StaffFactory(name="Aino Ahola", email="aino@kirjasto.fi")
    client.force_login(staff, backend=EMAIL_LINK)
    assert client.get(my_exchanges()).status_code == 200

    staff.name = "Aino Ahola-Berg"
    staff.save()
    found = EmailLinkBackend().get_user(client.session[SESSION_KEY])
    assert (found.pk, found.name, found.email, found.language) == (
        staff.pk,
        "Aino Ahola-Berg",
        "aino@kirjasto.fi",
        staff.language,
    )
    assert found.library == staff.library
    assert not found._state.adding


def test_a_closed_or_removed_account_is_signed_out(client, db):
    staff = StaffFactory()
    client.force_login(staff, backend=EMAIL_LINK)
    staff.is_active = False
    staff.save()
    response = client.get(my_exchanges())
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]

    other = StaffFactory()
    client.force_login(other, backend=EMAIL_LINK)
    other.delete()
    assert client.get(my_exchanges()).status_code == 302


def test_an_id_that_is_no_one_finds_no_one(db):
    assert EmailLinkBackend().get_user("not a number") is None
    assert EmailLinkBackend().get_user(10**12) is None


def test_the_person_is_read_in_one_query(client, db, django_assert_num_queries):
    staff = StaffFactory()
    backend = EmailLinkBackend()
    backend.get_user(staff.pk)
    with django_assert_num_queries(1):
        assert backend.get_user(str(staff.pk)) == staff
