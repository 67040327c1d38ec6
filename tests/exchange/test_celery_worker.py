"""Real tasks through Redis to a real Celery worker process, sharing the test database.

The worker is started as production starts it (`celery -A config worker`), with its own
Redis database, and stopped at the end of each test.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from exchange import workflow
from mail import tasks
from mail.models import Notification
from tests.exchange import support
from tests.exchange.test_delivery import broker
from tests.mail.mailserver import MailServer

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(settings.BASE_DIR)
# A Redis database of these tests' own, emptied before and after.
WORKER_REDIS_DB = 9


def broker_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(parts._replace(path=f"/{WORKER_REDIS_DB}"))


def database_url() -> str:
    """The test database pytest-django made, as the worker's DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(log_path: Path, **env: str):
    """A worker process on the test database and Redis database 9, and the test's tasks
    sent there, while inside."""
    url = broker_url()
    redis.Redis.from_url(url).flushdb()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "EMAIL_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": url,
        **env,
    }
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                # As the Procfile runs it: two threads in one process.
                "--pool",
                "threads",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"kollega-test-{os.getpid()}@%h",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with broker(url):
                yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
            redis.Redis.from_url(url).flushdb()


def wait_until(condition, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"the worker did not get there in {timeout} s:\n{log_path.read_text()[-3000:]}")


def sent(**filters) -> int:
    return Notification.objects.filter(status="sent", **filters).count()


def read_mail(directory: Path) -> list:
    """Every message the worker's file backend wrote, parsed."""
    messages = []
    for path in sorted(directory.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(message_from_bytes(chunk, policy=policy.default))
    return messages


def test_a_real_worker_sends_the_emails_of_a_request_once_even_when_a_task_comes_twice(
    tmp_path, alice, host
):
    mail_dir = tmp_path / "mail"
    log_path = tmp_path / "worker.log"

    with celery_worker(log_path, EMAIL_URL=f"filemail://{mail_dir}"):
        exchange = support.submitted(alice, host)
        wait_until(lambda: sent() == 2, log_path)
        submitted = Notification.objects.get(kind="submitted")

        # The same task again, twice: a redelivery after a lost acknowledgement.
        tasks.send_notification.delay(submitted.pk)
        tasks.send_notification.delay(submitted.pk)
        # One worker takes tasks in order: once the cancellation is out, so are those.
        workflow.cancel(exchange.pk, by=alice, reason="Aikataulu muuttui.")
        wait_until(lambda: sent(kind="cancelled") == 2, log_path)

    messages = read_mail(mail_dir)
    to_alice = [m for m in messages if m["To"].addresses[0].addr_spec == "alice@seinajoki.fi"]
    assert [m["Subject"].strip() for m in to_alice].count(submitted.subject) == 1
    assert len(messages) == 4
    submitted.refresh_from_db()
    assert (submitted.status, submitted.attempts) == ("sent", 1)
    assert "succeeded" in log_path.read_text()


def test_a_real_worker_retries_a_temporary_smtp_failure_and_sends_once(tmp_path, alice, host):
    log_path = tmp_path / "worker.log"

    with (
        MailServer() as server,
        celery_worker(
            log_path, EMAIL_URL=f"smtp://127.0.0.1:{server.port}", OUTBOX_RETRY_DELAY="1"
        ),
    ):
        server.handler.data_replies = ["451 4.3.0 Mailbox busy, try again later"]
        support.submitted(alice, host)
        wait_until(lambda: sent() == 2, log_path)

    assert sorted(server.handler.recipients()) == ["alice@seinajoki.fi", "eeva@seinajoki.fi"]
    attempts = sorted(Notification.objects.values_list("attempts", flat=True))
    assert attempts == [1, 2]
    assert "retry: Retry in 1" in log_path.read_text()
