"""Distances between libraries: the centres of their municipalities, with sources, and the
great-circle distance between them, as the directory and the library pages say it."""

import csv
import math
import re

import pytest
from django.utils import translation

from libraries import distance
from libraries.management.commands.load_libraries import DATA_DIR
from libraries.models import Library, Municipality
from tests import pages
from tests.factories import LibraryFactory, MunicipalityFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _centre(slug: str) -> Municipality:
    return Municipality.objects.get(slug=slug)


def _reference_km(a: Municipality, b: Municipality) -> float:
    """The great-circle distance computed here independently (spherical law of cosines)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a.centre, *b.centre))
    angle = math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    )
    return 6371.0 * angle


def test_every_municipality_of_the_libraries_has_a_centre_with_its_source(shipped_libraries):
    municipalities = Municipality.objects.all()

    assert municipalities.count() == 40
    for municipality in municipalities:
        assert municipality.centre is not None, municipality
        lat, lon = municipality.centre
        # The three regions lie between these parallels and meridians.
        assert 62.0 < lat < 64.2 and 20.9 < lon < 25.0, municipality
        assert "Wikipedia" in municipality.coordinates_source, municipality


def test_the_shipped_file_cites_a_source_for_each_centre():
    with (DATA_DIR / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    assert len(rows) == 40
    for row in rows:
        # The source names the page and the coordinates as it gives them.
        assert re.search(r"Wikipedia \(\w\w\), .+: \d+°", row["source"]), row


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("vaasa", "kokkola", 100, 120),  # about 110 km
        ("seinajoki", "vaasa", 65, 80),  # about 70–75 km
        ("kristiinankaupunki", "kokkola", 180, 200),
    ],
)
def test_known_pairs_are_as_far_apart_as_on_the_map(shipped_libraries, a, b, low, high):
    gap = distance.between(_centre(a), _centre(b))
    reference = _reference_km(_centre(a), _centre(b))

    assert low <= gap.km <= high
    assert gap.km == pytest.approx(reference, rel=0.10)
    assert not gap.same_municipality


def test_vaasa_and_mustasaari_are_under_15_km_apart(shipped_libraries):
    gap = distance.between(_centre("vaasa"), _centre("mustasaari"))

    assert gap.km < 15
    assert gap.km == pytest.approx(_reference_km(_centre("vaasa"), _centre("mustasaari")), 0.1)
    with translation.override("fi"):
        assert gap.short == "noin 3 km"


def test_distance_is_the_same_both_ways(shipped_libraries):
    there = distance.between(_centre("kauhajoki"), _centre("kannus"))
    back = distance.between(_centre("kannus"), _centre("kauhajoki"))

    assert there.km == pytest.approx(back.km)


def test_the_same_municipality_is_said_so_and_gets_no_car_estimate(shipped_libraries):
    gap = distance.between(_centre("vaasa"), _centre("vaasa"))

    assert gap.same_municipality
    assert gap.car_km_there_and_back is None
    with translation.override("fi"):
        assert gap.short == "sama kunta"
        assert gap.from_your_library == "Samassa kunnassa kuin oma kirjastosi"
    with translation.override("sv"):
        assert gap.short == "samma kommun"
        assert gap.from_your_library == "I samma kommun som ditt eget bibliotek"


@pytest.mark.parametrize(
    ("km", "said"),
    [(3.4, 3), (17.6, 18), (70.8, 70), (73.0, 75), (111.3, 110), (186.0, 190)],
)
def test_distances_are_rounded_as_people_say_them(km, said):
    gap = distance.Distance(km, same_municipality=False)

    assert gap.rounded_km == said
    with translation.override("sv"):
        assert gap.short == f"cirka {said} km"


def test_the_car_estimate_is_there_and_back_with_a_quarter_added_for_the_road():
    gap = distance.Distance(70.8, same_municipality=False)

    # 70.8 km × 2 × 1.25 = 177 km, to the nearest 5 km.
    assert gap.car_km_there_and_back == 175


def test_a_municipality_without_a_centre_has_no_distance():
    known = MunicipalityFactory(latitude="63.1", longitude="21.6")
    unknown = MunicipalityFactory()

    assert distance.between(known, unknown) is None
    assert distance.between(None, known) is None


def test_loading_again_keeps_the_centres_and_changes_nothing(shipped_libraries):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_libraries", stdout=out)

    assert "Municipalities: 0 created, 0 updated, 40 unchanged" in out.getvalue()
    assert _centre("vaasa").centre == (63.1, 21.6167)


# --- on the pages --------------------------------------------------------------------------


@pytest.fixture
def vaasa_librarian(client, shipped_libraries):
    """A librarian of Vaasa's main library, signed in."""
    person = StaffFactory(library=Library.objects.get(slug="vaasan-paakirjasto"))
    client.force_login(person)
    return person


def _every_page(client, path: str, params: dict | None = None) -> str:
    """The directory's pages for these filters, one after the other, as one HTML text."""
    params = dict(params or {})
    html, number = "", 1
    while True:
        page = pages.html(client.get(path, {**params, "page": number}))
        html += page
        if 'rel="next"' not in page:
            return html
        number += 1


def _card(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</li>", start)]


def test_a_signed_in_librarian_sees_how_far_each_library_is(client, vaasa_librarian):
    html = _every_page(client, "/fi/kirjastot/")

    assert "Noin 110 km kotikirjastostasi" in _card(html, "Kokkolan kaupunginkirjasto")
    assert "Samassa kunnassa kuin oma kirjastosi" in _card(html, "Variskan kirjasto")
    assert "Noin 3 km kotikirjastostasi" in _card(html, "Mustasaaren pääkirjasto")


def test_the_directory_shows_no_distance_to_a_visitor_who_is_not_signed_in(
    client, shipped_libraries
):
    html = pages.html(client.get("/fi/kirjastot/"))

    assert "kotikirjastostasi" not in html
    assert 'name="sort"' not in html


def test_the_directory_can_be_sorted_nearest_first(client, vaasa_librarian):
    html = _every_page(client, "/sv/bibliotek/", {"sort": "distance"})
    names = re.findall(r'<h2 class="h5 card-title mb-1"><a href="[^"]+">([^<]+)</a>', html)

    assert len(names) == 100
    # Vasa's own libraries first, then Korsholm's, the neighbour three kilometres away.
    vaasa = Library.objects.filter(municipality__slug="vaasa").count()
    korsholm = Library.objects.filter(municipality__slug="mustasaari").count()
    assert "Vasa huvudbibliotek" in names[:vaasa]
    assert "Korsholms huvudbibliotek" in names[vaasa : vaasa + korsholm]
    # Karleby is about 110 km away: further down, after the nearer neighbours.
    assert names.index("Karleby stadsbibliotek") > names.index("Laihian kunnankirjasto")


def test_the_library_page_says_how_far_it_is_in_swedish(client, vaasa_librarian):
    html = pages.html(client.get("/sv/bibliotek/karleby-stadsbibliotek/"))

    assert "Cirka 110 km från ditt bibliotek" in html


def test_the_library_page_shows_no_distance_to_someone_without_a_home_library(client):
    library = LibraryFactory(municipality=MunicipalityFactory(latitude="63.1", longitude="21.6"))

    html = pages.html(client.get(f"/fi/kirjastot/{library.slug}/"))

    assert "kotikirjastostasi" not in html


def test_each_reader_gets_the_distances_from_their_own_library(client, shipped_libraries):
    vaasa = StaffFactory(library=Library.objects.get(slug="vaasan-paakirjasto"))
    kokkola = StaffFactory(library=Library.objects.get(slug="kokkolan-kaupunginkirjasto"))

    client.force_login(vaasa)
    first = pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))
    client.force_login(kokkola)
    second = pages.html(client.get("/fi/kirjastot/vaasan-paakirjasto/"))

    assert "Samassa kunnassa kuin oma kirjastosi" in first
    assert "Noin 110 km kotikirjastostasi" in second


@pytest.mark.parametrize("count", [10, 100])
def test_the_sorted_directory_takes_the_same_queries_however_many_libraries(
    client, count, django_assert_max_num_queries
):
    home = LibraryFactory(municipality=MunicipalityFactory(latitude="63.1", longitude="21.6"))
    for n in range(count):
        LibraryFactory(
            municipality=MunicipalityFactory(latitude=f"{62 + n / 100:.4f}", longitude="22.5")
        )
    client.force_login(StaffFactory(library=home))

    with django_assert_max_num_queries(12):
        response = client.get("/fi/kirjastot/", {"sort": "distance"})

    assert response.status_code == 200
    # Twenty libraries a page: the librarian's own first, then the nearest with a distance.
    assert pages.html(response).count("kotikirjastostasi") == min(count, 19)


def test_the_coordinator_sees_a_centre_and_its_source_in_the_admin(admin_client, shipped_libraries):
    vaasa = _centre("vaasa")

    html = pages.html(admin_client.get(pages.admin_url("libraries_municipality_change", vaasa.pk)))

    assert 'name="latitude" value="63.1000"' in html
    assert "Wikipedia (en), Vaasa: 63°06′N 21°37′E" in html
