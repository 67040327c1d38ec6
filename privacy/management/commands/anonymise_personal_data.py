"""Anonymise personal data past its retention period: the same job that beat runs nightly."""

from django.conf import settings
from django.core.management.base import BaseCommand

from privacy import retention

LABELS = {
    "exchanges": "visits anonymised",
    "accounts": "accounts anonymised",
    "receipts": "receipts deleted",
    "messages": "other emails blanked",
    "sign_in_links": "old sign-in links deleted",
    "accessibility_feedback": "accessibility messages deleted",
    "sessions": "expired sessions deleted",
    "failed_admin_sign_ins": "old failed admin sign-ins deleted",
}


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of visits that ended more than "
        "PERSONAL_DATA_RETENTION_MONTHS ago, and of accounts unused as long."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be anonymised and change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention.run(dry_run=dry_run)
        summary = report.as_dict()
        months = settings.PERSONAL_DATA_RETENTION_MONTHS
        heading = f"Personal data older than {months} months"
        if dry_run:
            heading += " (dry run: nothing changed)"
        self.stdout.write(heading)
        for key, label in LABELS.items():
            self.stdout.write(f"  {label:<34} {summary[key]:>5}")
        if dry_run and report.exchange_ids:
            ids = ", ".join(str(pk) for pk in report.exchange_ids)
            self.stdout.write(f"  visits: {ids}")
