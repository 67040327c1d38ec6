import pytest

from libraries.models import ContactDetails
from tests import pages

pytestmark = pytest.mark.django_db


def test_home_page_tells_how_the_exchange_works_in_finnish(client):
    html = pages.html(client.get("/fi/"))

    assert "Työntekijävaihto kirjastojen kesken" in html
    assert "Vieraile yhdestä viiteen päivää toisessa yleisessä kirjastossa" in html
    assert "Keskustele esihenkilösi kanssa." in html
    assert "työpaikkaohjaajan" in html
    assert "yksipuolinen tai vastavuoroinen" in html
    assert "maksaa matka- ja majoituskulusi" in html
    assert "virkamatka tai koulutuspäivä" in html
    assert "Mahdollisen päivärahan maksaa työnantajasi eli oma kuntasi." in html
    assert 'href="/fi/kirjastot/"' in html
    assert 'href="/fi/kirjastot/?language=bilingual"' in html


def test_home_page_tells_how_the_exchange_works_in_swedish(client):
    html = pages.html(client.get("/sv/"))

    assert "Personalutbyte mellan bibliotek" in html
    assert "under en till fem dagar" in html
    assert "Diskutera med din förman." in html
    assert "arbetsplatshandledare" in html
    assert "ensidigt eller ömsesidigt" in html
    assert "betalar dina rese- och logikostnader" in html
    assert "tjänsteresa eller en utbildningsdag" in html
    assert "dagtraktamente" in html
    assert 'href="/sv/bibliotek/"' in html


def test_home_page_counts_the_libraries(client, shipped_libraries):
    html = pages.html(client.get("/fi/"))

    assert "100 kirjastoa" in html
    assert "40 kuntaa" in html
    assert "niistä 14 kaksikielistä" in html


def test_home_page_shows_the_contact_details_saved_in_the_admin(admin_client, client):
    # The first contact details are added by the site's administrator (a superuser): the
    # Coordinator group may change them, not add them.
    response = admin_client.post(
        "/fi/admin/libraries/contactdetails/add/",
        {
            "name": "Kerttu Koordinaattori",
            "title_fi": "Aluekoordinaattori",
            "title_sv": "Regional koordinator",
            "organisation_fi": "Vaasan kaupunginkirjasto",
            "organisation_sv": "Vasa stadsbibliotek",
            "email": "demo.kerttu.koordinaattori@vaasa.fi",
            "phone": "06 123 4567",
            "website": "https://example.fi/ake",
        },
    )
    assert response.status_code == 302

    finnish = pages.html(client.get("/fi/"))
    swedish = pages.html(client.get("/sv/"))

    for html in (finnish, swedish):
        assert "<strong>Kerttu Koordinaattori</strong>" in html
        assert 'href="mailto:demo.kerttu.koordinaattori@vaasa.fi"' in html
        # The link dials from anywhere; the page shows the number as the coordinator wrote it.
        assert '<a href="tel:+35861234567">06 123 4567</a>' in html
        assert 'href="https://example.fi/ake"' in html
    assert "Aluekoordinaattori" in finnish and "Vaasan kaupunginkirjasto" in finnish
    assert "Regional koordinator" in swedish and "Vasa stadsbibliotek" in swedish
    assert "Kysy koordinaattorilta" in finnish
    assert "Fråga koordinatorn" in swedish


def test_home_page_without_contact_details_says_they_are_coming_and_creates_nothing(client):
    html = pages.html(client.get("/fi/"))

    assert "Koordinaattorin yhteystiedot tulevat tähän pian." in html
    assert not ContactDetails.objects.exists()


def test_a_swedish_title_left_empty_shows_the_finnish_one(client):
    ContactDetails.objects.create(name="Kerttu Koordinaattori", title_fi="Aluekoordinaattori")

    assert "Aluekoordinaattori" in pages.html(client.get("/sv/"))
