"""Libraries in both languages: the shipped data with its sources, the loader, the pages
and the libraries' addresses in each language."""

import csv
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from libraries.management.commands.load_libraries import DATA_DIR
from libraries.models import Library
from tests.factories import LibraryFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")


def _rows() -> list[dict[str, str]]:
    with (DATA_DIR / "libraries.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _bilingual_rows() -> list[dict[str, str]]:
    return [row for row in _rows() if row["language_status"] != "fi"]


def _unconfirmed() -> set[str]:
    """The libraries the data README lists as lacking a confirmed Swedish name or street."""
    section = README.split("## Not yet confirmed in Swedish", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- \*\*(.+?)\*\*", section, flags=re.MULTILINE))


def test_every_library_in_a_bilingual_municipality_is_listed_in_the_shipped_data():
    rows = _bilingual_rows()
    assert len(rows) == 52
    assert {row["municipality_sv"] for row in rows} >= {"Korsholm", "Närpes", "Vasa", "Karleby"}


def test_every_swedish_name_street_and_town_cites_its_source_or_is_listed_as_unconfirmed():
    unconfirmed = _unconfirmed()
    for row in _bilingual_rows():
        library = row["library_fi"]
        assert row["city_sv"] == row["municipality_sv"], library
        assert "town:" in row["address_sv_source"], library
        if row["library_sv"]:
            assert row["name_sv_source"], f"{library}: a Swedish name without its source"
        has_street = row["street_sv"] or row["kind"] == "mobile"
        if row["street_sv"]:
            assert "street: " in row["address_sv_source"], library
        if not (row["library_sv"] and has_street):
            assert library in unconfirmed, f"{library} lacks Swedish data and is not listed"
        else:
            assert library not in unconfirmed, f"{library} is complete but listed as lacking"


def test_no_finnish_only_library_gets_a_swedish_address():
    for row in _rows():
        if row["language_status"] == "fi":
            assert not (row["street_sv"] or row["city_sv"]), row["library_fi"]


def test_the_unconfirmed_list_names_only_libraries_of_the_data():
    names = {row["library_fi"] for row in _bilingual_rows()}
    assert _unconfirmed() and _unconfirmed() <= names


def test_the_loader_brings_in_the_swedish_name_street_town_and_website(shipped_libraries):
    jakobstad = Library.objects.get(slug_fi="pietarsaaren-kirjasto")
    assert jakobstad.slug_sv == "jakobstads-stadsbibliotek"
    with translation.override("sv"):
        assert jakobstad.name == "Jakobstads stadsbibliotek"
        assert jakobstad.address == "Runebergsgatan 12, 68600 Jakobstad"
    with translation.override("fi"):
        assert jakobstad.name == "Pietarsaaren kirjasto"
        assert jakobstad.address == "Runeberginkatu 12, 68600 Pietarsaari"

    narpes = Library.objects.get(slug_fi="narpion-paakirjasto")
    with translation.override("sv"):
        assert narpes.get_absolute_url() == "/sv/bibliotek/stadsbiblioteket-i-narpes/"
        assert narpes.website == "https://fredrika.finna.fi/OrganisationInfo/Home?lng=sv#85706"
        assert narpes.address == "Kyrkvägen 2, 64200 Närpes"
    with translation.override("fi"):
        assert narpes.website == "https://fredrika.finna.fi/OrganisationInfo/Home#85706"
        assert narpes.address == "Kirkkotie 2, 64200 Närpiö"

    korsholm = Library.objects.get(slug_fi="mustasaaren-paakirjasto")
    with translation.override("sv"):
        # No source confirms a Swedish street yet: the Finnish one stays, the town is Swedish.
        assert korsholm.address == "Koulutie 1, 65610 Korsholm"


def test_a_library_without_a_swedish_name_keeps_its_finnish_slug_in_swedish(shipped_libraries):
    huudi = Library.objects.get(slug_fi="kohtaamispaikka-huudi")
    assert huudi.slug_sv == "kohtaamispaikka-huudi"
    with translation.override("sv"):
        assert huudi.get_absolute_url() == "/sv/bibliotek/kohtaamispaikka-huudi/"


def test_a_swedish_name_the_directory_confirmed_gives_the_library_its_swedish_address(
    client, shipped_libraries
):
    sundom = Library.objects.get(slug_fi="sundomin-omatoimikirjasto")
    assert sundom.slug_sv == "sundom-meroppna-bibliotek"

    page = client.get("/sv/bibliotek/sundom-meroppna-bibliotek/")
    assert page.status_code == 200
    assert "<h1>Sundom meröppna bibliotek</h1>" in page.content.decode()
    old = client.get("/sv/bibliotek/sundomin-omatoimikirjasto/")
    assert old.status_code == 301
    assert old["Location"] == "/sv/bibliotek/sundom-meroppna-bibliotek/"


def test_karleby_city_library_shows_its_street_in_swedish(client, shipped_libraries):
    karleby = Library.objects.get(slug_fi="kokkolan-kaupunginkirjasto")
    with translation.override("sv"):
        assert karleby.address == "Storgatan 3, 67100 Karleby"
    with translation.override("fi"):
        assert karleby.address == "Isokatu 3, 67100 Kokkola"


def test_the_streets_the_municipalities_name_in_swedish_reach_the_libraries(shipped_libraries):
    expected = {
        "vaasan-paakirjasto": "Biblioteksgatan 13, 65100 Vasa",
        "sundomin-omatoimikirjasto": "Sundomvägen 13, 65410 Vasa",
        "koivulahden-kirjasto": "Slöjdvägen 3, 66530 Korsholm",
        "purmon-kirjasto": "Lillbyvägen 205, 68940 Pedersöre",
        "luodon-paakirjasto": "Videvägen 2 D, 68570 Larsmo",
        "oravaisten-kirjasto": "Öurvägen 31, 66800 Vörå",
    }
    with translation.override("sv"):
        for slug_fi, address in expected.items():
            assert Library.objects.get(slug_fi=slug_fi).address == address, slug_fi


@pytest.mark.parametrize(
    ("slug_fi", "slug_sv", "in_swedish", "in_finnish"),
    [
        (
            "kalvian-kirjasto",
            "kelvia-bibliotek",
            ("Kelviå bibliotek", "Kelviåvägen 46, 68300 Karleby"),
            ("Kälviän kirjasto", "Kälviäntie 46, 68300 Kokkola"),
        ),
        (
            "lohtajan-kirjasto",
            "lochtea-bibliotek",
            ("Lochteå bibliotek", "Skogsåkersvägen 2, 68230 Karleby"),
            ("Lohtajan kirjasto", "Metsäpellontie 2, 68230 Kokkola"),
        ),
        (
            "koivuhaan-kirjasto",
            "bjorkhagens-bibliotek",
            ("Björkhagens bibliotek", "Mårdgatan 6, 67800 Karleby"),
            ("Koivuhaan kirjasto", "Mäntynäädänkatu 6, 67800 Kokkola"),
        ),
    ],
)
def test_karleby_branches_named_by_the_city_in_swedish(
    client, shipped_libraries, slug_fi, slug_sv, in_swedish, in_finnish
):
    library = Library.objects.get(slug_fi=slug_fi)
    assert library.slug_sv == slug_sv
    for language, (name, address) in (("sv", in_swedish), ("fi", in_finnish)):
        with translation.override(language):
            assert (library.name, library.address) == (name, address)

    page = client.get(f"/sv/bibliotek/{slug_sv}/")
    assert page.status_code == 200
    assert f"<h1>{in_swedish[0]}</h1>" in page.content.decode()
    assert in_swedish[1] in page.content.decode()
    old = client.get(f"/sv/bibliotek/{slug_fi}/")
    assert old.status_code == 301
    assert old["Location"] == f"/sv/bibliotek/{slug_sv}/"


def test_karleby_mobile_library_is_named_like_the_other_bokbussar(client, shipped_libraries):
    bokbuss = Library.objects.get(slug_fi="kokkolan-kirjastoauto")
    assert bokbuss.slug_sv == "karleby-bokbuss"
    with translation.override("sv"):
        assert bokbuss.name == "Karleby bokbuss"
    with translation.override("fi"):
        assert bokbuss.name == "Kokkolan kirjastoauto"
    page = client.get("/sv/bibliotek/karleby-bokbuss/")
    assert page.status_code == 200
    assert "<h1>Karleby bokbuss</h1>" in page.content.decode()


def test_loading_again_keeps_the_swedish_details_the_coordinator_added(shipped_libraries):
    suvilahti = Library.objects.get(slug_fi="suvilahden-kirjasto")
    suvilahti.name_sv = "Sunnanvik bibliotek"
    suvilahti.save()
    korsholm = Library.objects.get(slug_fi="mustasaaren-paakirjasto")
    korsholm.name_sv = "Korsholms bibliotek"
    korsholm.street_sv = "Skolvägen 1"
    korsholm.save()
    jakobstad = Library.objects.get(slug_fi="pietarsaaren-kirjasto")
    jakobstad.street_sv = "Runebergsgatan 99"
    jakobstad.save()

    out = StringIO()
    call_command("load_libraries", stdout=out)

    suvilahti.refresh_from_db()
    assert suvilahti.name_sv == "Sunnanvik bibliotek"
    assert suvilahti.slug_sv == "sunnanvik-bibliotek"
    # The data names Korsholm's main library but not its street: the admin's street stays.
    korsholm.refresh_from_db()
    assert (korsholm.name_sv, korsholm.street_sv) == ("Korsholms huvudbibliotek", "Skolvägen 1")
    # What the shipped data does name is the data's: a second load puts it back.
    jakobstad.refresh_from_db()
    assert jakobstad.street_sv == "Runebergsgatan 12"
    call_command("load_libraries", stdout=out)
    assert "Libraries: 0 created, 0 updated, 100 unchanged" in out.getvalue().splitlines()[-1]


# --- pages ----------------------------------------------------------------------------------


def test_a_swedish_library_page_shows_the_swedish_name_street_and_town(client, shipped_libraries):
    page = client.get("/sv/bibliotek/jakobstads-stadsbibliotek/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Jakobstads stadsbibliotek</h1>" in html
    assert "Runebergsgatan 12, 68600 Jakobstad" in html
    assert "Runeberginkatu" not in html
    finnish = client.get("/fi/kirjastot/pietarsaaren-kirjasto/").content.decode()
    assert "Runeberginkatu 12, 68600 Pietarsaari" in finnish


def test_the_finnish_slug_under_sv_redirects_permanently_to_the_swedish_one(client):
    LibraryFactory(
        name_fi="Närpiön pääkirjasto",
        name_sv="Stadsbiblioteket i Närpes",
        slug_fi="narpion-paakirjasto",
        slug_sv="stadsbiblioteket-i-narpes",
    )

    old = client.get("/sv/bibliotek/narpion-paakirjasto/")
    assert old.status_code == 301
    assert old["Location"] == "/sv/bibliotek/stadsbiblioteket-i-narpes/"
    swedish_under_fi = client.get("/fi/kirjastot/stadsbiblioteket-i-narpes/")
    assert swedish_under_fi.status_code == 301
    assert swedish_under_fi["Location"] == "/fi/kirjastot/narpion-paakirjasto/"
    assert client.get("/sv/bibliotek/stadsbiblioteket-i-narpes/").status_code == 200
    assert client.get("/fi/kirjastot/narpion-paakirjasto/").status_code == 200
    assert client.get("/sv/bibliotek/narpes/").status_code == 404


def test_the_language_switch_leads_to_the_library_under_its_swedish_slug(client):
    LibraryFactory(
        name_fi="Närpiön pääkirjasto",
        name_sv="Stadsbiblioteket i Närpes",
        slug_fi="narpion-paakirjasto",
        slug_sv="stadsbiblioteket-i-narpes",
    )
    response = client.post(
        reverse("set_language"),
        {"language": "sv", "next": "/fi/kirjastot/narpion-paakirjasto/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/sv/bibliotek/stadsbiblioteket-i-narpes/"
    assert response.status_code == 200


def test_the_directory_links_each_library_under_the_slug_of_the_page_language(client):
    LibraryFactory(
        name_fi="Närpiön pääkirjasto",
        name_sv="Stadsbiblioteket i Närpes",
        slug_fi="narpion-paakirjasto",
        slug_sv="stadsbiblioteket-i-narpes",
    )
    assert (
        'href="/sv/bibliotek/stadsbiblioteket-i-narpes/"'
        in client.get("/sv/bibliotek/").content.decode()
    )
    assert (
        'href="/fi/kirjastot/narpion-paakirjasto/"' in client.get("/fi/kirjastot/").content.decode()
    )


# --- order ----------------------------------------------------------------------------------


def _names_in_directory(client, path: str) -> list[str]:
    html = client.get(path).content.decode()
    return re.findall(r'<h2 class="h5 card-title mb-1"><a href="[^"]+">([^<]+)</a>', html)


def test_the_directory_sorts_by_the_name_shown_in_each_language(client):
    municipality = MunicipalityFactory(name_fi="Närpiö", name_sv="Närpes")
    for name_fi, name_sv in [
        ("Ylimarkun kirjasto", "Övermark bibliotek"),
        ("Pirttikylän kirjasto", "Pörtom bibliotek"),
        ("Närpiön pääkirjasto", "Stadsbiblioteket i Närpes"),
        ("Ähtärin kaupunginkirjasto", None),
        ("Alavuden kaupunginkirjasto", None),
    ]:
        LibraryFactory(name_fi=name_fi, name_sv=name_sv, municipality=municipality)

    assert _names_in_directory(client, "/sv/bibliotek/") == [
        "Alavuden kaupunginkirjasto",
        "Pörtom bibliotek",
        "Stadsbiblioteket i Närpes",
        "Ähtärin kaupunginkirjasto",
        "Övermark bibliotek",
    ]
    assert _names_in_directory(client, "/fi/kirjastot/") == [
        "Alavuden kaupunginkirjasto",
        "Närpiön pääkirjasto",
        "Pirttikylän kirjasto",
        "Ylimarkun kirjasto",
        "Ähtärin kaupunginkirjasto",
    ]
