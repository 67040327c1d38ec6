"""The scale-out rehearsal on one machine: `make bench-scale` (python -m bench.scale).

Runs what two web machines would run, side by side: two gunicorn instances on two loopback
ports (WEB_CONCURRENCY, 2, sync workers each), one Celery worker beside each and one beat for
both, on one PostgreSQL database (BENCH_SCALE_DATABASE_URL, made when missing) and one Redis
database (BENCH_SCALE_REDIS_URL, /12, emptied before and after), as the Procfile starts them.
Email goes to an SMTP server in this process on a free loopback port, which accepts every
message and keeps its Message-ID and envelope recipients.

1. bench/data.py prepares the database, as for `make bench` (bench/run.py);
2. one locust (bench/locustfile_scale.py) drives both instances with the pages and the
   submit-and-approve flow for BENCH_SCALE_SECONDS (60), BENCH_USERS (20) users without wait,
   each user on one instance, and each flow's supervisors on the other one;
3. the outbox is given up to BENCH_SCALE_DRAIN_SECONDS (180) to have nothing waiting or
   being sent;
4. every outbox row must be sent, and the SMTP server must have received each sent row's
   Message-ID exactly once, for its recipient, and nothing else.

It prints the requests and failures per instance, the emails queued, sent (by which worker)
and received, and writes them as markdown to var/bench-scale.md; it exits non-zero when any
request failed or any email is missing, unsent, duplicated or unexpected.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

from bench import run
from bench.memory import _procfile

BASE_DIR = run.BASE_DIR
OUT = BASE_DIR / "var" / "bench-scale"
REPORT = BASE_DIR / "var" / "bench-scale.md"
INSTANCES = 2
SECONDS = run._number("BENCH_SCALE_SECONDS", 60)
DRAIN_SECONDS = run._number("BENCH_SCALE_DRAIN_SECONDS", 180)
WEB_WORKERS = run._number("WEB_CONCURRENCY", 2)
DATABASE_URL = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kollega_bench_scale"
)
REDIS_URL = os.environ.get("BENCH_SCALE_REDIS_URL", "redis://127.0.0.1:6379/12")
# What a Celery worker logs for each message it handed to the mail server (mail/outbox.py).
SENT_LINE = "sent notification "


@dataclass(frozen=True)
class Received:
    """One message the SMTP server accepted."""

    message_id: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class OutboxRow:
    message_id: str
    recipient: str
    status: str


@dataclass
class Delivery:
    """The outbox against what the mail server received; each list names Message-IDs."""

    queued: int
    sent: int
    received: int
    # Rows left waiting, being sent, failed or of unknown outcome: "<id> (status)".
    unsent: list[str]
    # Rows marked sent whose message never arrived.
    missing: list[str]
    # Messages that arrived more than once.
    duplicated: list[str]
    # Messages that arrived without a row marked sent.
    unexpected: list[str]
    # Messages that arrived for someone other than their row's recipient.
    misaddressed: list[str]

    @property
    def exactly_once(self) -> bool:
        return not (
            self.unsent or self.missing or self.duplicated or self.unexpected or self.misaddressed
        )


def delivery(rows: list[OutboxRow], received: list[Received]) -> Delivery:
    """Whether every outbox row was sent and arrived once, to its recipient, and nothing more."""
    arrivals = Counter(message.message_id for message in received)
    recipients: defaultdict[str, set[str]] = defaultdict(set)
    for message in received:
        recipients[message.message_id].update(address.lower() for address in message.recipients)
    sent = [row for row in rows if row.status == "sent"]
    sent_ids = {row.message_id for row in sent}
    return Delivery(
        queued=len(rows),
        sent=len(sent),
        received=len(received),
        unsent=[f"{row.message_id} ({row.status})" for row in rows if row.status != "sent"],
        missing=[row.message_id for row in sent if not arrivals[row.message_id]],
        duplicated=[message_id for message_id, times in arrivals.items() if times > 1],
        unexpected=[message_id for message_id in arrivals if message_id not in sent_ids],
        misaddressed=[
            row.message_id
            for row in sent
            if arrivals[row.message_id] and recipients[row.message_id] != {row.recipient.lower()}
        ],
    )


class Sink:
    """An SMTP server on loopback that accepts every message and keeps its Message-ID and
    envelope recipients (aiosmtpd, in a thread of this process)."""

    def __init__(self):
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=run._free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    async def handle_DATA(self, server, session, envelope) -> str:
        headers = BytesHeaderParser().parsebytes(envelope.content)
        message = Received((headers["Message-ID"] or "").strip(), tuple(envelope.rcpt_tos))
        with self._lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)


def sent_by_worker(log: str) -> int:
    """How many messages a Celery worker's log says it handed to the mail server."""
    return sum(SENT_LINE in line for line in log.splitlines())


def _start(env: dict[str, str], line: str, log: Path) -> subprocess.Popen:
    """One of the Procfile's processes, as its line says, from this virtual environment."""
    return subprocess.Popen(
        ["sh", "-c", f"exec {Path(sys.executable).parent}/{line}"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _django(env: dict[str, str]) -> None:
    """This process reads the outbox with the app's own model and settings."""
    import django

    os.environ.update(env)
    django.setup()


def _waiting() -> int:
    from mail.models import Notification

    active = [Notification.Status.PENDING, Notification.Status.SENDING]
    return Notification.objects.filter(status__in=active).count()


def _drain(seconds: int) -> tuple[int, float]:
    """Wait until no message waits or is being sent; how many still do, and the seconds."""
    started = time.monotonic()
    while (waiting := _waiting()) and time.monotonic() - started < seconds:
        time.sleep(1)
    return waiting, time.monotonic() - started


def _outbox() -> list[OutboxRow]:
    from mail.models import Notification

    return [
        OutboxRow(row.message_id, row.recipient, row.status)
        for row in Notification.objects.only("pk", "created_at", "recipient", "status")
    ]


def _instances_table(counts: dict[str, dict], seconds: int) -> list[str]:
    instances = {key: count for key, count in counts.items() if key != "flows"}
    lines = [
        "| web instance | requests | failed | requests/s |",
        "|---|--:|--:|--:|",
    ]
    for number, (host, count) in enumerate(instances.items(), start=1):
        lines.append(
            f"| {number} ({host.removeprefix('http://')}) | {count['requests']:,} | "
            f"{count['failures']} | {count['requests'] / seconds:.0f} |"
        )
    total = sum(count["requests"] for count in instances.values())
    failed = sum(count["failures"] for count in instances.values())
    lines.append(f"| both | {total:,} | {failed} | {total / seconds:.0f} |")
    return lines


def failures(counts: dict[str, dict]) -> tuple[int, int]:
    """Failed requests on all instances, and failed whole flows: a flow fails with its failed
    request, or alone when its requests answered but the exchange did not end confirmed."""
    requests = sum(count["failures"] for key, count in counts.items() if key != "flows")
    return requests, counts["flows"]["failures"]


def _list(title: str, message_ids: list[str]) -> list[str]:
    if not message_ids:
        return []
    shown = ", ".join(message_ids[:10]) + (" …" if len(message_ids) > 10 else "")
    return [f"- {title}: {len(message_ids)}: {shown}"]


def report(
    machine: dict[str, str],
    mixed: run.Run,
    counts: dict[str, dict],
    result: Delivery,
    by_worker: list[int],
    drained: tuple[int, float],
) -> str:
    """The rehearsal as markdown."""
    flows = counts["flows"]
    failed_requests, failed_flows = failures(counts)
    lines = [
        f"{INSTANCES} web instances (gunicorn, {WEB_WORKERS} sync workers each), one Celery "
        f"worker beside each, one beat; one PostgreSQL database and one Redis database. "
        f"{run.USERS} locust users without wait for {SECONDS} s, each on one instance "
        f"(the users of each page and of the flow take the instances in turn; in each flow the "
        f"supervisors answer on the other instance than the visitor).",
        "",
        *_instances_table(counts, SECONDS),
        "",
        f"**{failed_requests} failed requests**; whole submit-and-approve flows (nine requests "
        f"each, counted above): {flows['requests']:,}, **{failed_flows} failed**.",
        "",
        "By target (locust's statistics, written once a second, so the last second's requests "
        "may be missing):",
        "",
        "| target | requests | failed | requests/s | p95 ms |",
        "|---|--:|--:|--:|--:|",
    ]
    for _class, name in run.PAGES:
        if name in mixed.rows:
            lines.append(
                f"| {name} | {mixed.count(name):,} | {mixed.failed(name)} | "
                f"{mixed.rps(name):.1f} | {mixed.p95(name):.0f} |"
            )
    waiting, seconds = drained
    workers = ", ".join(
        f"worker {number} {count:,}" for number, count in enumerate(by_worker, start=1)
    )
    lines += [
        "",
        f"Emails: **{result.queued:,} queued** in the outbox during the run, "
        f"**{result.sent:,} sent** ({workers}), **{result.received:,} received** by the SMTP "
        f"server. The outbox had nothing left waiting {seconds:.0f} s after the web "
        f"instances stopped" + (f" — no: {waiting} still waiting" if waiting else "") + ".",
        "",
        "Every sent row's Message-ID arrived exactly once, for its recipient, and nothing else "
        "arrived: " + ("**yes**." if result.exactly_once else "**no**:"),
        *_list("not sent", result.unsent),
        *_list("sent, never arrived", result.missing),
        *_list("arrived more than once", result.duplicated),
        *_list("arrived without a sent row", result.unexpected),
        *_list("arrived for someone else", result.misaddressed),
        "",
        f"Machine: {machine['machine']}.",
        "",
        f"Software: {machine['software']}.",
    ]
    if mixed.generator_busy:
        lines += ["", "locust warned that its own CPU was above 90 %."]
    return "\n".join(lines) + "\n"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "data.json"
    ports = [run._free_port() for _number in range(INSTANCES)]
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    counts_file = OUT / "instances.json"
    counts_file.unlink(missing_ok=True)
    # One SECRET_KEY and one SITE_URL for all: a session or a link made by one instance is
    # good on the other, as behind a proxy.
    env = run._environment(ports[0], data, database_url=DATABASE_URL, redis_url=REDIS_URL)
    env.update(
        WEB_CONCURRENCY=str(WEB_WORKERS),
        BENCH_SCALE_HOSTS=" ".join(hosts),
        BENCH_SCALE_COUNTS=str(counts_file),
    )
    broker = redis.Redis.from_url(REDIS_URL)
    procfile = _procfile()
    servers: list[subprocess.Popen] = []
    workers: list[subprocess.Popen] = []
    beat = None
    try:
        broker.flushdb()
        run._prepare(env, data)
        machine = run._machine(
            database_url=DATABASE_URL,
            redis_url=REDIS_URL,
            gunicorn=f"{INSTANCES} instances of {WEB_WORKERS} sync workers",
        )
        with Sink() as sink:
            env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
            for number, port in enumerate(ports, start=1):
                print(f"Starting web instance {number} on 127.0.0.1:{port} and its worker ...")
                instance = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
                servers.append(run._start_server(instance, port, OUT / f"gunicorn-{number}.log"))
                line = f"{procfile['worker']} --hostname web{number}@%h"
                workers.append(_start(env, line, OUT / f"worker-{number}.log"))
            beat = _start(env, procfile["beat"], OUT / "beat.log")

            print(f"Load: every page and the flow on both, {run.USERS} users for {SECONDS} s ...")
            classes = [cls for cls, _name in run.PAGES]
            mixed = run._locust(
                env,
                ports[0],
                "scale",
                classes,
                SECONDS,
                reset=False,
                locustfile="bench/locustfile_scale.py",
                out=OUT,
            )
            for server in servers:
                run._stop_server(server)
            stopped = [process for process in [*workers, beat] if process.poll() is not None]
            if stopped:
                raise run.BenchFailed(f"a Celery process stopped during the run; see {OUT}")

            print(f"Waiting for the outbox to empty (at most {DRAIN_SECONDS} s) ...")
            _django(env)
            drained = _drain(DRAIN_SECONDS)
            result = delivery(_outbox(), sink.messages())
        by_worker = [
            sent_by_worker((OUT / f"worker-{number}.log").read_text())
            for number in range(1, INSTANCES + 1)
        ]
        if not counts_file.exists():
            raise run.BenchFailed(f"locust wrote no counts per instance; see {OUT / 'scale.log'}")
        counts = json.loads(counts_file.read_text())
        text = report(machine, mixed, counts, result, by_worker, drained)
    except run.BenchFailed as problem:
        print(f"make bench-scale: {problem}", file=sys.stderr)
        return 1
    finally:
        for process in [*servers, *workers, beat]:
            run._stop_server(process)
        broker.flushdb()

    REPORT.write_text(text)
    print()
    print(text)
    print(f"(also in {REPORT.relative_to(BASE_DIR)}; logs and locust's CSV in var/{OUT.name}/)")
    problems = run._failures(mixed, "scale-out run")
    if problems:
        print("Failed requests:\n" + "\n".join(problems), file=sys.stderr)
    if not result.queued:
        print("No email was queued: the run proves nothing about sending.", file=sys.stderr)
    failed = problems or any(failures(counts))
    return 0 if not failed and result.queued and result.exactly_once else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, run._terminate)
    sys.exit(main())
