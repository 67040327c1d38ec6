import pytest

from libraries.models import (
    ContactDetails,
    FocusArea,
    Library,
    Municipality,
    Network,
    Region,
    Staff,
)
from tests import personas
from tests.factories import LibraryFactory, NetworkFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    library = LibraryFactory(network=NetworkFactory())
    library.focus_areas.add(FocusArea.objects.create(slug="music", name_fi="Musiikki"))
    StaffFactory(library=library)
    personas.coordinator_contact()
    return library


MODELS = [Region, Municipality, Network, FocusArea, Library, Staff]
# The regions and municipalities come with Kollega; the coordinator does not add new ones.
NOT_ADDED_BY_THE_COORDINATOR = {Region, Municipality}


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_and_pages_open_for_the_coordinator(coordinator_client, rows, language, model):
    base = f"/{language}/admin/libraries/{model._meta.model_name}/"
    obj = model.objects.first()

    for url in (base, f"{base}{obj.pk}/change/"):
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode()
    add = coordinator_client.get(f"{base}add/")
    if model in NOT_ADDED_BY_THE_COORDINATOR:
        assert add.status_code == 403
    else:
        assert add.status_code == 200
        assert f'<html lang="{language}"' in add.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_admin_library_page_shows_finnish_and_swedish_fields(coordinator_client, rows, language):
    html = coordinator_client.get(
        f"/{language}/admin/libraries/library/{rows.pk}/change/"
    ).content.decode()

    for field in ("name_fi", "name_sv", "description_fi", "description_sv"):
        assert f'name="{field}"' in html
    assert 'name="name"' not in html


@pytest.mark.parametrize(
    "query",
    [
        "q=Kirjasto",
        "municipality__region__id__exact={region}",
        "kind__exact=main",
        "accepts_visitors__exact=1",
        "network__id__exact={network}",
        "focus_areas__id__exact={area}",
    ],
)
def test_admin_library_list_searches_and_filters(coordinator_client, rows, query):
    other = LibraryFactory(
        name_fi="Toinen",
        kind=Library.Kind.MOBILE,
        accepts_visitors=False,
        network=None,
        municipality__region__slug="keski-pohjanmaa",
    )
    query = query.format(
        region=rows.municipality.region_id,
        network=rows.network_id,
        area=FocusArea.objects.get().pk,
    )

    response = coordinator_client.get(f"/fi/admin/libraries/library/?{query}")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/libraries/library/{rows.pk}/change/" in html
    assert f"/libraries/library/{other.pk}/change/" not in html


def test_admin_staff_list_searches_by_name_and_filters_by_region(coordinator_client, rows):
    person = Staff.objects.get(library=rows)
    elsewhere = StaffFactory(name="Muu Henkilö", library__municipality__region__slug="muu")

    by_name = coordinator_client.get(f"/sv/admin/libraries/staff/?q={person.name}").content.decode()
    by_region = coordinator_client.get(
        f"/sv/admin/libraries/staff/?library__municipality__region__id__exact={rows.municipality.region_id}"
    ).content.decode()

    for html in (by_name, by_region):
        assert person.email in html
        assert elsewhere.email not in html


def test_coordinator_adds_a_person_with_email_and_password_and_no_username(coordinator_client):
    form = coordinator_client.get("/fi/admin/libraries/staff/add/").content.decode()
    assert 'name="email"' in form
    assert 'name="username"' not in form

    response = coordinator_client.post(
        "/fi/admin/libraries/staff/add/",
        {
            "email": "Uusi.Kollega@Vaasa.fi",
            "name": "Uusi Kollega",
            "language": "sv",
            "usable_password": "true",
            "password1": "a-long-admin-password-2",
            "password2": "a-long-admin-password-2",
        },
    )

    assert response.status_code == 302
    person = Staff.objects.get(email="uusi.kollega@vaasa.fi")
    assert person.check_password("a-long-admin-password-2")
    assert person.language == "sv"


def test_coordinator_adds_a_librarian_who_signs_in_without_a_password(coordinator_client):
    response = coordinator_client.post(
        "/fi/admin/libraries/staff/add/",
        {"email": "lukija@vaasa.fi", "language": "fi", "usable_password": "false"},
    )

    assert response.status_code == 302
    assert not Staff.objects.get(email="lukija@vaasa.fi").has_usable_password()


def test_the_same_address_in_other_letters_is_refused(coordinator_client):
    StaffFactory(email="liisa@vaasa.fi", library=None)

    response = coordinator_client.post(
        "/sv/admin/libraries/staff/add/",
        {"email": "LIISA@vaasa.fi", "language": "fi", "usable_password": "false"},
    )

    assert response.status_code == 200
    assert "Det finns redan en person med den här e-postadressen." in response.content.decode()
    assert Staff.objects.filter(email__iexact="liisa@vaasa.fi").count() == 1


def test_contact_details_are_one_row_that_cannot_be_deleted(coordinator_client):
    assert coordinator_client.get("/fi/admin/libraries/contactdetails/").url == (
        "/fi/admin/libraries/contactdetails/add/"
    )
    contact = ContactDetails.objects.create(name="Kerttu Koordinaattori")

    listing = coordinator_client.get("/sv/admin/libraries/contactdetails/")
    assert listing.url == f"/sv/admin/libraries/contactdetails/{contact.pk}/change/"
    change = coordinator_client.get(listing.url)
    assert change.status_code == 200
    assert 'name="title_sv"' in change.content.decode()
    assert coordinator_client.get("/fi/admin/libraries/contactdetails/add/").status_code == 403
    assert (
        coordinator_client.get(
            f"/fi/admin/libraries/contactdetails/{contact.pk}/delete/"
        ).status_code
        == 403
    )
    assert ContactDetails.objects.count() == 1
