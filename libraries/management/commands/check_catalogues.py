import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fail when a translation catalogue has an untranslated or fuzzy entry."

    def handle(self, *args, **options) -> None:
        problems = []
        for code, _name in settings.LANGUAGES:
            for po in Path(settings.LOCALE_PATHS[0], code, "LC_MESSAGES").glob("*.po"):
                result = subprocess.run(
                    ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                    capture_output=True,
                    text=True,
                    env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
                )
                stats = (result.stderr or result.stdout).strip()
                if result.returncode or "untranslated" in stats or "fuzzy" in stats:
                    problems.append(f"{po}: {stats}")
                else:
                    self.stdout.write(f"{po}: {stats}")
        if problems:
            raise CommandError("Incomplete catalogues:\n" + "\n".join(problems))
