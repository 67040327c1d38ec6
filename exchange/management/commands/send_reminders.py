"""Send the reminders that are due now: the same sweep that beat runs every hour."""

from django.core.management.base import BaseCommand

from exchange import reminders

LABELS = {
    "decision_reminders": "reminders to supervisors",
    "stalled": "stalled requests reported",
    "mentor_reminders": "reminders to name the workplace mentor",
    "practicalities": "visits near: practicalities sent",
    "completed": "visits completed, feedback asked",
    "feedback_reminders": "feedback and expense claim reminders",
}


class Command(BaseCommand):
    help = "Send the reminders that are due now (the hourly reminder sweep)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be sent and change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        summary = reminders.run(dry_run=dry_run).as_dict()
        heading = "Reminder sweep (dry run: nothing sent)" if dry_run else "Reminder sweep"
        self.stdout.write(heading)
        for key, label in LABELS.items():
            self.stdout.write(f"  {label:<40} {summary[key]:>5}")
