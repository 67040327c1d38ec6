"""The people the tests are about, each defined once and with one meaning.

- **The visitor**, Alice Aalto: a Finnish-speaking librarian of Seinäjoki's city library (her
  home library) who asks to visit Korsholm. Fixtures `alice`, and `visitor` for Alice signed in.
- **The home supervisor**, Eeva Esihenkilö: Alice's own supervisor at Seinäjoki. She has no
  account; she decides by the link in her email. Fixture `home_supervisor`.
- **The host**, Sara Sund: the exchange contact of Korsholm's main library (the host library),
  Swedish-speaking. She has no account either; she approves, declines or proposes other dates
  by her link. Fixture `host_contact`.
- **The coordinator**, Kerttu Koordinaattori: a staff member of the Coordinator group, never a
  superuser. She signs in to the admin with a password, and hers is the address in the
  coordinator's contact details. Fixtures `coordinator`, `coordinator_client` (a client signed
  in as her) and `coordinator_contact`.

Others who take part: Maja Mentor, Korsholm's workplace mentor (Swedish); Bertil Berg, a
Swedish-speaking librarian of Korsholm (the return visitor of a reciprocal exchange). A test
that needs every right in the admin uses pytest-django's `admin_user`, a superuser who is
nobody in the story.
"""

import importlib
import pkgutil
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from exchange import workflow
from libraries.models import ContactDetails, Library, Municipality, Staff
from tests.factories import LibraryFactory, MunicipalityFactory, StaffFactory


@dataclass(frozen=True)
class Person:
    """Someone Kollega writes to without an account: a name, an address and a language."""

    name: str
    email: str
    language: str


VISITOR = Person("Alice Aalto", "alice@seinajoki.fi", "fi")
HOME_SUPERVISOR = Person("Eeva Esihenkilö", "eeva@seinajoki.fi", "fi")
HOST = Person("Sara Sund", "sara.sund@korsholm.fi", "sv")
MENTOR = Person("Maja Mentor", "maja.mentor@korsholm.fi", "sv")
COORDINATOR = Person("Kerttu Koordinaattori", "kerttu@vaasa.fi", "fi")
# The coordinator's password to the admin.
COORDINATOR_PASSWORD = "a-long-admin-password"

COORDINATOR_GROUP = "Coordinator"


# --- the libraries -----------------------------------------------------------------------


def seinajoki() -> Library:
    """The visitor's home library: Finnish-speaking, with Seppo Seinä as its contact."""
    return LibraryFactory(
        name_fi="Seinäjoen kaupunginkirjasto",
        name_sv="Seinäjoki stadsbibliotek",
        slug="seinajoki",
        # The centre as libraries/data/municipalities.csv gives it.
        municipality=MunicipalityFactory(
            name_fi="Seinäjoki", name_sv="Seinäjoki", latitude="62.7917", longitude="22.8417"
        ),
        email_domains="seinajoki.fi",
        contact_name="Seppo Seinä",
        contact_email="seppo@seinajoki.fi",
        contact_language="fi",
    )


def korsholm() -> Library:
    """The host library: bilingual with a Swedish majority; the host, Sara, is its contact."""
    return LibraryFactory(
        name_fi="Mustasaaren pääkirjasto",
        name_sv="Korsholms huvudbibliotek",
        slug="korsholm",
        municipality=MunicipalityFactory(
            name_fi="Mustasaari",
            name_sv="Korsholm",
            language_status=Municipality.LanguageStatus.BILINGUAL_SWEDISH,
            latitude="63.1125",
            longitude="21.6778",
        ),
        email_domains="korsholm.fi",
        contact_name=HOST.name,
        contact_email=HOST.email,
        contact_language=HOST.language,
    )


# --- the people ----------------------------------------------------------------------------


def alice(library: Library, **fields) -> Staff:
    """The visitor, whose own supervisor is the home supervisor."""
    fields = {
        "email": VISITOR.email,
        "name": VISITOR.name,
        "language": VISITOR.language,
        "supervisor_name": HOME_SUPERVISOR.name,
        "supervisor_email": HOME_SUPERVISOR.email,
        **fields,
    }
    return StaffFactory(library=library, **fields)


def bertil(library: Library, **fields) -> Staff:
    """A Swedish-speaking librarian of Korsholm, whose supervisor is the host."""
    fields = {
        "email": "bertil@korsholm.fi",
        "name": "Bertil Berg",
        "language": "sv",
        "supervisor_name": HOST.name,
        "supervisor_email": HOST.email,
        **fields,
    }
    return StaffFactory(library=library, **fields)


def coordinator(**fields) -> Staff:
    """The coordinator: staff in the Coordinator group, not a superuser, with a password."""
    person = Staff.objects.create_user(
        COORDINATOR.email,
        COORDINATOR_PASSWORD,
        **{"name": COORDINATOR.name, "language": COORDINATOR.language, "is_staff": True, **fields},
    )
    person.groups.add(coordinator_group())
    return person


def coordinator_group() -> Group:
    """The Coordinator group as its migrations make it.

    A transactional test empties the tables afterwards, the group too; the next test that
    needs it gets it again with the same permissions.
    """
    group, created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    if created:
        for granted in _granted_by_migrations():
            for app_label, models in granted.items():
                for model, actions in models.items():
                    group.permissions.add(
                        *Permission.objects.filter(
                            content_type__app_label=app_label,
                            codename__in=[f"{action}_{model}" for action in actions],
                        )
                    )
    return group


def _granted_by_migrations() -> list[dict]:
    """What the migrations that name the Coordinator group grant it, whichever app holds them."""
    granted = []
    for app in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{app.name}.migrations")
        except ImportError:
            continue
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if getattr(module, "GROUP", None) == COORDINATOR_GROUP:
                granted += [getattr(module, name, None) for name in ("PERMISSIONS", "ADDED")]
    return [permissions for permissions in granted if isinstance(permissions, dict)]


def coordinator_contact(**fields) -> ContactDetails:
    """The coordinator's contact details, the address the coordinator's messages go to."""
    contact = ContactDetails.load()
    for name, value in {
        "name": COORDINATOR.name,
        "email": COORDINATOR.email,
        "organisation_fi": "Vaasan kaupunginkirjasto",
        "organisation_sv": "Vasa stadsbibliotek",
        **fields,
    }.items():
        setattr(contact, name, value)
    contact.save()
    return contact


def mentor(**fields) -> workflow.MentorDetails:
    """Korsholm's workplace mentor and the first day's practicalities, as the host names them."""
    fields = {
        "name": MENTOR.name,
        "email": MENTOR.email,
        "phone": "040 123 4567",
        "language": MENTOR.language,
        "meeting_place": "Personalingången, Centrumvägen 1",
        "meeting_time": "9.00",
        "programme_notes": "Sagostund på tisdag, bokbussen på onsdag.",
        **fields,
    }
    return workflow.MentorDetails(**fields)


def finnish_mentor() -> workflow.MentorDetails:
    """Seinäjoki's workplace mentor, Mikko Mentori, for a visit the other way round."""
    return mentor(
        name="Mikko Mentori",
        email="mikko.mentori@seinajoki.fi",
        language="fi",
        meeting_place="Henkilökunnan sisäänkäynti",
        programme_notes="Satutunti tiistaina.",
    )
