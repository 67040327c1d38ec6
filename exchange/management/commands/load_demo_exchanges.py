"""Fictional demo exchanges, one in every state, made through the workflow."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exchange import demo


class Command(BaseCommand):
    help = (
        "Create fictional demo exchanges in every state through the workflow, with their "
        "history and emails. Running it again adds nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be created, save nothing"
        )

    def handle(self, *args, **options) -> None:
        # The demo people have made-up addresses at the libraries' real domains: their
        # emails must not leave the machine, and a real mail server is no reason to stop
        # `make run` either.
        if "smtp" in settings.EMAIL_BACKEND:
            self.stdout.write(
                "Demo exchanges skipped: EMAIL_URL sends real mail, and the demo people's "
                "addresses are made up (unset EMAIL_URL to load them)."
            )
            return
        with transaction.atomic():
            try:
                lines = demo.load()
            except ValueError as exc:
                raise CommandError(
                    f"Cannot make demo exchanges: {exc}. Run manage.py load_libraries and "
                    "manage.py load_demo first."
                ) from exc
            for line in lines:
                self.stdout.write(line)
            if options["dry_run"]:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was saved.")
