"""Fictional demo data for trying Kollega out: people, library details, the coordinator.

Every person here is made up; their addresses use the libraries' real domains with a
"demo." local part. Each step fills in only what is still empty, so running it again
changes nothing and never undoes what the coordinator or a librarian has edited since.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from libraries.models import ContactDetails, FocusArea, Library, Staff

LIBRARY_DETAILS = {
    "vaasan-paakirjasto": {
        "description_fi": (
            "Kaksikielinen pääkirjasto, jossa asiakkaita palvellaan suomeksi ja ruotsiksi. "
            "Vierailijana pääset mukaan asiakaspalveluun, tapahtumien suunnitteluun ja "
            "monikieliseen kirjastotyöhön."
        ),
        "description_sv": (
            "Ett tvåspråkigt huvudbibliotek där kunderna betjänas på finska och svenska. "
            "Som besökare får du vara med i kundtjänsten, planera evenemang och se hur vi "
            "arbetar med flera språk."
        ),
        "focus_areas": ["services-in-swedish", "multilingual-services", "events", "makerspace"],
        "contact": ("Ville Vaihtaja", "demo.ville.vaihtaja@vaasa.fi", "fi"),
    },
    "seinajoen-paakirjasto-aallon-kirjasto": {
        "description_fi": (
            "Tule katsomaan, miten lasten ja nuorten palvelut, lukemisen edistäminen ja "
            "tapahtumat toimivat isossa kaupunginkirjastossa."
        ),
        "description_sv": (
            "Kom och se hur tjänsterna för barn och unga, läsfrämjandet och evenemangen "
            "fungerar i ett stort stadsbibliotek."
        ),
        "focus_areas": ["children-and-youth", "reading-promotion", "events", "collection-work"],
        "contact": ("Outi Opastaja", "demo.outi.opastaja@seinajoki.fi", "fi"),
    },
    "kokkolan-kaupunginkirjasto": {
        "description_fi": (
            "Kaksikielisessä kaupunginkirjastossa voit perehtyä musiikkipalveluihin, "
            "digitukeen ja asiakaspalveluun kahdella kielellä."
        ),
        "description_sv": (
            "I det tvåspråkiga stadsbiblioteket kan du bekanta dig med musiktjänster, "
            "digistöd och kundtjänst på två språk."
        ),
        "focus_areas": ["music", "digital-support", "customer-service", "services-in-swedish"],
        "contact": ("Kaisa Kollega", "demo.kaisa.kollega@kokkola.fi", "fi"),
    },
    "pietarsaaren-kirjasto": {
        "description_fi": (
            "Ruotsinkielinen enemmistö ja suomenkieliset asiakkaat samassa talossa: hyvä "
            "paikka kieliharjoitteluun ja lukemisen edistämiseen."
        ),
        "description_sv": (
            "Svenskspråkig majoritet och finskspråkiga kunder under samma tak: ett bra ställe "
            "för språkpraktik och läsfrämjande."
        ),
        "focus_areas": ["services-in-swedish", "reading-promotion", "children-and-youth"],
        "contact": ("Hanna Handledare", "demo.hanna.handledare@jakobstad.fi", "sv"),
    },
    "mustasaaren-kirjastoauto": {
        "description_fi": (
            "Lähde kirjastoauton kyytiin: kyläpysäkit, koulukäynnit ja asiakkaat, jotka "
            "odottavat autoa viikosta toiseen."
        ),
        "description_sv": (
            "Följ med bokbussen: byhållplatser, skolbesök och kunder som väntar på bussen "
            "vecka efter vecka."
        ),
        "focus_areas": ["mobile-library-work", "services-for-schools", "outreach-services"],
        "contact": ("Bertil Bokbuss", "demo.bertil.bokbuss@korsholm.fi", "sv"),
    },
    "narpion-paakirjasto": {
        "description_fi": "Pieni kaupunginkirjasto, jossa kaikki tekevät vähän kaikkea.",
        "description_sv": "Ett litet stadsbibliotek där alla gör lite av allt.",
        "focus_areas": ["services-in-swedish", "collection-work", "customer-service"],
        "contact": ("Siv Sagoberg", "demo.siv.sagoberg@narpes.fi", "sv"),
    },
    "kannuksen-kirjasto": {
        "description_fi": "Kirjasto, joka tekee tiivistä yhteistyötä koulujen kanssa.",
        "description_sv": "Ett bibliotek som samarbetar nära med skolorna.",
        "focus_areas": ["services-for-schools", "information-literacy", "collection-work"],
        "contact": ("Taina Tietäjä", "demo.taina.tietaja@kannus.fi", "fi"),
    },
    "sundomin-omatoimikirjasto": {
        "description_fi": "Omatoimikirjasto, joka on auki myös silloin, kun henkilökunta ei ole.",
        "description_sv": "Ett meröppet bibliotek som är öppet också när personalen inte är där.",
        "focus_areas": ["self-service-library"],
        "contact": ("Ville Vaihtaja", "demo.ville.vaihtaja@vaasa.fi", "fi"),
    },
}

PEOPLE = [
    {
        "email": "demo.liisa.lukija@seinajoki.fi",
        "name": "Liisa Lukija",
        "library": "seinajoen-paakirjasto-aallon-kirjasto",
        "job_title": "kirjastovirkailija",
        "language": "fi",
        "supervisor_name": "Eeva Esimerkki",
        "supervisor_email": "demo.eeva.esimerkki@seinajoki.fi",
    },
    {
        "email": "demo.kalle.kirjanen@kokkola.fi",
        "name": "Kalle Kirjanen",
        "library": "kokkolan-kaupunginkirjasto",
        "job_title": "informaatikko",
        "language": "fi",
        "supervisor_name": "Paula Päällikkö",
        "supervisor_email": "demo.paula.paallikko@kokkola.fi",
    },
    {
        "email": "demo.stina.sidvik@jakobstad.fi",
        "name": "Stina Sidvik",
        "library": "pietarsaaren-kirjasto",
        "job_title": "bibliotekarie",
        "language": "sv",
        "supervisor_name": "Bo Bokström",
        "supervisor_email": "demo.bo.bokstrom@jakobstad.fi",
    },
    {
        "email": "demo.greta.gast@korsholm.fi",
        "name": "Greta Gäst",
        "library": "mustasaaren-paakirjasto",
        "job_title": "biblioteksfunktionär",
        "language": "sv",
        "supervisor_name": "Ella Exempel",
        "supervisor_email": "demo.ella.exempel@korsholm.fi",
    },
]

COORDINATOR = {
    "name": "Kerttu Koordinaattori",
    "title_fi": "Aluekoordinaattori",
    "title_sv": "Regional koordinator",
    # The emails' footer names the regional development task and then who runs it
    # ("…kehittämistehtävä, jota hoitaa Vaasan kaupunginkirjasto"): the city library alone.
    "organisation_fi": "Vaasan kaupunginkirjasto",
    "organisation_sv": "Vasa stadsbibliotek",
    "email": "demo.kerttu.koordinaattori@vaasa.fi",
}


def load_library_details() -> str:
    """Descriptions, focus areas and exchange contacts on a handful of libraries.

    A library that already has a description or a contact has been edited: it stays as it is.
    """
    libraries = Library.objects.in_bulk(list(LIBRARY_DETAILS), field_name="slug")
    areas = FocusArea.objects.in_bulk(field_name="slug")
    filled = 0
    for slug, library in libraries.items():
        if library.description_fi or library.contact_name or library.contact_email:
            continue
        details = LIBRARY_DETAILS[slug]
        library.description_fi = details["description_fi"]
        library.description_sv = details["description_sv"]
        library.contact_name, library.contact_email, library.contact_language = details["contact"]
        library.save()
        library.focus_areas.set([areas[s] for s in details["focus_areas"] if s in areas])
        filled += 1
    return f"Demo library details: {filled} libraries filled in, {len(libraries) - filled} kept"


def load_people() -> str:
    """Librarians who can sign in and try the exchange from the visitor's side."""
    libraries = Library.objects.in_bulk([p["library"] for p in PEOPLE], field_name="slug")
    created = 0
    for person in PEOPLE:
        defaults = {k: v for k, v in person.items() if k not in {"email", "library"}}
        _staff, was_created = Staff.objects.get_or_create(
            email=person["email"],
            defaults={**defaults, "library": libraries.get(person["library"])},
        )
        created += was_created
    return f"Demo people: {created} created, {len(PEOPLE) - created} already there"


def load_coordinator() -> str:
    """The coordinator's contact details on the home page, unless someone has set them."""
    contact = ContactDetails.objects.first() or ContactDetails()
    if contact.name or contact.email:
        return "Coordinator's contact details: already set, kept"
    for name, value in COORDINATOR.items():
        setattr(contact, name, value)
    contact.save()
    return "Coordinator's contact details: filled in"


STEPS = [load_library_details, load_people, load_coordinator]


class Command(BaseCommand):
    help = "Load fictional demo people and library details. Fills in only what is empty."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )

    def handle(self, *args, **options) -> None:
        if not Library.objects.exists():
            raise CommandError("There are no libraries yet: run manage.py load_libraries first.")
        with transaction.atomic():
            for step in STEPS:
                self.stdout.write(step())
            if options["dry_run"]:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was saved.")
