"""Time the coordinator's exchange list and the admin's front page among 10,000 exchanges.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollega_bench_admin \\
        .venv/bin/python manage.py bench_admin_list

It empties the exchange tables of the database it runs on, so it refuses any database that is
not PostgreSQL, and any whose name does not contain "bench" unless --may-empty-this-database
is given. It builds the exchanges as bench_reminders does (years of visits, most long over),
signs in a coordinator of the Coordinator group, and times the pages through Django's test
client: the view, its queries and the template, without a network or a web server.
"""

import statistics
import time

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bench.postgres import create_database
from exchange.models import ExchangeRequest
from libraries.models import Staff

from .bench_reminders import _build

PAGES = {
    "exchange list": "admin:exchange_exchangerequest_changelist",
    "exchange list, searched": "admin:exchange_exchangerequest_changelist",
    "front page (desk)": "admin:index",
}


class Command(BaseCommand):
    help = "Time the admin's exchange list and front page among 10,000 exchanges (PostgreSQL)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=10_000, help="exchanges to build")
        parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
        parser.add_argument("--may-empty-this-database", action="store_true")

    def handle(self, *args, size: int, repeat: int, may_empty_this_database: bool, **options):
        database = connection.settings_dict
        if connection.vendor != "postgresql" or not (
            "bench" in database["NAME"] or may_empty_this_database
        ):
            raise CommandError(
                "This benchmark empties the exchange tables: run it on a PostgreSQL database "
                "whose name contains 'bench', or say --may-empty-this-database."
            )
        create_database(database)
        call_command("migrate", verbosity=0, skip_checks=True)
        self.stdout.write(f"Building {size:,} exchanges ...")
        _build(size, 0)
        coordinator = Staff.objects.create_user(
            "bench.coordinator@example.fi", "a-long-bench-password", name="Koordinaattori"
        )
        coordinator.is_staff = True
        coordinator.save()
        coordinator.groups.add(Group.objects.get(name="Coordinator"))
        client = Client(HTTP_HOST="localhost")
        client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")

        self.stdout.write(f"{ExchangeRequest.objects.count():,} exchanges in the database.")
        self.stdout.write(
            f"{'page':<26} {'rows':>5} {'median ms':>10} {'best ms':>8} {'queries':>8}"
        )
        for label, name in PAGES.items():
            with translation.override("fi"):
                path = reverse(name)
            query = {"q": "Vierailija 12"} if "searched" in label else {}
            client.get(path, query)  # warm: templates, prepared statements
            times = []
            for _run in range(repeat):
                started = time.perf_counter()
                response = client.get(path, query)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, query)
            rows = response.content.count(b'name="_selected_action"')
            self.stdout.write(
                f"{label:<26} {rows:>5} {statistics.median(times) * 1000:>10.0f} "
                f"{min(times) * 1000:>8.0f} {len(queries):>8}"
            )
