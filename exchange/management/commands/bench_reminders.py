"""Time the reminder sweep among few and among many exchanges, with the same reminders due.

    make bench-reminders     # PostgreSQL database kollega_bench, made when missing

It empties the exchange tables of the database it runs on, so it refuses any database
whose name does not contain "bench". For each size it builds the exchanges with
bulk_create (most of them long past, some waiting, some confirmed for later) plus the same
number of due reminders of every kind, then times the sweep as a dry run (the real work in
a transaction that is rolled back, so it can be repeated on the same data) and counts its
queries. The sweep's sending happens later in the worker and is not part of it.
"""

import re
import statistics
import time
from datetime import date, timedelta

from celery import current_app as celery_app
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from bench.postgres import create_database
from exchange import reminders
from exchange.models import Approval, ExchangeRequest, HistoryEntry, State
from libraries.models import ContactDetails, Library, Municipality, Region, Staff
from mail.models import Notification


class Command(BaseCommand):
    help = "Time the reminder sweep among 1,000 and 100,000 exchanges (PostgreSQL only)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,100000", help="exchange counts")
        parser.add_argument("--due", type=int, default=100, help="reminders due (of 4 kinds)")
        parser.add_argument("--repeat", type=int, default=5, help="timed dry runs per size")

    def handle(self, *args, sizes: str, due: int, repeat: int, **options):
        database = connection.settings_dict
        if connection.vendor != "postgresql" or "bench" not in database["NAME"]:
            raise CommandError(
                "This benchmark empties the exchange tables: run it on a PostgreSQL database "
                "whose name contains 'bench' (make bench-reminders)."
            )
        create_database(database)
        call_command("migrate", verbosity=0, skip_checks=True)
        # Nothing leaves the process: no broker, no mail server.
        celery_app.conf.task_always_eager = True
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

        rows = []
        for size in [int(part) for part in sizes.split(",")]:
            self.stdout.write(f"Building {size:,} exchanges with {due} reminders due ...")
            built = _build(size, due)
            rows.append(_measure(size, built, repeat))
        self._table(rows, due)
        self._plans()

    def _table(self, rows: list[dict], due: int) -> None:
        """Times in ms: the whole sweep (best and median of the runs) with `due` reminders,
        PostgreSQL's time for the lookups that find them, and the next sweep, which finds
        nothing left to do."""
        self.stdout.write("")
        self.stdout.write(
            f"{'exchanges':>10} {'due':>4} {'sent':>5} {'sweep best':>11} {'median':>8} "
            f"{'queries':>8} {'lookups':>8} {'next sweep':>11} {'queries':>8} {'lookups':>8}"
        )
        for row in rows:
            self.stdout.write(
                f"{row['size']:>10,} {due:>4} {row['sent']:>5} {row['best'] * 1000:>11.0f} "
                f"{row['median'] * 1000:>8.0f} {row['queries']:>8} {row['lookup_ms']:>8.2f} "
                f"{row['idle'] * 1000:>11.1f} {row['idle_queries']:>8} "
                f"{row['idle_lookup_ms']:>8.2f}"
            )

    def _plans(self) -> None:
        """How PostgreSQL finds what is due among the largest set: by index."""
        self.stdout.write("")
        self.stdout.write("Query plans of the sweep's lookups:")
        for name, queryset in _lookups():
            plan = queryset.explain()
            self.stdout.write(f"  {name}:")
            for line in plan.splitlines():
                self.stdout.write(f"    {line}")


def _empty() -> None:
    tables = [
        model._meta.db_table
        for model in (Notification, HistoryEntry, Approval, ExchangeRequest, Staff)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _libraries() -> list[Library]:
    region, _created = Region.objects.get_or_create(
        slug="bench", defaults={"name_fi": "Pohjanmaa", "name_sv": "Österbotten"}
    )
    libraries = []
    for number in range(20):
        municipality, _created = Municipality.objects.get_or_create(
            slug=f"bench-{number}",
            defaults={"name_fi": f"Kunta {number}", "region": region, "language_status": "fi"},
        )
        library, _created = Library.objects.get_or_create(
            slug=f"bench-{number}",
            defaults={
                "name_fi": f"Kirjasto {number}",
                "municipality": municipality,
                "kind": Library.Kind.MAIN,
                "street": "Kirjastonkatu 1",
                "postal_code": "65100",
                "city": "Vaasa",
                "email_domains": f"kunta{number}.fi",
            },
        )
        libraries.append(library)
    return libraries


def _build(size: int, due: int) -> dict:
    """`size` exchanges; `due` of them have a reminder due now, a quarter of each kind."""
    _empty()
    now = timezone.now()
    today = timezone.localdate(now)
    contact = ContactDetails.load()
    contact.email = "koordinaattori@example.fi"
    contact.save()
    libraries = _libraries()
    visitors = Staff.objects.bulk_create(
        Staff(
            email=f"visitor{number}@kunta{number % 20}.fi",
            name=f"Vierailija {number}",
            library=libraries[number % 20],
            supervisor_name="Esihenkilö",
            supervisor_email=f"boss@kunta{number % 20}.fi",
        )
        for number in range(1000)
    )
    quarter = due // 4
    exchanges, approvals_for = [], []

    def exchange(number: int, state: str, first_day: date, **fields) -> ExchangeRequest:
        visitor = visitors[number % len(visitors)]
        home = libraries[number % 20]
        return ExchangeRequest(
            visitor=visitor,
            home_library=home,
            host_library=libraries[(number + 1) % 20],
            state=state,
            first_day=first_day,
            last_day=first_day + timedelta(days=1),
            home_supervisor_name="Esihenkilö",
            home_supervisor_email=visitor.supervisor_email,
            home_supervisor_language="fi",
            host_contact_name="Yhteyshenkilö",
            host_contact_email=f"host@kunta{(number + 1) % 20}.fi",
            host_contact_language="fi",
            mentor_name="Työpaikkaohjaaja",
            mentor_email=f"mentor@kunta{(number + 1) % 20}.fi",
            mentor_phone="040 123 4567",
            mentor_language="fi",
            meeting_place="Henkilökunnan sisäänkäynti",
            meeting_time="9.00",
            submitted_at=now - timedelta(days=30),
            **fields,
        )

    for number in range(size - 4 * quarter):
        # What a database holds after years: mostly visits long over, some cancelled or
        # declined, some waiting for a decision, some confirmed for later, some completed
        # with their feedback reminder weeks ahead.
        kind = number % 20
        past = today - timedelta(days=30 + number % 3000)
        if kind < 12:
            exchanges.append(exchange(number, State.CLOSED, past))
        elif kind < 15:
            exchanges.append(exchange(number, State.CANCELLED, past))
        elif kind < 17:
            exchanges.append(exchange(number, State.AWAITING_HOME, today + timedelta(days=40)))
            approvals_for.append((len(exchanges) - 1, now + timedelta(days=2)))
        elif kind < 19:
            exchanges.append(
                exchange(number, State.CONFIRMED, today + timedelta(days=10 + number % 200))
            )
        else:
            exchanges.append(
                exchange(
                    number,
                    State.COMPLETED,
                    today - timedelta(days=5),
                    feedback_reminder_due_at=now + timedelta(days=3),
                )
            )
    for number in range(quarter):
        exchanges.append(exchange(number, State.AWAITING_HOME, today + timedelta(days=30)))
        approvals_for.append((len(exchanges) - 1, now - timedelta(hours=1)))
        exchanges.append(exchange(number, State.CONFIRMED, today + timedelta(days=2)))
        exchanges.append(exchange(number, State.CONFIRMED, today - timedelta(days=3)))
        exchanges.append(
            exchange(
                number,
                State.COMPLETED,
                today - timedelta(days=12),
                feedback_reminder_due_at=now - timedelta(hours=1),
            )
        )
    exchanges = ExchangeRequest.objects.bulk_create(exchanges, batch_size=5000)
    Approval.objects.bulk_create(
        (
            Approval(
                exchange=exchanges[index],
                role=Approval.Role.HOME,
                name="Esihenkilö",
                email=exchanges[index].home_supervisor_email,
                language="fi",
                created_at=now - timedelta(days=5),
                next_reminder_at=reminder_at,
            )
            for index, reminder_at in approvals_for
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"due": 4 * quarter}


class _QueryCounter:
    """Counts the queries run through the connection (with or without DEBUG)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(repeat: int, sweep) -> tuple[list[float], int, reminders.Summary]:
    """The times of `repeat` sweeps, the queries of one, and what it did."""
    timings = []
    for _ in range(repeat):
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            summary = sweep()
            timings.append(time.perf_counter() - started)
    return timings, counter.count, summary


def _lookups() -> list[tuple[str, QuerySet]]:
    """The sweeps' queries that find what is due."""
    now = timezone.now()
    return [
        ("supervisor reminders", reminders.approvals_due(now)),
        ("visit near", reminders.visits_near(now)),
        ("visit over", reminders.visits_over(now)),
        ("feedback reminders", reminders.feedback_due(now)),
        (
            "outbox sweep",
            Notification.objects.due(now).order_by("next_attempt_at").values_list("pk"),
        ),
    ]


def _lookup_ms() -> float:
    """PostgreSQL's own execution time of the lookups (EXPLAIN ANALYZE), in ms."""
    total = 0.0
    for _name, queryset in _lookups():
        plan = queryset.explain(analyze=True)
        total += float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
    return total


def _measure(size: int, built: dict, repeat: int) -> dict:
    lookup_ms = min(_lookup_ms() for _ in range(repeat))
    timings, queries, summary = _timed(repeat, lambda: reminders.run(dry_run=True))
    sent = sum(summary.as_dict().values())
    if sent != built["due"]:
        raise CommandError(f"the sweep did {summary}, expected {built['due']} reminders")
    real = reminders.run()
    if real != summary:
        raise CommandError(f"a real sweep did {real}, the dry run {summary}")
    idle, idle_queries, again = _timed(repeat, reminders.run)
    idle_lookup_ms = min(_lookup_ms() for _ in range(repeat))
    if sum(again.as_dict().values()):
        raise CommandError(f"a second sweep found more to do: {again}")
    return {
        "size": size,
        "sent": sent,
        "best": min(timings),
        "median": statistics.median(timings),
        "queries": queries,
        "lookup_ms": lookup_ms,
        "idle": min(idle),
        "idle_queries": idle_queries,
        "idle_lookup_ms": idle_lookup_ms,
    }
