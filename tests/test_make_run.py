"""`make run` serves the site when EMAIL_URL points at a real mail server: the demo exchanges,
whose people have made-up addresses, are skipped with a note, and no mail leaves."""

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.mail.mailserver import MailServer, free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_serves_the_site_with_a_real_mail_server(tmp_path):
    port = free_port()
    with MailServer() as mail_server:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env |= {
            "EMAIL_URL": f"smtp://127.0.0.1:{mail_server.port}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kollega.sqlite3'}",
            "PORT": str(port),
        }
        output = tmp_path / "make-run.log"
        with output.open("wb") as log:
            make = subprocess.Popen(
                ["make", "--no-print-directory", "run"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            page = _first_answer(f"http://127.0.0.1:{port}/fi/", make, deadline=240)
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)

        said = output.read_text()
        assert "Kollega" in page and '<html lang="fi">' in page, said
        assert "Demo exchanges skipped: EMAIL_URL sends real mail" in said
        assert "Error" not in said
        assert not mail_server.handler.received


def _first_answer(url: str, make: subprocess.Popen, *, deadline: float) -> str:
    """The page at url once the server answers; fails if make stops or time runs out."""
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        if make.poll() is not None:
            pytest.fail(f"make run stopped with exit status {make.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"make run did not serve {url} within {deadline} s")


def test_the_readme_gives_the_outbox_pages_real_addresses():
    from tests.pages import url

    readme = (ROOT / "README.md").read_text()

    for language in ("fi", "sv"):
        assert f"`{url('mail:outbox', language)}`" in readme
