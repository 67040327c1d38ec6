"""Memory of the production stack: `make memory`.

Starts the Procfile's three processes as production runs them (gunicorn with two workers, one
Celery worker with two threads, beat) on PostgreSQL (database kollega_bench_memory, made when
missing) and Redis (db 15), sends 200 requests to the pages and one request that writes emails,
and prints the resident memory (RSS) of every process and their sum. Not part of `make test`.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import environ

from bench.postgres import create_database

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_MEMORY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kollega_bench_memory"
)
REDIS_URL = os.environ.get("BENCH_MEMORY_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUESTS = 200
PAGES = ["/fi/", "/sv/", "/fi/kirjastot/", "/sv/bibliotek/", "/fi/kokemuksia/"]
LIMIT_MB = 512


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(port: int) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"SECURE_PROXY_SSL_HEADER", "PORT"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "2",
    }


def _procfile() -> dict[str, str]:
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _rss_by_session(sessions: dict[int, str]) -> list[tuple[str, int, int, str]]:
    """(role, pid, RSS in kB, command) of every process in these sessions."""
    rows = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        session = int(fields[3])
        if session in sessions:
            rss = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
            )
            rows.append((sessions[session], int(stat.parent.name), rss, command.strip()))
    return sorted(rows)


def main() -> int:
    create_database(environ.Env.db_url_config(DATABASE_URL))
    port = _free_port()
    env = _environment(port)
    python = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["load_libraries"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            python + command, cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL
        )
    processes = {}
    schedule = BASE_DIR / "var" / "celerybeat-schedule"
    schedule.parent.mkdir(exist_ok=True)
    try:
        for role, line in _procfile().items():
            processes[role] = subprocess.Popen(
                ["sh", "-c", f"exec .venv/bin/{line}" if not line.startswith("/") else line],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the stack did not answer /health/ in a minute") from None
                time.sleep(0.5)
        for number in range(REQUESTS):
            page = PAGES[number % len(PAGES)]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}", timeout=10) as answer:
                answer.read()
        emails = (
            "import time\nfrom mail import outbox\nfor i in range(5):\n"
            "    outbox.enqueue(kind='sign_in', dedupe_key=f'memory:{time.time_ns()}:{i}',\n"
            "        recipient=outbox.Recipient(f'muisti{i}@vaasa.fi', '', 'fi'),\n"
            "        context={'link_url': 'http://127.0.0.1/', 'minutes': 15})"
        )
        subprocess.run(python + ["shell", "-c", emails], cwd=BASE_DIR, env=env, check=True)
        time.sleep(5)
        sessions = {process.pid: role for role, process in processes.items()}
        rows = _rss_by_session(sessions)
        total = sum(rss for _role, _pid, rss, _command in rows)
        print(f"Memory after {REQUESTS} requests and 5 emails (RSS):")
        for role, pid, rss, command in rows:
            print(f"  {role:<7} {pid:>7} {rss / 1024:7.1f} MB  {command[:70]}")
        print(f"  {'total':<15} {total / 1024:7.1f} MB  (goal: under {LIMIT_MB} MB)")
        return 0 if total / 1024 < LIMIT_MB else 1
    finally:
        for process in processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in processes.values():
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
