"""Load the regions' public libraries and the focus areas from libraries/data/."""

import csv
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import translation
from django.utils.text import slugify

from libraries.models import FocusArea, Library, Municipality, Network, Region

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
LIBRARY_COLUMNS = {
    "region_fi",
    "region_sv",
    "municipality_fi",
    "municipality_sv",
    "language_status",
    "network",
    "library_fi",
    "library_sv",
    "kind",
    "street",
    "street_sv",
    "postal_code",
    "city",
    "city_sv",
    "website",
    "website_sv",
    "email_domain",
    "name_sv_source",
    "address_sv_source",
}
# Swedish values the CSV leaves empty: what the coordinator has written in the admin stays.
KEPT_WHEN_EMPTY = ("name_sv", "street_sv", "city_sv", "website_sv")
FOCUS_AREA_COLUMNS = {"slug", "name_fi", "name_sv"}
CENTRE_COLUMNS = {"municipality_fi", "latitude", "longitude", "source"}


def read_csv(path: Path, columns: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = columns - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path}: missing columns {', '.join(sorted(missing))}")
            return [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


def upsert(
    model: type[models.Model],
    slug: str,
    values: dict,
    counts: Counter,
    *,
    slug_field: str = "slug",
    kept_when_empty: tuple[str, ...] = (),
) -> models.Model:
    """Create the row with this slug, or write the given values to it; nothing else changes.

    A field named in kept_when_empty keeps its value when the given one is empty."""
    obj = model.objects.filter(**{slug_field: slug}).first()
    if obj is None:
        counts[model, "created"] += 1
        return model.objects.create(**{slug_field: slug}, **values)
    values = {
        name: value
        for name, value in values.items()
        if value or name not in kept_when_empty or not getattr(obj, name)
    }
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        counts[model, "unchanged"] += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=changed + auto_now)
    counts[model, "updated"] += 1
    return obj


def load_focus_areas(path: Path, counts: Counter) -> None:
    for row in read_csv(path, FOCUS_AREA_COLUMNS):
        if not row["slug"] or not row["name_fi"]:
            raise CommandError(f"{path}: every focus area needs a slug and a Finnish name")
        upsert(
            FocusArea,
            row["slug"],
            {"name_fi": row["name_fi"], "name_sv": row["name_sv"] or None},
            counts,
        )


def _check_row(path: Path, line: int, row: dict[str, str]) -> None:
    if not (row["region_fi"] and row["municipality_fi"] and row["library_fi"]):
        raise CommandError(f"{path}, line {line}: region, municipality and library need names")
    if row["kind"] not in Library.Kind.values:
        raise CommandError(f"{path}, line {line}: unknown kind {row['kind']!r}")
    if row["language_status"] not in Municipality.LanguageStatus.values:
        raise CommandError(f"{path}, line {line}: unknown language status")


def load_libraries(path: Path, counts: Counter, centres: dict[str, dict] | None = None) -> None:
    rows = read_csv(path, LIBRARY_COLUMNS)
    centres = centres or {}
    regions: dict[str, Region] = {}
    municipalities: dict[str, Municipality] = {}
    networks: dict[str, Network] = {}
    seen_libraries: set[str] = set()
    for line, row in enumerate(rows, start=2):
        _check_row(path, line, row)

        region_slug = slugify(row["region_fi"])
        if region_slug not in regions:
            regions[region_slug] = upsert(
                Region,
                region_slug,
                {"name_fi": row["region_fi"], "name_sv": row["region_sv"] or None},
                counts,
            )

        municipality_slug = slugify(row["municipality_fi"])
        if municipality_slug not in municipalities:
            municipalities[municipality_slug] = upsert(
                Municipality,
                municipality_slug,
                {
                    "name_fi": row["municipality_fi"],
                    "name_sv": row["municipality_sv"] or None,
                    "region_id": regions[region_slug].pk,
                    "language_status": row["language_status"],
                    # A municipality without a centre in the file keeps the one it has.
                    **centres.get(municipality_slug, {}),
                },
                counts,
            )

        network = None
        if row["network"]:
            network_slug = slugify(row["network"])
            if network_slug not in networks:
                networks[network_slug] = upsert(
                    Network, network_slug, {"name": row["network"]}, counts
                )
            network = networks[network_slug]

        library_slug = slugify(row["library_fi"])
        if library_slug in seen_libraries:
            raise CommandError(f"{path}, line {line}: a second library named {row['library_fi']}")
        seen_libraries.add(library_slug)
        domains = [d.strip().lower() for d in row["email_domain"].split(";") if d.strip()]
        library = upsert(
            Library,
            library_slug,
            {
                "name_fi": row["library_fi"],
                "name_sv": row["library_sv"] or None,
                "municipality_id": municipalities[municipality_slug].pk,
                "kind": row["kind"],
                "network_id": network.pk if network else None,
                "street_fi": row["street"],
                "street_sv": row["street_sv"] or None,
                "postal_code": row["postal_code"],
                "city_fi": row["city"],
                "city_sv": row["city_sv"] or None,
                "website_fi": row["website"],
                "website_sv": row["website_sv"] or None,
                "email_domains": ";".join(domains),
            },
            counts,
            slug_field="slug_fi",
            kept_when_empty=KEPT_WHEN_EMPTY,
        )
        set_swedish_slug(library)


def set_swedish_slug(library: Library) -> None:
    """The library's Swedish address: its Swedish name's slug, or its Finnish one without it.

    A Swedish slug another library already has leaves this one at its Finnish slug."""
    wanted = slugify(library.name_sv or "")[:200] or library.slug_fi
    if library.slug_sv == wanted:
        return
    if Library.objects.filter(slug_sv=wanted).exclude(pk=library.pk).exists():
        wanted = library.slug_fi
    if library.slug_sv != wanted:
        library.slug_sv = wanted
        library.save(update_fields=["slug_sv", "updated_at"])


def _coordinate(path: Path, line: int, value: str, low: int, high: int) -> Decimal:
    try:
        number = Decimal(value).quantize(Decimal("0.0001"))
    except InvalidOperation:
        raise CommandError(f"{path}, line {line}: {value!r} is not a coordinate") from None
    if not low <= number <= high:
        raise CommandError(f"{path}, line {line}: {value} is not in Finland")
    return number


def read_centres(path: Path) -> dict[str, dict]:
    """Each municipality's centre with its source, by the slug of its Finnish name."""
    centres = {}
    for line, row in enumerate(read_csv(path, CENTRE_COLUMNS), start=2):
        if not row["municipality_fi"] or not row["source"]:
            raise CommandError(
                f"{path}, line {line}: every centre needs a municipality and a source"
            )
        centres[slugify(row["municipality_fi"])] = {
            "latitude": _coordinate(path, line, row["latitude"], 59, 71),
            "longitude": _coordinate(path, line, row["longitude"], 19, 32),
            "coordinates_source": row["source"],
        }
    return centres


def write_summary(out, counts: Counter) -> None:
    """One line per model: how many rows were created, updated and left as they were."""
    with translation.override("en"):
        for model in dict.fromkeys(model for model, _outcome in counts):
            out.write(
                f"{str(model._meta.verbose_name_plural).capitalize()}: "
                f"{counts[model, 'created']} created, {counts[model, 'updated']} updated, "
                f"{counts[model, 'unchanged']} unchanged"
            )


class Command(BaseCommand):
    help = (
        "Load the regions, municipalities, library networks, libraries and focus areas. "
        "Running it again updates and adds rows, never duplicates them, and keeps what the "
        "coordinator has added in the admin (descriptions, contacts, focus areas)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DATA_DIR / "libraries.csv", help="libraries CSV"
        )
        parser.add_argument(
            "--focus-areas",
            type=Path,
            default=DATA_DIR / "focus_areas.csv",
            help="focus areas CSV (slug, name_fi, name_sv)",
        )
        parser.add_argument(
            "--centres",
            type=Path,
            default=DATA_DIR / "municipalities.csv",
            help="municipality centres CSV (municipality_fi, latitude, longitude, source)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args, **options) -> None:
        counts: Counter = Counter()
        with transaction.atomic():
            load_focus_areas(options["focus_areas"], counts)
            load_libraries(options["file"], counts, read_centres(options["centres"]))
            if options["dry_run"]:
                transaction.set_rollback(True)

        write_summary(self.stdout, counts)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
