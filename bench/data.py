"""Prepare the load benchmark's database and write what the load generator needs.

    python -m bench.data OUTPUT.json     # run by bench/run.py with the benchmark's settings

It empties the people and exchange tables of the database it runs on, so it refuses any
database that is not PostgreSQL or whose name does not contain "bench". It creates the
database when missing, migrates it, loads the regions' libraries, collects the static files,
and makes:

- `users` visitors with a few exchanges each (closed, cancelled, confirmed, a draft and one
  awaiting the home supervisor), each signed in with a session of its own, for the visitor's
  list; the exchanges awaiting a supervisor give the supervisor link pages;
- `users` more visitors, signed in, with nothing yet, for the submit-and-approve flow, each
  with the hosts and days of the requests it will make (`flow_slots`), so that the load
  generator asks the database nothing to choose them.
"""

import json
import os
import sys
from collections import Counter
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import django

from bench.postgres import create_database


def main(output: Path, users: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.exceptions import InconsistentMigrationHistory

    database = connection.settings_dict
    if connection.vendor != "postgresql" or "bench" not in database["NAME"]:
        sys.exit(
            "The load benchmark empties the people and exchange tables: give it a PostgreSQL "
            "database whose name contains 'bench' (BENCH_WEB_DATABASE_URL)."
        )
    create_database(database)
    try:
        call_command("migrate", verbosity=0)
    except InconsistentMigrationHistory:
        # The migrations changed under a database only the benchmark uses: start it afresh.
        connection.close()
        create_database(database, drop=True)
        call_command("migrate", verbosity=0)
    call_command("load_libraries", stdout=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    _empty()
    output.write_text(json.dumps(_build(users), indent=1))


# How many requests each flow visitor can make: far more than the longest run asks for.
SLOTS_PER_VISITOR = 400
# The flow asks for days from a week ahead, as a visitor plans.
SLOTS_FROM_DAYS_AHEAD = 7


def flow_slots(
    visitors: list[tuple[int, int]], hosts: list, today, per_visitor: int = SLOTS_PER_VISITOR
) -> dict[int, list[tuple[int, str]]]:
    """For each flow visitor (pk, home library id): the (host id, ISO day) of each request it
    makes, in order, on days the host takes a visitor by the app's own rule.

    No two visitors ask for the same host on the same day and no visitor asks for the same
    day twice, so no request of the flow finds its day full or already taken, however the
    load generator's users interleave. Each host's days are read once: its closed periods
    and the visits it already has, for the whole span a visit may begin in.
    """
    from exchange import hosting, workflow
    from libraries import availability
    from libraries.models import ClosedPeriod

    first = today + timedelta(days=SLOTS_FROM_DAYS_AHEAD)
    last = workflow.latest_first_day(today)
    ids = [host.pk for host in hosts]
    visitors_on = hosting.count_visitors(ids, first, last)
    closed: dict[int, list] = {pk: [] for pk in ids}
    for period in ClosedPeriod.objects.filter(
        library_id__in=ids, last_day__gte=first, first_day__lte=last
    ):
        closed[period.library_id].append(period)
    open_hosts: dict = {}
    for host in hosts:
        for day in availability.day_states(
            host,
            first,
            last,
            today=today,
            closed=closed[host.pk],
            visitors=visitors_on.get(host.pk, Counter()),
        ):
            if day.requestable:
                open_hosts.setdefault(day.day, []).append(host.pk)

    slots: dict[int, list[tuple[int, str]]] = {pk: [] for pk, _home in visitors}
    for turn, day in enumerate(sorted(open_hosts)):
        free = open_hosts[day]
        # Each day the hosts are taken from another place in the list, and the visitors
        # come in another order, so that the requests spread over every host.
        free = free[turn % len(free) :] + free[: turn % len(free)]
        waiting = visitors[turn % len(visitors) :] + visitors[: turn % len(visitors)]
        for pk, home in waiting:
            if len(slots[pk]) >= per_visitor:
                continue
            host_pk = next((candidate for candidate in free if candidate != home), None)
            if host_pk is None:
                break
            free.remove(host_pk)
            slots[pk].append((host_pk, day.isoformat()))
        if all(len(taken) >= per_visitor for taken in slots.values()):
            break
    return slots


class StepFailed(Exception):
    """A step of the flow did not answer as a person would expect."""


def request_form(token: str, host: dict, day: str, focus_areas: list[int]) -> dict:
    """The visitor's request in the flow, as the form sends it: one day at this host."""
    return {
        "csrfmiddlewaretoken": token,
        "host_library": host["pk"],
        "first_day": day,
        "last_day": day,
        "kind": "one_way",
        "trip_type": "training_day",
        "expectations": "Haluan nähdä, miten lasten ja nuorten palvelut on järjestetty.",
        "focus_areas": focus_areas,
        "cover_arrangements": "Kollega hoitaa asiakaspalvelun.",
        "travel_car_km": "120",
        "host_contact_name": "Yhteyshenkilö",
        "host_contact_email": host["contact"],
        "privacy_accepted": "on",
        "action": "submit",
    }


# The host's answer in the flow: approve, with the mentor and the first day's details.
HOST_DECISION = {
    "approve-mentor_name": "Työpaikkaohjaaja",
    "approve-mentor_email": "ohjaaja@example.fi",
    "approve-mentor_phone": "040 123 4567",
    "approve-mentor_language": "fi",
    "approve-meeting_place": "Henkilökunnan sisäänkäynti",
    "approve-meeting_time": "9.00",
    "approve-programme_notes": "Tutustuminen lasten ja nuorten palveluihin.",
    "approve-comment": "",
}


def approval_path(exchange_id: int, role: str) -> str:
    """The path of the pending approval's link, as its email would give it: one look-up of
    the three columns the link is made of.

    The load generator runs it once per approval in the same process as its users (and on
    the same machine as the server), so the query is compiled once (web.prepared), not built
    for each call: the generator's own work is not the server's."""
    from exchange import links
    from exchange.models import Approval

    rows = _pending_approval(role).rows(exchange_id)
    if not rows:
        raise StepFailed(f"exchange {exchange_id} has no pending {role} approval")
    pk, version, language = rows[0]
    return urlsplit(links.approval_url(Approval(pk=pk, version=version, language=language))).path


# The pending approval of a request, by role: compiled once each (web.prepared).
_PENDING_APPROVALS: dict = {}


def _pending_approval(role: str):
    if role not in _PENDING_APPROVALS:
        from exchange.models import Approval
        from web.prepared import Prepared

        _PENDING_APPROVALS[role] = Prepared(
            lambda exchange_id: (
                Approval.objects.filter(
                    exchange_id=exchange_id, role=role, decision=Approval.Decision.PENDING
                )
                .order_by()
                .values_list("pk", "version", "language")[:1]
            )
        )
    return _PENDING_APPROVALS[role]


def _empty() -> None:
    from django.contrib.sessions.models import Session
    from django.db import connection

    from exchange.models import Approval, ExchangeRequest, HistoryEntry
    from libraries.models import Staff
    from mail.models import Notification

    models = (Notification, HistoryEntry, Approval, ExchangeRequest, Staff, Session)
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _signed_in(staff) -> str:
    """A session of the staff member's own, as the emailed sign-in link makes it (librarians
    have no password); its key is the cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from web.backends import EMAIL_LINK

    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = EMAIL_LINK
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    return session.session_key


def _build(users: int) -> dict:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone, translation

    from exchange import links
    from exchange.models import Approval, ExchangeRequest, State
    from libraries.models import FocusArea, Library, Staff

    now = timezone.now()
    today = timezone.localdate(now)
    libraries = [
        library
        for library in Library.objects.filter(accepts_visitors=True)
        .select_related("municipality")
        .order_by("pk")
        if library.domain_list
    ]
    if len(libraries) < 2:
        sys.exit("The load benchmark needs the regions' libraries (manage.py load_libraries).")

    def staff(prefix: str, number: int) -> Staff:
        library = libraries[number % len(libraries)]
        domain = library.domain_list[0]
        return Staff(
            email=f"{prefix}{number}@{domain}",
            name=f"Vierailija {prefix} {number}",
            library=library,
            language="fi",
            supervisor_name=f"Esihenkilö {number}",
            supervisor_email=f"esihenkilo.{prefix}{number}@{domain}",
        )

    readers = Staff.objects.bulk_create(staff("lukija", number) for number in range(users))
    flow_visitors = Staff.objects.bulk_create(staff("vaihto", number) for number in range(users))

    def exchange(visitor: Staff, number: int, state: str, first_day, **fields):
        host = libraries[(libraries.index(visitor.library) + 1 + number) % len(libraries)]
        host_domain = host.domain_list[0]
        return ExchangeRequest(
            visitor=visitor,
            home_library=visitor.library,
            host_library=host,
            state=state,
            first_day=first_day,
            last_day=first_day + timedelta(days=1),
            expectations="Haluan nähdä, miten lasten ja nuorten palvelut on järjestetty.",
            cover_arrangements="Kollega hoitaa asiakaspalvelun.",
            home_supervisor_name=visitor.supervisor_name,
            home_supervisor_email=visitor.supervisor_email,
            home_supervisor_language="fi",
            host_contact_name="Yhteyshenkilö",
            host_contact_email=f"yhteys@{host_domain}",
            host_contact_language="fi",
            submitted_at=None if state == State.DRAFT else now - timedelta(days=3),
            **fields,
        )

    mentor = {
        "mentor_name": "Työpaikkaohjaaja",
        "mentor_phone": "040 123 4567",
        "mentor_language": "fi",
        "meeting_place": "Henkilökunnan sisäänkäynti",
        "meeting_time": "9.00",
    }
    exchanges, waiting = [], []
    for number, reader in enumerate(readers):
        exchanges += [
            exchange(reader, 0, State.CLOSED, today - timedelta(days=400 + number), **mentor),
            exchange(reader, 1, State.CANCELLED, today - timedelta(days=200 + number)),
            exchange(reader, 2, State.CONFIRMED, today + timedelta(days=20 + number), **mentor),
            exchange(reader, 3, State.AWAITING_HOME, today + timedelta(days=60 + number)),
            exchange(reader, 4, State.DRAFT, today + timedelta(days=90 + number)),
        ]
        waiting.append(len(exchanges) - 2)
    exchanges = ExchangeRequest.objects.bulk_create(exchanges)
    approvals = Approval.objects.bulk_create(
        Approval(
            exchange=exchanges[index],
            role=Approval.Role.HOME,
            name=exchanges[index].home_supervisor_name,
            email=exchanges[index].home_supervisor_email,
            language="fi",
            next_reminder_at=now + timedelta(days=3),
        )
        for index in waiting
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    hosts = [
        {"pk": library.pk, "contact": f"yhteys@{library.domain_list[0]}"} for library in libraries
    ]
    slots = flow_slots(
        [(visitor.pk, visitor.library_id) for visitor in flow_visitors], libraries, today
    )
    with translation.override("fi"):
        return {
            "yardstick": "/bench/yardstick/",
            "home": reverse("home"),
            "directory": reverse("libraries:directory"),
            "libraries": [
                reverse("libraries:library-detail", args=[library.slug]) for library in libraries
            ],
            "approval_links": [urlsplit(links.approval_url(a)).path for a in approvals],
            "my_exchanges": reverse("exchange:my-exchanges"),
            "readers": [_signed_in(reader) for reader in readers],
            "request_form": reverse("exchange:request-create"),
            "flow_visitors": [
                {
                    "pk": visitor.pk,
                    "session": _signed_in(visitor),
                    "home": visitor.library_id,
                    "slots": slots[visitor.pk],
                }
                for visitor in flow_visitors
            ],
            "hosts": hosts,
            "focus_areas": list(FocusArea.objects.order_by("pk").values_list("pk", flat=True)[:2]),
        }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main(Path(sys.argv[1]), int(os.environ.get("BENCH_USERS", "20")))
