from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from libraries.decorators import profile_required
from libraries.models import Library, Staff
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def vaasa():
    municipality = MunicipalityFactory(
        name_fi="Vaasa", name_sv="Vasa", language_status="fi+sv", slug="vaasa"
    )
    main = LibraryFactory(
        name_fi="Vaasan kaupunginkirjasto",
        name_sv="Vasa stadsbibliotek",
        municipality=municipality,
        email_domains="vaasa.fi",
    )
    LibraryFactory(
        name_fi="Huutoniemen lähikirjasto",
        name_sv="Ropbackens närbibliotek",
        municipality=municipality,
        kind=Library.Kind.BRANCH,
        email_domains="vaasa.fi",
    )
    return main


@pytest.fixture
def kokkola():
    return LibraryFactory(
        name_fi="Kokkolan kaupunginkirjasto",
        name_sv="Karleby stadsbibliotek",
        email_domains="kokkola.fi",
    )


@pytest.fixture
def newcomer():
    """Signed in for the first time: only an email address and a language so far."""
    return Staff.objects.create_user("uusi@vaasa.fi", language="fi")


def details(library, **changes) -> dict:
    """The profile form filled in for a person of the library, whose supervisor is Eeva there."""
    data = {
        "name": "Ulla Uusi",
        "library": library.pk,
        "job_title": "kirjastonhoitaja",
        "language": "fi",
        "supervisor_name": "Eeva Esihenkilö",
        **changes,
    }
    if "supervisor_email" not in data:
        data["supervisor_email"] = f"eeva@{library.domain_list[0]}"
    return data


def test_profile_needs_a_signed_in_person(client):
    response = client.get(url("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"] == url("accounts:sign-in") + "?next=/fi/omat-tiedot/"


def test_home_library_is_suggested_as_the_main_library_of_the_domains_municipality(
    client, vaasa, newcomer
):
    client.force_login(newcomer)

    page = client.get(url("accounts:profile")).content.decode()

    assert f'<option value="{vaasa.pk}" selected>' in page


def test_home_library_is_suggested_when_one_library_has_the_domain(client, kokkola):
    person = Staff.objects.create_user("uusi@kokkola.fi")
    client.force_login(person)

    page = client.get(url("accounts:profile")).content.decode()

    assert f'<option value="{kokkola.pk}" selected>' in page


def test_first_profile_is_saved_and_leads_on_to_the_page_asked_for(client, vaasa, newcomer):
    client.force_login(newcomer)
    directory = url("libraries:directory")

    response = client.post(
        url("accounts:profile") + "?" + urlencode({"next": directory}),
        details(vaasa, supervisor_email="Eeva@Vaasa.fi", language="sv"),
    )

    assert response.status_code == 302
    assert response["Location"] == directory
    newcomer.refresh_from_db()
    assert newcomer.name == "Ulla Uusi"
    assert newcomer.library == vaasa
    assert newcomer.language == "sv"
    assert newcomer.supervisor_email == "eeva@vaasa.fi"
    assert newcomer.profile_complete


def test_next_to_another_host_is_ignored_after_saving(client, vaasa, newcomer):
    client.force_login(newcomer)

    response = client.post(
        url("accounts:profile"), {**details(vaasa), "next": "https://evil.example/"}
    )

    assert response["Location"] == url("home")


def test_supervisor_address_must_belong_to_the_home_librarys_domain(client, home, alice):
    client.force_login(alice)

    response = client.post(
        url("accounts:profile"),
        details(home, name="Changed", supervisor_email="eeva@gmail.com"),
    )

    assert response.status_code == 200
    assert (
        "Esihenkilösi sähköpostiosoitteen on oltava kotikirjastosi työosoite "
        "(Seinäjoen kaupunginkirjasto: @seinajoki.fi)." in response.content.decode()
    )
    alice.refresh_from_db()
    assert alice.name == "Alice Aalto"
    assert alice.supervisor_email == "eeva@seinajoki.fi"


def test_supervisor_of_another_library_is_refused(client, home, kokkola, alice):
    client.force_login(alice)

    response = client.post(
        url("accounts:profile", "sv"), details(kokkola, supervisor_email="eeva@seinajoki.fi")
    )

    assert (
        "Din förmans adress måste vara en arbetsadress vid ditt hembibliotek "
        "(Karleby stadsbibliotek: @kokkola.fi)." in response.content.decode()
    )
    alice.refresh_from_db()
    assert alice.library == home


def test_supervisor_address_must_not_be_ones_own(client, home, alice):
    client.force_login(alice)

    response = client.post(
        url("accounts:profile", "sv"),
        details(home, job_title="Changed", supervisor_email="ALICE@seinajoki.fi"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ange din förmans adress här, inte din egen." in page
    assert "Alice Aalto" in page  # the navigation still shows the saved name
    alice.refresh_from_db()
    assert alice.job_title == "kirjastovirkailija"
    assert alice.supervisor_email == "eeva@seinajoki.fi"


def test_a_library_without_known_domains_cannot_be_checked(client, alice, home_supervisor):
    unknown_domains = LibraryFactory(name_fi="Uusi kirjasto", email_domains="")
    client.force_login(alice)

    response = client.post(
        url("accounts:profile"), details(unknown_domains, supervisor_email=home_supervisor.email)
    )

    assert "Kollega ei vielä tunne kotikirjastosi" in response.content.decode()
    alice.refresh_from_db()
    assert alice.library.name == "Seinäjoen kaupunginkirjasto"


def test_required_details_are_asked_for(client, vaasa, newcomer):
    client.force_login(newcomer)

    response = client.post(url("accounts:profile"), details(vaasa, name="", supervisor_name=""))

    assert response.status_code == 200
    assert response.content.decode().count('class="invalid-feedback"') == 2
    newcomer.refresh_from_db()
    assert not newcomer.profile_complete


def test_saved_details_are_shown_with_a_message(client, home, alice):
    client.force_login(alice)

    response = client.post(url("accounts:profile"), details(home, name="Alice Aho"), follow=True)

    assert "Tietosi on tallennettu." in response.content.decode()
    alice.refresh_from_db()
    assert alice.name == "Alice Aho"


def view_for_people_with_a_profile(request):
    return HttpResponse("the page")


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (None, "/fi/kirjaudu/?next=/fi/somewhere/%3Fa%3D1"),
        ("newcomer", "/fi/omat-tiedot/?next=%2Ffi%2Fsomewhere%2F%3Fa%3D1"),
    ],
)
def test_profile_required_sends_people_to_sign_in_or_to_the_profile(
    request, person, expected, vaasa
):
    view = profile_required(view_for_people_with_a_profile)
    web_request = RequestFactory().get("/fi/somewhere/?a=1")
    web_request.user = request.getfixturevalue(person) if person else AnonymousUser()

    response = view(web_request)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_profile_required_lets_a_complete_profile_through(alice):
    view = profile_required(view_for_people_with_a_profile)
    web_request = RequestFactory().get("/fi/somewhere/")
    web_request.user = alice

    response = view(web_request)

    assert response.content == b"the page"
