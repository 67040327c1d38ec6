import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse

from libraries.models import FocusArea, Library
from tests import pages
from tests.factories import FocusAreaFactory, LibraryFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(host):
    """The host library with everything its page shows: a description, a network, an
    address, a website and focus areas, besides its contact, the host."""
    host.description_fi = "Tule tutustumaan kirjastoautoon."
    host.description_sv = "Kom och bekanta dig med bokbussen."
    host.network = NetworkFactory(name="Fredrika", slug="fredrika")
    host.street, host.postal_code, host.city = "Koulutie 1", "65610", "Mustasaari"
    host.website = "https://korsholm.fi/valfard/biblioteket"
    host.save()
    host.focus_areas.add(
        FocusAreaFactory(),
        FocusAreaFactory(
            slug="mobile-library-work", name_fi="Kirjastoautotyö", name_sv="Bokbussverksamhet"
        ),
    )
    return host


def test_library_page_shows_what_a_visitor_needs_to_know(client, host):
    html = pages.html(client.get("/fi/kirjastot/korsholm/"))

    assert "<h1>Mustasaaren pääkirjasto</h1>" in html
    assert 'Ruotsiksi: <span lang="sv">Korsholms huvudbibliotek</span>' in html
    assert "Pääkirjasto · Mustasaari · Pohjanmaa" in html
    assert "Koulutie 1, 65610 Mustasaari" in html
    assert "Kaksikielinen, enemmistö ruotsinkielinen" in html
    assert "Fredrika" in html
    assert 'href="https://korsholm.fi/valfard/biblioteket"' in html
    assert "Tule tutustumaan kirjastoautoon." in html
    assert "<li>Lasten ja nuorten palvelut</li>" in html
    assert "<li>Kirjastoautotyö</li>" in html
    assert "Sara Sund" in html
    assert 'href="mailto:sara.sund@korsholm.fi"' in html
    assert "Kirjasto ottaa mielellään vastaan vierailijoita muista kirjastoista." in html


def test_library_page_in_swedish(client, host):
    html = pages.html(client.get("/sv/bibliotek/korsholm/"))

    assert "<h1>Korsholms huvudbibliotek</h1>" in html
    assert 'På finska: <span lang="fi">Mustasaaren pääkirjasto</span>' in html
    assert "Huvudbibliotek · Korsholm · Österbotten" in html
    assert "Tvåspråkig, svenskspråkig majoritet" in html
    assert "Kom och bekanta dig med bokbussen." in html
    assert "<li>Bokbussverksamhet</li>" in html
    assert "<li>Tjänster för barn och unga</li>" in html


def test_apply_button_opens_the_request_form_with_this_library_as_host(client, host):
    html = pages.html(client.get("/fi/kirjastot/korsholm/"))

    try:
        request_url = reverse("exchange:request-create")
    except NoReverseMatch:
        assert "Tee vaihtohakemus" not in html
    else:
        assert f'href="{request_url}?host=korsholm"' in html
        assert "Tee vaihtohakemus" in html


def test_a_library_not_taking_visitors_has_no_apply_button(client):
    LibraryFactory(slug="suljettu", accepts_visitors=False)

    html = pages.html(client.get("/sv/bibliotek/suljettu/"))

    assert "Biblioteket tar inte emot besökare för tillfället." in html
    assert "?host=suljettu" not in html


def test_a_library_without_details_says_what_is_missing(client):
    LibraryFactory(slug="uusi", contact_name="", contact_email="", network=None)

    html = pages.html(client.get("/fi/kirjastot/uusi/"))

    assert "Kirjasto ei ole vielä kertonut osaamisalueitaan." in html
    assert "Yhteyshenkilöä ei ole vielä nimetty." in html
    assert "Ei kuulu kirjastokimppaan" in html


def test_a_mobile_library_has_no_fixed_address(client):
    LibraryFactory(slug="kirjastoauto", kind=Library.Kind.MOBILE, street="", postal_code="")

    html = pages.html(client.get("/fi/kirjastot/kirjastoauto/"))

    assert "Ei kiinteää osoitetta: kirjastoauto pysähtyy eri puolilla kuntaa." in html


def test_the_update_date_is_written_the_finnish_way_in_both_languages(client, host):
    moment = datetime(2027, 2, 3, 8, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    Library.objects.filter(pk=host.pk).update(updated_at=moment)

    assert "Tiedot päivitetty 3.2.2027" in pages.html(client.get("/fi/kirjastot/korsholm/"))
    assert "Uppgifterna uppdaterade 3.2.2027" in pages.html(client.get("/sv/bibliotek/korsholm/"))


def test_an_unknown_library_is_not_found(client):
    assert client.get("/fi/kirjastot/ei-ole/").status_code == 404


def test_switching_to_swedish_stays_on_the_same_library(client, host):
    page = pages.html(client.get("/fi/kirjastot/korsholm/"))
    assert 'name="next" value="/sv/bibliotek/korsholm/"' in page

    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/fi/kirjastot/korsholm/"})

    assert response.status_code == 302
    assert response["Location"] == "/sv/bibliotek/korsholm/"
    assert "<h1>Korsholms huvudbibliotek</h1>" in pages.html(client.get(response["Location"]))


def test_a_swedish_browser_switches_a_swedish_page_to_finnish(client, host):
    client.cookies["kollega_language"] = "sv"
    page = pages.html(client.get("/sv/bibliotek/korsholm/", HTTP_ACCEPT_LANGUAGE="sv"))
    next_url = re.search(r'name="next" value="([^"]+)"', page).group(1)

    response = client.post(
        "/i18n/setlang/", {"language": "fi", "next": next_url}, HTTP_ACCEPT_LANGUAGE="sv"
    )

    assert response["Location"] == "/fi/kirjastot/korsholm/"
    assert "<h1>Mustasaaren pääkirjasto</h1>" in pages.html(client.get(response["Location"]))


def test_switching_to_swedish_keeps_the_directory_filters(client):
    response = client.post(
        "/i18n/setlang/", {"language": "sv", "next": "/fi/kirjastot/?kind=mobile"}
    )

    assert response["Location"] == "/sv/bibliotek/?kind=mobile"


def test_focus_areas_appear_in_the_swedish_order(client, host):
    FocusArea.objects.filter(slug="children-and-youth").update(name_sv="Barn och unga")

    html = pages.html(client.get("/sv/bibliotek/korsholm/"))

    assert html.index("Barn och unga") < html.index("Bokbussverksamhet")
