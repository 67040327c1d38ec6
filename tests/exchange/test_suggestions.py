"""Suggested hosts: libraries ranked for a librarian by shared interests, the language they
wish to practise, distance and whether anyone from their library has been there, each with
its reasons in words."""

import re
from datetime import date

import pytest

from exchange import suggestions
from exchange.models import State
from libraries.models import ClosedPeriod, Municipality
from tests import pages
from tests.factories import (
    ExchangeRequestFactory,
    FocusAreaFactory,
    LibraryFactory,
    MunicipalityFactory,
    StaffFactory,
)
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# Monday 11 January 2027 (frozen_today): from the 12th on, 91 days hold 65 weekdays, Good
# Friday and Easter Monday among them, so a library hosting on weekdays has 63 free days.
FREE_FI = "63 vapaata päivää seuraavan kolmen kuukauden aikana"
FREE_SV = "63 lediga dagar de närmaste tre månaderna"
NOT_VISITED_FI = "kukaan kotikirjastostasi ei ole vielä käynyt siellä"

Status = Municipality.LanguageStatus


def _place(name_fi, name_sv, lat, lon, status=Status.FINNISH) -> Municipality:
    """A municipality with its centre as libraries/data/municipalities.csv gives it."""
    return MunicipalityFactory(
        name_fi=name_fi, name_sv=name_sv, latitude=lat, longitude=lon, language_status=status
    )


@pytest.fixture
def areas():
    return {
        "music": FocusAreaFactory(slug="music", name_fi="Musiikki", name_sv="Musik"),
        "children": FocusAreaFactory(slug="children-and-youth"),
        "events": FocusAreaFactory(slug="events", name_fi="Tapahtumat", name_sv="Evenemang"),
        "makerspace": FocusAreaFactory(slug="makerspace", name_fi="Paja", name_sv="Verkstad"),
    }


@pytest.fixture
def region(home, host, areas):
    """Around Alice's library in Seinäjoki: libraries at known distances, offering known areas.

    Korsholm (the host persona) is Swedish-speaking, 69 km away; Vaasa bilingual, 71 km;
    Lapua Finnish-speaking, 22 km; Kokkola bilingual, 117 km; Ilmajoki 15 km; Nurmo is a
    branch in Seinäjoki itself; Kauhava takes no visitors now.
    """
    host.focus_areas.add(areas["music"], areas["children"])
    vaasa = LibraryFactory(
        name_fi="Vaasan kirjasto",
        name_sv="Vasa bibliotek",
        municipality=_place("Vaasa", "Vasa", "63.1000", "21.6167", Status.BILINGUAL_FINNISH),
    )
    vaasa.focus_areas.add(areas["music"], areas["children"], areas["events"])
    lapua = LibraryFactory(
        name_fi="Lapuan kirjasto",
        name_sv="Lappo bibliotek",
        municipality=_place("Lapua", "Lappo", "62.9700", "23.0083"),
    )
    lapua.focus_areas.add(areas["events"], areas["makerspace"])
    LibraryFactory(
        name_fi="Kokkolan kirjasto",
        name_sv="Karleby bibliotek",
        municipality=_place("Kokkola", "Karleby", "63.8367", "23.1333", Status.BILINGUAL_FINNISH),
    )
    LibraryFactory(
        name_fi="Ilmajoen kirjasto",
        name_sv="Ilmola bibliotek",
        municipality=_place("Ilmajoki", "Ilmola", "62.7333", "22.5833"),
    )
    LibraryFactory(name_fi="Nurmon kirjasto", name_sv="", municipality=home.municipality)
    LibraryFactory(
        name_fi="Kauhavan kirjasto",
        municipality=_place("Kauhava", "Kauhava", "63.1000", "23.0667"),
        accepts_visitors=False,
    )
    return {"vaasa": vaasa, "lapua": lapua}


@pytest.fixture
def swedish_learner(visitor, areas, region):
    """Alice, signed in, who wants to learn music, children's services and events, and to
    practise Swedish; a colleague of hers has visited Lapua."""
    visitor.interests.add(areas["music"], areas["children"], areas["events"])
    visitor.language_wish = "sv"
    visitor.save()
    colleague = StaffFactory(library=visitor.library)
    ExchangeRequestFactory(visitor=colleague, host_library=region["lapua"], state=State.CLOSED)
    return visitor


def _ranked(person) -> list[tuple[str, int, str]]:
    return [(str(s.library.name), s.points, s.why) for s in suggestions.for_librarian(person)]


def test_a_finnish_speaker_practising_swedish_gets_the_ranking_with_its_reasons(swedish_learner):
    ranked = _ranked(swedish_learner)

    assert ranked == [
        (
            "Vaasan kirjasto",
            16,
            f"3 kiinnostuksen kohteistasi · kaksikielinen · noin 70 km · {FREE_FI} · "
            f"{NOT_VISITED_FI}",
        ),
        (
            "Mustasaaren pääkirjasto",
            15,
            f"2 kiinnostuksen kohteistasi · ruotsinkielinen · noin 70 km · {FREE_FI} · "
            f"{NOT_VISITED_FI}",
        ),
        ("Lapuan kirjasto", 7, f"1 kiinnostuksen kohteistasi · noin 20 km · {FREE_FI}"),
        # Equal points: by name.
        ("Ilmajoen kirjasto", 6, f"noin 15 km · {FREE_FI} · {NOT_VISITED_FI}"),
        ("Kokkolan kirjasto", 6, f"kaksikielinen · noin 120 km · {FREE_FI} · {NOT_VISITED_FI}"),
        ("Nurmon kirjasto", 6, f"sama kunta · {FREE_FI} · {NOT_VISITED_FI}"),
    ]


def test_the_reasons_are_in_swedish_on_a_swedish_page(swedish_learner, settings):
    from django.utils import translation

    with translation.override("sv"):
        ranked = _ranked(swedish_learner)

    assert ranked[0] == (
        "Vasa bibliotek",
        16,
        f"3 av dina intressen · tvåspråkigt · cirka 70 km · {FREE_SV} · "
        "ingen från ditt bibliotek har besökt det ännu",
    )
    assert ranked[1][2] == (
        f"2 av dina intressen · svenskspråkigt · cirka 70 km · {FREE_SV} · "
        "ingen från ditt bibliotek har besökt det ännu"
    )
    assert ranked[-1][2] == (
        f"samma kommun · {FREE_SV} · ingen från ditt bibliotek har besökt det ännu"
    )


def test_a_swedish_speaker_practising_finnish_gets_finnish_speaking_libraries_first(region, areas):
    korsholm_librarian = StaffFactory(
        library=LibraryFactory(
            municipality=Municipality.objects.get(name_fi="Mustasaari"), name_fi="Sulvan kirjasto"
        ),
        language="sv",
        language_wish="fi",
    )

    ranked = _ranked(korsholm_librarian)

    # Finnish-speaking and Finnish-majority libraries get the language's points, and are said
    # to be so; Korsholm's own main library, Swedish-speaking, gets fewer.
    by_name = {name: (points, why) for name, points, why in ranked}
    assert by_name["Lapuan kirjasto"][1].startswith("suomenkielinen · ")
    assert by_name["Vaasan kirjasto"][1].startswith("kaksikielinen · noin 3 km")
    assert by_name["Mustasaaren pääkirjasto"][1].startswith("ruotsinkielinen · sama kunta")
    # Language, near, free days, not yet visited.
    assert by_name["Vaasan kirjasto"][0] == 4 + 2 + 2 + 2
    assert by_name["Mustasaaren pääkirjasto"][0] == 2 + 2 + 2 + 2


def test_the_same_data_always_gives_the_same_order(swedish_learner):
    assert _ranked(swedish_learner) == _ranked(swedish_learner)


def test_no_wish_and_no_interests_rank_by_distance_and_novelty_only(visitor, region):
    ranked = _ranked(visitor)

    names = [name for name, _points, _why in ranked]
    assert names[:3] == ["Ilmajoen kirjasto", "Lapuan kirjasto", "Nurmon kirjasto"]
    assert "Kauhavan kirjasto" not in names
    assert "Seinäjoen kaupunginkirjasto" not in names
    assert all("kiinnostuksen" not in why for _name, _points, why in ranked)


def test_a_confirmed_visit_from_ones_library_counts_as_visited(swedish_learner, region):
    colleague = StaffFactory(library=swedish_learner.library)
    ExchangeRequestFactory(visitor=colleague, host_library=region["vaasa"], state=State.CONFIRMED)
    # A declined or cancelled request does not.
    ExchangeRequestFactory(
        visitor=colleague,
        host_library=region["vaasa"].__class__.objects.get(name_fi="Ilmajoen kirjasto"),
        state=State.DECLINED,
    )

    ranked = dict((name, why) for name, _points, why in _ranked(swedish_learner))

    assert "käynyt" not in ranked["Vaasan kirjasto"]
    assert "käynyt" in ranked["Ilmajoen kirjasto"]


def test_a_library_with_no_free_day_ahead_is_not_suggested_and_few_free_days_weigh_less(
    visitor, region
):
    lapua = region["lapua"]
    # Closed for the whole three months.
    ClosedPeriod.objects.create(
        library=lapua,
        reason=ClosedPeriod.Reason.RENOVATION,
        first_day=date(2027, 1, 1),
        last_day=date(2027, 6, 30),
    )
    # Vaasa hosts only on Fridays, and not on Good Friday: 12 free days.
    region["vaasa"].host_weekdays = "5"
    region["vaasa"].save()

    ranked = {name: (points, why) for name, points, why in _ranked(visitor)}

    assert "Lapuan kirjasto" not in ranked
    points, why = ranked["Vaasan kirjasto"]
    assert "12 vapaata päivää seuraavan kolmen kuukauden aikana" in why
    assert points == 1 + 1 + 2  # within reach, some free days, not yet visited


def test_a_request_waiting_for_its_host_takes_its_days(visitor, region):
    other = StaffFactory()
    ExchangeRequestFactory(
        visitor=other,
        host_library=region["lapua"],
        state=State.AWAITING_HOST,
        first_day=date(2027, 2, 1),
        last_day=date(2027, 2, 5),
    )

    ranked = {name: why for name, _points, why in _ranked(visitor)}

    assert "58 vapaata päivää" in ranked["Lapuan kirjasto"]


# --- the page -------------------------------------------------------------------------------


def _page_names(html: str) -> list[str]:
    return re.findall(r'<h2 class="h5 card-title mb-1"><a href="[^"]+">([^<]+)</a>', html)


def test_the_page_lists_the_suggestions_in_order_with_their_reasons(client, swedish_learner):
    html = pages.html(client.get(url("exchange:suggestions", "fi")))

    assert _page_names(html) == [
        "Vaasan kirjasto",
        "Mustasaaren pääkirjasto",
        "Lapuan kirjasto",
        "Ilmajoen kirjasto",
        "Kokkolan kirjasto",
        "Nurmon kirjasto",
    ]
    text = pages.text(html)
    assert f"3 kiinnostuksen kohteistasi kaksikielinen noin 70 km {FREE_FI}" in text
    assert "Haluat harjoitella ruotsia." in text
    assert f"?host={swedish_learner.library.slug}" not in html
    assert "?host=korsholm" in html
    assert html.count("Tee vaihtohakemus:") == 6


def test_the_directory_links_to_the_suggestions_for_a_signed_in_librarian(client, visitor):
    html = pages.html(client.get(url("libraries:directory", "sv")))

    assert f'href="{url("exchange:suggestions", "sv")}"' in html
    assert "Föreslagna värdbibliotek för dig" in html


def test_the_suggestions_ask_a_stranger_to_sign_in(client, db):
    response = client.get(url("exchange:suggestions", "fi"))

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_the_profile_keeps_interests_and_the_language_wish(client, visitor, areas):
    from tests.libraries.test_profile import details

    data = details(visitor.library, interests=[areas["music"].pk, areas["events"].pk])
    data.update(
        supervisor_email="eeva@seinajoki.fi", language_wish="sv", name=visitor.name, language="fi"
    )
    response = client.post(url("accounts:profile", "fi"), data)

    assert response.status_code == 302, pages.text(response)
    visitor.refresh_from_db()
    assert set(visitor.interests.values_list("slug", flat=True)) == {"music", "events"}
    assert visitor.language_wish == "sv"


@pytest.mark.parametrize("count", [10, 100])
def test_the_page_takes_the_same_queries_however_many_libraries_and_visits(
    client, visitor, areas, count, django_assert_max_num_queries
):
    visitor.interests.add(areas["music"])
    for n in range(count):
        library = LibraryFactory(
            municipality=_place(f"Kunta {n}", f"Kommun {n}", f"{62 + n / 100:.4f}", "22.5")
        )
        library.focus_areas.add(areas["music"], areas["events"])
        ExchangeRequestFactory(
            visitor=StaffFactory(library=visitor.library), host_library=library, state="closed"
        )

    with django_assert_max_num_queries(9):
        html = pages.html(client.get(url("exchange:suggestions", "fi")))

    assert len(_page_names(html)) == suggestions.SHOWN
