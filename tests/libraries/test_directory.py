import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from libraries.models import FocusArea, Library, Municipality
from tests import pages
from tests.factories import (
    FocusAreaFactory,
    LibraryFactory,
    MunicipalityFactory,
    NetworkFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def _page_names(response) -> list[str]:
    """The library names listed on one page of the directory, in order."""
    return re.findall(
        r'<h2 class="h5 card-title mb-1"><a href="[^"]+">([^<]+)</a>', pages.html(response)
    )


def _next_page(response) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', pages.html(response))
    return response.wsgi_request.path + html.unescape(found.group(1)) if found else None


def _names(response) -> list[str]:
    """The library names the directory lists for these filters, page after page, in order."""
    names = _page_names(response)
    while (next_page := _next_page(response)) is not None:
        response = response.client.get(next_page)
        names += _page_names(response)
    return names


def _count_line(response) -> str:
    return re.search(r'id="library-count">([^<]+)<', pages.html(response)).group(1)


def test_directory_lists_the_libraries_of_all_40_municipalities(client, shipped_libraries):
    response = client.get("/fi/kirjastot/")

    names = _names(response)
    assert len(names) == 100
    assert _count_line(response) == "100 kirjastoa"
    assert "Isonkyrön kunnankirjasto" in names
    assert "Vetelin kirjasto" in names


def test_swedish_directory_shows_swedish_names_and_the_finnish_one_when_there_is_none(
    client, shipped_libraries
):
    response = client.get("/sv/bibliotek/")

    names = _names(response)
    assert "Vasa huvudbibliotek" in names
    assert "Jakobstads stadsbibliotek" in names
    assert "Vaasan pääkirjasto" not in names
    assert "Kohtaamispaikka Huudi" in names
    assert "Seinäjoen pääkirjasto, Aallon kirjasto" in names
    assert _count_line(response) == "100 bibliotek"
    # Sorted by the name shown, so Finnish-only names do not all come first.
    assert names.index("Bokbussen Rölli") < names.index("Kohtaamispaikka Huudi")
    html = pages.html(response)
    assert '<option value="pohjanmaa">Österbotten</option>' in html
    assert '<option value="mustasaari">Korsholm</option>' in html


def test_filtering_by_region_shows_only_that_regions_libraries(client, shipped_libraries):
    response = client.get("/fi/kirjastot/", {"region": "keski-pohjanmaa"})

    names = _names(response)
    expected = Library.objects.filter(municipality__region__slug="keski-pohjanmaa")
    assert len(names) == expected.count() == 16
    assert "Kokkolan kaupunginkirjasto" in names
    assert "Vaasan pääkirjasto" not in names
    assert _count_line(response) == "16 kirjastoa"


def test_filtering_by_municipality(client, shipped_libraries):
    response = client.get("/sv/bibliotek/", {"municipality": "mustasaari"})

    assert _names(response) == [
        "Björköby bibliotek",
        "Korsholms bokbuss",
        "Korsholms huvudbibliotek",
        "Kvevlax bibliotek",
        "Replot bibliotek",
        "Solf bibliotek",
    ]
    assert _count_line(response) == "6 bibliotek"


def test_filtering_by_network_crosses_region_borders(client, shipped_libraries):
    names = _names(client.get("/fi/kirjastot/", {"network": "eepos"}))

    assert len(names) == Library.objects.filter(network__slug="eepos").count() == 42
    assert "Perhon kunnankirjasto" in names  # Keski-Pohjanmaa
    assert "Laihian kunnankirjasto" in names  # Pohjanmaa
    assert "Kokkolan kaupunginkirjasto" not in names


def test_filtering_bilingual_libraries_for_language_practice(client, shipped_libraries):
    names = _names(client.get("/fi/kirjastot/", {"language": "bilingual"}))

    bilingual = Library.objects.exclude(
        municipality__language_status=Municipality.LanguageStatus.FINNISH
    )
    assert len(names) == bilingual.count()
    assert "Vaasan pääkirjasto" in names
    assert "Pietarsaaren kirjasto" in names
    assert "Alajärven pääkirjasto" not in names


def test_filtering_finnish_speaking_libraries(client, shipped_libraries):
    names = _names(client.get("/fi/kirjastot/", {"language": "fi"}))

    assert "Alajärven pääkirjasto" in names
    assert "Vaasan pääkirjasto" not in names
    bilingual = len(_names(client.get("/fi/kirjastot/", {"language": "bilingual"})))
    assert len(names) + bilingual == 100


def test_filtering_by_focus_area(client, shipped_libraries):
    music = FocusArea.objects.get(slug="music")
    Library.objects.get(slug="kokkolan-kaupunginkirjasto").focus_areas.add(music)
    Library.objects.get(slug="kaustisen-kunnankirjasto").focus_areas.add(music)

    response = client.get("/fi/kirjastot/", {"focus_area": "music"})

    assert _names(response) == ["Kaustisen kunnankirjasto", "Kokkolan kaupunginkirjasto"]
    assert _count_line(response) == "2 kirjastoa"


def test_filtering_by_kind(client, shipped_libraries):
    names = _names(client.get("/fi/kirjastot/", {"kind": "mobile"}))

    assert len(names) == 10
    assert "Kirjastoauto Rölli" in names
    assert "Vaasan pääkirjasto" not in names


def test_filters_combine(client, shipped_libraries):
    response = client.get(
        "/sv/bibliotek/", {"region": "pohjanmaa", "kind": "mobile", "language": "bilingual"}
    )

    assert _names(response) == [
        "Bokbussen Läslycka",
        "Bokbussen Rölli",
        "Korsholms bokbuss",
        "Vörå bokbuss",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aallon", "Seinäjoen pääkirjasto, Aallon kirjasto"),  # Finnish name
        ("läslycka", "Kirjastoauto Lukuonni"),  # Swedish name
        ("ähtäri", "Ähtärin kaupunginkirjasto"),  # lower-case Ä
        ("Etseri", "Ähtärin kaupunginkirjasto"),  # Swedish municipality name
        ("kristiinankaupunki lapv", "Lapväärtin kirjasto"),  # town and part of a name
    ],
)
def test_free_text_finds_libraries_by_name_municipality_or_town(
    client, shipped_libraries, text, expected
):
    names = _names(client.get("/fi/kirjastot/", {"q": text}))

    assert expected in names
    assert len(names) < 10


def test_free_text_without_matches_says_so(client, shipped_libraries):
    response = client.get("/fi/kirjastot/", {"q": "Tampere"})

    assert _names(response) == []
    assert _count_line(response) == "0 kirjastoa"
    assert "Yksikään kirjasto ei vastaa rajauksia" in pages.html(response)


def test_a_single_match_is_counted_in_the_singular(client, shipped_libraries):
    response = client.get("/fi/kirjastot/", {"q": "Halsuan"})

    assert _count_line(response) == "1 kirjasto"


@pytest.mark.parametrize(
    "params",
    [
        {"region": "lappi"},
        {"municipality": "<script>"},
        {"network": "helmet"},
        {"language": "de"},
        {"focus_area": "dragons"},
        {"kind": "castle"},
        {"q": "x" * 101},
    ],
)
def test_a_bad_filter_value_gets_a_clear_message_not_an_error(client, shipped_libraries, params):
    response = client.get("/fi/kirjastot/", params)

    html = pages.html(response)
    assert "Osaa rajauksista ei ymmärretty" in html
    assert "invalid-feedback" in html
    assert "<script>" not in html
    assert len(_names(response)) == 100


def test_a_bad_filter_value_leaves_the_good_ones_working(client, shipped_libraries):
    response = client.get("/sv/bibliotek/", {"region": "lappi", "municipality": "vaasa"})

    html = pages.html(response)
    assert "Det alternativet finns inte. Välj ett alternativ i listan." in html
    assert len(_names(response)) == Library.objects.filter(municipality__slug="vaasa").count()


def test_the_directory_shows_what_each_library_offers(client):
    library = LibraryFactory(
        name_fi="Kaksikielinen kirjasto",
        municipality__language_status=Municipality.LanguageStatus.BILINGUAL_SWEDISH,
        accepts_visitors=False,
    )
    library.focus_areas.add(FocusAreaFactory())

    html = pages.html(client.get("/fi/kirjastot/"))

    assert "kaksikielinen</span>" in html
    assert "ei ota nyt vierailijoita" in html
    assert "Lasten ja nuorten palvelut" in html


def _make_libraries(count: int) -> None:
    regions = [RegionFactory(), RegionFactory(slug="keski-pohjanmaa", name_fi="Keski-Pohjanmaa")]
    networks = [NetworkFactory(), NetworkFactory(slug="anders", name="Anders")]
    areas = [FocusAreaFactory(), FocusAreaFactory(slug="music", name_fi="Musiikki")]
    for n in range(count):
        municipality = MunicipalityFactory(region=regions[n % 2])
        library = LibraryFactory(municipality=municipality, network=networks[n % 2])
        library.focus_areas.add(*areas)


@pytest.mark.parametrize(
    "params", [{}, {"q": "Kirjasto"}, {"region": "pohjanmaa", "focus_area": "music"}]
)
def test_the_directory_makes_as_many_queries_for_100_libraries_as_for_10(
    client, django_assert_max_num_queries, params
):
    _make_libraries(10)
    with CaptureQueriesContext(connection) as ten:
        assert len(_page_names(client.get("/sv/bibliotek/", params))) in (5, 10)

    _make_libraries(90)
    with django_assert_max_num_queries(len(ten)):
        response = client.get("/sv/bibliotek/", params)
    assert _count_line(response) in ("50 bibliotek", "100 bibliotek")


# --- pages of the list ---------------------------------------------------------------------


def test_the_directory_shows_twenty_libraries_a_page_with_links_to_the_others(
    client, shipped_libraries
):
    response = client.get("/fi/kirjastot/")

    page = pages.html(response)
    assert len(_page_names(response)) == 20
    assert _count_line(response) == "100 kirjastoa"
    assert "Sivu 1/5: kirjastot 1–20" in page
    nav = re.search(r'<nav aria-label="Kirjastoluettelon sivut">(.*?)</nav>', page, re.S).group(1)
    assert re.search(r'aria-current="page" href="\?page=1"><span class="visually-hidden">Sivu', nav)
    assert 'rel="next" href="?page=2">Seuraava sivu</a>' in nav
    assert "Edellinen sivu" not in nav

    last = client.get("/fi/kirjastot/", {"page": "5"})
    assert "Sivu 5/5: kirjastot 81–100" in pages.html(last)
    assert "Seuraava sivu" not in pages.html(last)
    every_name = _names(response)
    assert len(every_name) == len(set(every_name)) == 100


def test_the_page_links_keep_the_filters(client, shipped_libraries):
    response = client.get("/sv/bibliotek/", {"network": "eepos", "language": "fi"})

    page = pages.html(response)
    assert _count_line(response) == "41 bibliotek"
    assert "Avgränsa biblioteken (2 avgränsningar valda)" in page
    assert 'href="?network=eepos&amp;language=fi&amp;page=2"' in page
    second = client.get("/sv/bibliotek/", {"network": "eepos", "language": "fi", "page": "2"})
    assert len(_page_names(second)) == 20
    assert set(_page_names(second)).isdisjoint(_page_names(response))


@pytest.mark.parametrize("asked", ["0", "-3", "toinen", "99", "9" * 5000])
def test_a_page_that_is_not_there_shows_the_nearest_one(client, shipped_libraries, asked):
    response = client.get("/fi/kirjastot/", {"page": asked})

    assert response.status_code == 200
    assert len(_page_names(response)) == 20
    # A page is no filter: nothing to clear.
    assert "Tyhjennä rajaukset" not in pages.html(response)
