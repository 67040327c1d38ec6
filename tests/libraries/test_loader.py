import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from libraries.management.commands import load_demo
from libraries.management.commands.load_libraries import DATA_DIR
from libraries.models import (
    ContactDetails,
    FocusArea,
    Library,
    Municipality,
    Network,
    Region,
    Staff,
)

pytestmark = pytest.mark.django_db

MODELS = [Region, Municipality, Network, Library, FocusArea]


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_libraries", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _copy_csv(tmp_path: Path, change) -> Path:
    """A copy of the shipped libraries CSV with `change(row)` applied to every row."""
    with (DATA_DIR / "libraries.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fieldnames = reader.fieldnames
        rows = [change(row) or row for row in reader]
    path = tmp_path / "libraries.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_loader_brings_in_the_three_regions_and_their_40_municipalities():
    output = _load()

    assert set(Region.objects.values_list("slug", flat=True)) == {
        "etela-pohjanmaa",
        "keski-pohjanmaa",
        "pohjanmaa",
    }
    assert Municipality.objects.count() == 40
    assert Library.objects.count() == 100
    assert set(Network.objects.values_list("name", flat=True)) == {"Eepos", "Anders", "Fredrika"}
    assert FocusArea.objects.filter(slug="reading-promotion").exists()
    assert "Libraries: 100 created, 0 updated, 0 unchanged" in output
    assert "Municipalities: 40 created" in output


def test_loader_keeps_the_facts_the_data_notes_point_out():
    _load()

    isokyro = Municipality.objects.get(slug="isokyro")
    assert isokyro.region.slug == "etela-pohjanmaa"
    assert isokyro.name_sv == "Storkyro"
    assert Region.objects.get(slug="etela-pohjanmaa").name_sv == "Södra Österbotten"
    vaasa = Library.objects.get(slug="vaasan-paakirjasto")
    assert vaasa.network is None
    assert vaasa.main_language == "fi"
    assert vaasa.municipality.is_bilingual
    korsholm = Library.objects.get(slug="mustasaaren-paakirjasto")
    assert korsholm.domain_list == ["korsholm.fi", "mustasaari.fi"]
    assert korsholm.main_language == "sv"
    assert Library.objects.get(slug="perhon-kunnankirjasto").network.name == "Eepos"


def test_a_library_without_a_swedish_name_shows_its_finnish_name_in_swedish():
    _load()
    huudi = Library.objects.get(slug_fi="kohtaamispaikka-huudi")
    assert huudi.name_sv is None

    with translation.override("sv"):
        assert Library.objects.get(slug_fi="kohtaamispaikka-huudi").name == "Kohtaamispaikka Huudi"
        assert Library.objects.get(slug_fi="vaasan-paakirjasto").name == "Vasa huvudbibliotek"


def test_loading_twice_gives_the_same_rows():
    _load()
    before = _row_counts()
    ids = sorted(Library.objects.values_list("pk", "slug"))

    output = _load()

    assert _row_counts() == before
    assert sorted(Library.objects.values_list("pk", "slug")) == ids
    assert "Libraries: 0 created, 0 updated, 100 unchanged" in output


def test_a_changed_csv_updates_the_library_instead_of_adding_another(tmp_path):
    _load()
    before = _row_counts()

    def rename(row):
        if row["library_fi"] == "Suvilahden kirjasto":
            row["library_sv"] = "Sunnanvik bibliotek"
            row["street"] = "Teirinkatu 4"

    output = _load("--file", str(_copy_csv(tmp_path, rename)))

    assert _row_counts() == before
    library = Library.objects.get(slug="suvilahden-kirjasto")
    assert library.name_sv == "Sunnanvik bibliotek"
    assert library.street == "Teirinkatu 4"
    assert "Libraries: 0 created, 1 updated, 99 unchanged" in output


def test_a_new_row_in_the_csv_adds_one_library(tmp_path):
    _load()
    path = _copy_csv(tmp_path, lambda row: None)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(
            ["Pohjanmaa", "Österbotten", "Vaasa", "Vasa", "fi+sv", "", "Testikirjasto"]
            + ["Testbiblioteket", "branch", "Kirjastonkatu 1", "65100", "Vaasa", "", "vaasa.fi", ""]
        )

    _load("--file", str(path))

    assert Library.objects.count() == 101
    assert Library.objects.get(slug="testikirjasto").municipality.slug == "vaasa"


def test_reloading_keeps_what_the_coordinator_added_in_the_admin():
    _load()
    area = FocusArea.objects.get(slug="music")
    library = Library.objects.get(slug="kokkolan-kaupunginkirjasto")
    library.description_fi = "Meillä on studio."
    library.contact_name = "Kaisa Kollega"
    library.contact_email = "demo.kaisa.kollega@kokkola.fi"
    library.accepts_visitors = False
    library.save()
    library.focus_areas.add(area)

    _load()

    library.refresh_from_db()
    assert library.description_fi == "Meillä on studio."
    assert library.contact_name == "Kaisa Kollega"
    assert library.contact_email == "demo.kaisa.kollega@kokkola.fi"
    assert library.accepts_visitors is False
    assert list(library.focus_areas.all()) == [area]


def test_the_loader_gives_no_library_focus_areas():
    _load()
    assert not Library.focus_areas.through.objects.exists()


def test_a_dry_run_saves_nothing():
    output = _load("--dry-run")

    assert Library.objects.count() == 0
    assert "Libraries: 100 created" in output
    assert "nothing was saved" in output


def test_a_broken_csv_is_refused_with_its_line_and_saves_nothing(tmp_path):
    def break_kind(row):
        if row["library_fi"] == "Halsuan kirjasto":
            row["kind"] = "castle"

    with pytest.raises(CommandError, match=r"line \d+: unknown kind 'castle'"):
        _load("--file", str(_copy_csv(tmp_path, break_kind)))

    assert Library.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _load("--file", str(tmp_path / "nothing.csv"))


# Demo data


def _load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_data_refuses_to_load_before_the_libraries():
    with pytest.raises(CommandError, match="load_libraries"):
        _load_demo()


def test_every_library_and_focus_area_the_demo_names_is_in_the_shipped_data(shipped_libraries):
    slugs = set(load_demo.LIBRARY_DETAILS) | {p["library"] for p in load_demo.PEOPLE}
    assert set(Library.objects.filter(slug__in=slugs).values_list("slug", flat=True)) == slugs
    areas = {s for details in load_demo.LIBRARY_DETAILS.values() for s in details["focus_areas"]}
    assert FocusArea.objects.filter(slug__in=areas).count() == len(areas)


def test_demo_data_fills_in_people_libraries_and_the_coordinator(shipped_libraries):
    _load_demo()

    people = Staff.objects.all()
    assert people.count() == len(load_demo.PEOPLE)
    assert all(p.email.startswith("demo.") and p.profile_complete for p in people)
    assert all(p.library.owns_email(p.email) for p in people)
    vaasa = Library.objects.get(slug="vaasan-paakirjasto")
    assert vaasa.contact_email == "demo.ville.vaihtaja@vaasa.fi"
    assert vaasa.description_sv.startswith("Ett tvåspråkigt huvudbibliotek")
    assert vaasa.focus_areas.filter(slug="services-in-swedish").exists()
    contact = ContactDetails.objects.get()
    assert contact.email.startswith("demo.")
    assert contact.title_sv == "Regional koordinator"


def test_demo_data_loaded_twice_gives_the_same_rows(shipped_libraries):
    _load_demo()
    before = (Staff.objects.count(), ContactDetails.objects.count())
    links = Library.focus_areas.through.objects.count()

    output = _load_demo()

    assert (Staff.objects.count(), ContactDetails.objects.count()) == before
    assert Library.focus_areas.through.objects.count() == links
    assert "0 created" in output
    assert "0 libraries filled in" in output


def test_demo_data_leaves_what_the_coordinator_edited(shipped_libraries):
    _load_demo()
    contact = ContactDetails.objects.get()
    contact.name = "Uusi Koordinaattori"
    contact.save()
    library = Library.objects.get(slug="kannuksen-kirjasto")
    library.contact_name = "Joku Muu"
    library.save()
    library.focus_areas.clear()

    _load_demo()

    assert ContactDetails.objects.get().name == "Uusi Koordinaattori"
    library.refresh_from_db()
    assert library.contact_name == "Joku Muu"
    assert not library.focus_areas.exists()
