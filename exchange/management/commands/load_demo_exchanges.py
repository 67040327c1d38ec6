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
        # The demo people have made-up addresses at the libraries' real domains.
        if "smtp" in settings.EMAIL_BACKEND:
            raise CommandError(
                "Demo exchanges write emails to made-up people; load them only while no mail "
                "leaves the machine (EMAIL_URL unset)."
            )
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
