"""Fictional demo exchanges, one in every state, made through the workflow.

Every transition goes through exchange.workflow, so the history and the outbox are what
they would be for real people; the debug outbox page then shows each role's links.
The visitors are the demo people of ``manage.py load_demo`` (addresses with a "demo."
local part) when they exist; otherwise this module adds its own, made up in the same way.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from libraries import availability
from libraries.management.commands.load_demo import LIBRARY_DETAILS as DEMO_LIBRARIES
from libraries.management.commands.load_demo import PEOPLE as DEMO_PEOPLE
from libraries.models import Library, Staff

from . import workflow
from .models import Approval, ExchangeRequest, State


@dataclass(frozen=True)
class Scenario:
    state: str
    kind: str = ExchangeRequest.Kind.ONE_WAY
    # Weeks from today to the first day, so one visitor's visits never overlap.
    weeks_ahead: int = 3
    days: int = 2
    # The language of the host's contact person, when the scenario is the host's to try.
    host_language: str = ""


SCENARIOS = [
    Scenario(State.DRAFT, weeks_ahead=8),
    Scenario(State.AWAITING_HOME, weeks_ahead=3),
    Scenario(State.AWAITING_HOST, weeks_ahead=4, days=3),
    Scenario(State.DATES_PROPOSED, weeks_ahead=5),
    Scenario(State.CONFIRMED, kind=ExchangeRequest.Kind.RECIPROCAL, weeks_ahead=6, days=3),
    Scenario(State.COMPLETED, weeks_ahead=7, days=1),
    Scenario(State.DECLINED, weeks_ahead=9),
    Scenario(State.CANCELLED, weeks_ahead=10),
    # A second finished visit, its visitor of the other language (see _plan).
    Scenario(State.COMPLETED, weeks_ahead=11, days=2),
    # Approved by the host, who names the workplace mentor later: one host of each language.
    Scenario(State.AWAITING_MENTOR, weeks_ahead=12, host_language="fi"),
    Scenario(State.AWAITING_MENTOR, weeks_ahead=13, host_language="sv"),
]

# Used only when load_demo has not made its people.
FALLBACK_PEOPLE = [
    ("Aino Aaltonen", "aino.aaltonen", "fi", "Eeva Esihenkilö", "eeva.esihenkilo"),
    ("Sara Sandberg", "sara.sandberg", "sv", "Frida Förman", "frida.forman"),
]

EXPECTATIONS = {
    "fi": (
        "Haluan nähdä, miten lasten ja nuorten palvelut on järjestetty, ja osallistua "
        "satutuokion valmisteluun. Toivon myös vinkkejä tapahtumien markkinointiin."
    ),
    "sv": (
        "Jag vill se hur tjänsterna för barn och unga är ordnade och vara med och förbereda "
        "en sagostund. Jag hoppas också få tips om hur man marknadsför evenemang."
    ),
}
SAYINGS = {
    "busy": {"fi": "Nyt on liian kiireinen kausi.", "sv": "Det är för bråttom just nu."},
    "yes": {"fi": "Hyvä idea, lähde ihmeessä!", "sv": "En bra idé, åk du!"},
    "ill": {"fi": "Sairastuin, enkä pääse matkaan.", "sv": "Jag blev sjuk och kan inte åka."},
}
COVER = {
    "fi": "Työkaverini hoitaa asiakaspalveluvuoroni.",
    "sv": "Min arbetskamrat sköter mina kundtjänstpass.",
}


def _say(what: str, person: Staff) -> str:
    return SAYINGS[what].get(person.language, SAYINGS[what]["fi"])


def _demo_address(name: str, library: Library) -> str:
    return f"demo.{name}@{library.domain_list[0]}"


def _visitors() -> list[Staff]:
    """The demo librarians of load_demo, or this module's own when those are missing.

    A fixed list, not every "demo." address: return visits add demo people of their own,
    and the choice of visitor and host must stay the same from one run to the next.
    """
    people = list(
        Staff.objects.filter(email__in=[p["email"] for p in DEMO_PEOPLE], library__isnull=False)
        .exclude(supervisor_email="")
        .exclude(library__email_domains="")
        .select_related("library")
        .order_by("email")
    )
    if len(people) >= 2:
        return people
    people = []
    homes = list(Library.objects.exclude(email_domains="").order_by("slug")[: len(FALLBACK_PEOPLE)])
    for (name, local, language, boss_name, boss_local), library in zip(
        FALLBACK_PEOPLE, homes, strict=False
    ):
        person, _created = Staff.objects.get_or_create(
            email=_demo_address(local, library),
            defaults={
                "name": name,
                "library": library,
                "language": language,
                "supervisor_name": boss_name,
                "supervisor_email": _demo_address(boss_local, library),
            },
        )
        people.append(person)
    return people


def _hosts() -> list[Library]:
    """The libraries load_demo describes, or else the first ones that take visitors."""
    libraries = Library.objects.accepting_visitors().exclude(email_domains="").order_by("slug")
    described = list(libraries.filter(slug__in=list(DEMO_LIBRARIES)))
    return described or list(libraries[:8])


def _host_language(host: Library) -> str:
    """The language the host library's exchange contact reads."""
    if host.contact_email and host.contact_language:
        return host.contact_language
    return host.main_language


def _pending(exchange: ExchangeRequest, role: str) -> Approval:
    return exchange.approvals.get(role=role, decision=Approval.Decision.PENDING)


def _mentor(exchange: ExchangeRequest) -> workflow.MentorDetails:
    host = exchange.host_library
    return workflow.MentorDetails(
        name="Maija Mentori" if host.main_language == "fi" else "Maja Mentor",
        email=_demo_address("maija.mentori", host),
        phone="+358 40 000 0000",
        language=host.main_language,
        meeting_place="Pääovi / Huvudingången",
        meeting_time="9.00",
        programme_notes="",
    )


def _return_visit(exchange: ExchangeRequest) -> workflow.ReturnVisit:
    first_day = exchange.first_day + timedelta(weeks=6)
    return workflow.ReturnVisit(
        name="Ronja Returnen",
        email=_demo_address("ronja.returnen", exchange.host_library),
        language=exchange.host_library.main_language,
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
    )


def advance(exchange: ExchangeRequest, state: str) -> ExchangeRequest:
    """Walk a draft through the workflow to ``state`` the way its people would.

    Reaches every state a request gets to before its visit; completed needs a past visit
    (see make_completed).
    """
    if state == State.DRAFT:
        return exchange
    visitor = exchange.visitor
    exchange = workflow.submit(exchange.pk, by=visitor)
    if state == State.AWAITING_HOME:
        return exchange
    home = _pending(exchange, Approval.Role.HOME)
    if state == State.DECLINED:
        return workflow.decline(home.pk, version=home.version, reason=_say("busy", visitor))
    exchange = workflow.approve_home(home.pk, version=home.version, comment=_say("yes", visitor))
    if state == State.AWAITING_HOST:
        return exchange
    if state == State.CANCELLED:
        return workflow.cancel(exchange.pk, by=visitor, reason=_say("ill", visitor))
    host = _pending(exchange, Approval.Role.HOST)
    return_visit = _return_visit(exchange) if exchange.needs_return_visit else None
    if state == State.AWAITING_MENTOR:
        return workflow.approve_host(
            host.pk,
            version=host.version,
            mentor=workflow.mentor_later(exchange.host_library.main_language, meeting_time="9.00"),
            return_visit=return_visit,
        )
    if state == State.DATES_PROPOSED:
        first_day = exchange.first_day + timedelta(weeks=1)
        return workflow.propose_dates(
            host.pk,
            version=host.version,
            first_day=first_day,
            last_day=first_day + (exchange.last_day - exchange.first_day),
            mentor=_mentor(exchange),
            return_visit=return_visit,
        )
    exchange = workflow.approve_host(
        host.pk, version=host.version, mentor=_mentor(exchange), return_visit=return_visit
    )
    if state == State.CONFIRMED:
        return exchange
    raise ValueError(f"advance() cannot reach {state}")


def make_completed(exchange: ExchangeRequest, today: date) -> ExchangeRequest:
    """A confirmed visit made into a finished one.

    The workflow takes requests for future days only, so a visit that is over can only be
    shown by moving a confirmed visit's days into the past before completing it.
    """
    days = exchange.last_day - exchange.first_day
    first_day = today - timedelta(days=14)
    ExchangeRequest.objects.filter(pk=exchange.pk).update(
        first_day=first_day, last_day=first_day + days
    )
    return workflow.complete(exchange.pk)


def _plan(visitors: list[Staff], hosts: list[Library]) -> list[tuple[Scenario, Staff, Library]]:
    """Who visits which library in each scenario: the same answer on every run.

    A visitor goes to each host once at most, and each finished visit goes to a visitor of
    a language no earlier finished visit has, so the after-visit pages are there to try in
    both languages.
    """
    plan, taken, finished_languages = [], set(), set()
    for number, scenario in enumerate(SCENARIOS):
        pool = visitors
        if scenario.state == State.COMPLETED:
            pool = [v for v in visitors if v.language not in finished_languages] or visitors
        visitor = pool[number % len(pool)]
        candidates = [lib for lib in hosts if lib.pk != visitor.library_id]
        if scenario.host_language:
            candidates = [
                lib for lib in candidates if _host_language(lib) == scenario.host_language
            ] or candidates
        start = number % len(candidates) if candidates else 0
        turn = candidates[start:] + candidates[:start]
        host = next((lib for lib in turn if (visitor.pk, lib.pk) not in taken), None)
        if host is not None:
            taken.add((visitor.pk, host.pk))
            if scenario.state == State.COMPLETED:
                finished_languages.add(visitor.language)
        plan.append((scenario, visitor, host))
    return plan


def load(today: date | None = None) -> list[str]:
    """Create the demo exchanges that are missing; returns one line per scenario."""
    today = today or timezone.localdate()
    visitors, hosts = _visitors(), _hosts()
    if not visitors or not hosts:
        raise ValueError("no libraries with staff email domains that take visitors")
    report = []
    for scenario, visitor, host in _plan(visitors, hosts):
        if host is None:
            report.append(f"{scenario.state}: no host library for {visitor.email}, skipped")
            continue
        # One demo exchange per visitor and host: running the load again adds nothing.
        if ExchangeRequest.objects.filter(visitor=visitor, host_library=host).exists():
            report.append(f"{scenario.state}: {visitor} → {host} already there")
            continue
        with transaction.atomic():
            exchange = _draft(visitor, host, scenario, today)
            target = State.CONFIRMED if scenario.state == State.COMPLETED else scenario.state
            exchange = advance(exchange, target)
            if scenario.state == State.COMPLETED:
                exchange = make_completed(exchange, today)
        report.append(f"{scenario.state}: {visitor} → {host} created")
    return report


def _draft(visitor: Staff, host: Library, scenario: Scenario, today: date) -> ExchangeRequest:
    first_day = today + timedelta(weeks=scenario.weeks_ahead)
    # The first days on which the host can take the visitor: no weekend, holiday or closure.
    span = timedelta(days=scenario.days - 1)
    for _ in range(60):
        if not availability.refusal(host, first_day, first_day + span, today=today):
            break
        first_day += timedelta(days=1)
    language = visitor.language
    exchange = ExchangeRequest(
        visitor=visitor,
        home_library=visitor.library,
        host_library=host,
        first_day=first_day,
        last_day=first_day + timedelta(days=scenario.days - 1),
        kind=scenario.kind,
        expectations=EXPECTATIONS.get(language, EXPECTATIONS["fi"]),
        language_practice=host.main_language != visitor.library.main_language,
        cover_arrangements=COVER.get(language, COVER["fi"]),
        travel_car_km=180,
        accommodation_nights=scenario.days - 1,
        privacy_accepted_at=timezone.now(),
    )
    if not host.contact_email:
        exchange.host_contact_name = "Hanna Vastaanottaja"
        exchange.host_contact_email = _demo_address("hanna.vastaanottaja", host)
        exchange.host_contact_language = host.main_language
    exchange.save()
    exchange.focus_areas.set(host.focus_areas.all()[:2])
    return exchange
