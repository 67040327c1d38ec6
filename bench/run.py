"""The load benchmark of the web pages: `make bench` (python -m bench.run).

Serves Kollega with gunicorn (config/gunicorn.py) on PostgreSQL and Redis, on a free
loopback port, with DEBUG off, and drives it from locust processes (bench/locustfile.py):

1. bench/data.py prepares the database (BENCH_WEB_DATABASE_URL, made when missing) and
   writes the addresses and sessions the load generator needs to var/bench-web/data.json;
2. a short warm-up of every page;
3. each target alone for BENCH_STEP_SECONDS (20) with BENCH_USERS (20) users and no wait:
   the bare yardstick view first, then the pages and the submit-and-approve flow;
4. all the pages and the flow together for BENCH_DURATION (120) seconds, which must end
   without a single failed request;
5. the resident memory (RSS) of gunicorn's master and each worker, read at the end of that run.

It prints the table and the memory (and writes them as markdown to var/bench-web.md) and
exits non-zero when any request failed. Redis database BENCH_WEB_REDIS_URL (/14) holds the
cache and the queued emails (no worker runs: nothing is drawn or sent; `make profile` measures
what drawing the flow's messages costs the worker) and is emptied before and after.
"""

import csv
import importlib.metadata
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "bench-web"
REPORT = BASE_DIR / "var" / "bench-web.md"
# The goals of the ratio to the yardstick: a page's, and the flow's (its nine requests of
# which three lock and write cannot be a page's).
GOAL = 0.25
FLOW_GOAL = 0.12

YARDSTICK = "yardstick (bare view)"
FLOW = "submit-and-approve flow"
FLOW_REQUESTS = 9
# (locust class, name of its row in locust's statistics)
TARGETS = [
    ("Yardstick", YARDSTICK),
    ("Home", "home page"),
    ("Directory", "directory"),
    ("LibraryPage", "library page"),
    ("SupervisorLink", "supervisor link page"),
    ("VisitorList", "visitor's list"),
    ("Flow", FLOW),
]
PAGES = [target for target in TARGETS if target[1] != YARDSTICK]


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


USERS = _number("BENCH_USERS", 20)
STEP_SECONDS = _number("BENCH_STEP_SECONDS", 20)
DURATION = _number("BENCH_DURATION", 120)
WARMUP_SECONDS = _number("BENCH_WARMUP_SECONDS", 5)
DATABASE_URL = os.environ.get(
    "BENCH_WEB_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kollega_bench_web"
)
REDIS_URL = os.environ.get("BENCH_WEB_REDIS_URL", "redis://127.0.0.1:6379/14")


class BenchFailed(Exception):
    pass


@dataclass
class Run:
    """One locust run: its statistics rows by name, its failures, and whether the load
    generator itself ran out of CPU."""

    rows: dict[str, dict]
    failures: list[dict]
    generator_busy: bool
    # CPU seconds each part of the stack used during the run (see cpu_seconds).
    cpu: dict[str, float] = field(default_factory=dict)

    def row(self, name: str) -> dict:
        if name not in self.rows:
            raise BenchFailed(f"no {name} finished in the time given")
        return self.rows[name]

    def rps(self, name: str) -> float:
        return float(self.row(name)["Requests/s"])

    def p95(self, name: str) -> float:
        return float(self.row(name)["95%"])

    def count(self, name: str) -> int:
        return int(self.row(name)["Request Count"])

    def failed(self, name: str) -> int:
        return int(self.row(name)["Failure Count"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(
    port: int, data: Path, *, database_url: str = DATABASE_URL, redis_url: str = REDIS_URL
) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"SECURE_PROXY_SSL_HEADER", "CLIENT_IP_HEADER", "PORT", "EMAIL_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(BASE_DIR),
        DATABASE_URL=database_url,
        CACHE_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        EMAIL_URL="dummymail://",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no redirect to HTTPS and cookies without the secure flag.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        RATELIMIT_ENABLE="false",
        BENCH_YARDSTICK="true",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        # A worker replaced every thousand requests would cost the fast yardstick far more
        # than the pages; the benchmark keeps its workers.
        GUNICORN_MAX_REQUESTS=os.environ.get("GUNICORN_MAX_REQUESTS", "0"),
        BENCH_WEB_DATA=str(data),
        BENCH_USERS=str(USERS),
    )
    return env


def _workers() -> int:
    return _number("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)


def _machine(
    *, database_url: str = DATABASE_URL, redis_url: str = REDIS_URL, gunicorn: str = ""
) -> dict[str, str]:
    """The machine and the software versions; `gunicorn` says how it runs (by default the
    number of sync workers)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB memory"
    except (OSError, ValueError, IndexError):
        pass
    try:
        system = platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        system = platform.platform()
    with psycopg.connect(database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    versions = {name: importlib.metadata.version(name) for name in ("django", "gunicorn", "locust")}
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores{memory}, {system}",
        "software": (
            f"Python {platform.python_version()}, Django {versions['django']}, "
            f"PostgreSQL {postgres.split()[0]}, Redis {redis_version}, "
            f"gunicorn {versions['gunicorn']} ({gunicorn or f'{_workers()} sync workers'}), "
            f"locust {versions['locust']} on the same machine"
        ),
    }


def _prepare(env: dict[str, str], data: Path) -> None:
    name = env["DATABASE_URL"].rsplit("/", 1)[-1]
    print(f"Preparing {name} (migrate, libraries, static, people) ...")
    command = [sys.executable, "-m", "bench.data", str(data)]
    if subprocess.run(command, cwd=BASE_DIR, env=env).returncode != 0:
        raise BenchFailed("preparing the database failed (above)")


def _start_server(
    env: dict[str, str], port: int, log_path: Path = OUT / "gunicorn.log"
) -> subprocess.Popen:
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    health = urllib.request.Request(f"http://127.0.0.1:{port}/health/")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailed(f"gunicorn stopped at start-up; see {log_path}")
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchFailed(f"gunicorn did not answer /health/ in a minute; see {log_path}")


def _stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=35)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _locust(
    env,
    port: int,
    name: str,
    classes: list[str],
    seconds: int,
    reset: bool,
    *,
    locustfile: str = "bench/locustfile.py",
    out: Path = OUT,
) -> Run:
    prefix = out / name
    for old in out.glob(f"{name}_*.csv"):
        old.unlink()
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        locustfile,
        "--headless",
        "--users",
        str(USERS),
        "--spawn-rate",
        str(USERS),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *(["--reset-stats"] if reset else []),
        *classes,
    ]
    log = prefix.with_suffix(".log")
    with log.open("w") as output:
        subprocess.run(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + 120,
        )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise BenchFailed(f"locust wrote no statistics; see {log}")
    with stats.open(newline="") as rows:
        by_name = {row["Name"]: row for row in csv.DictReader(rows)}
    if not int(by_name.get("Aggregated", {}).get("Request Count") or 0):
        raise BenchFailed(f"locust made no requests; see {log}")
    with Path(f"{prefix}_failures.csv").open(newline="") as rows:
        failures = list(csv.DictReader(rows))
    return Run(by_name, failures, "CPU usage above" in log.read_text())


# The parts of the stack whose CPU time the report shows, in its order.
CPU_PARTS = ("server", "database", "cache", "generator")


def _processes() -> dict[int, tuple[str, int, float]]:
    """Every process now: its name, its parent and the CPU seconds (user and system) it has
    used so far, from /proc/<pid>/stat."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().split("(", 1)[1].rsplit(")", 1)
            fields = rest.split()
            found[int(stat.parent.name)] = (
                name,
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / tick,
            )
        except (OSError, IndexError, ValueError):
            continue
    return found


def cpu_seconds(server: int) -> dict[str, float]:
    """CPU seconds used so far by each part of the stack on this machine: gunicorn (its master
    and workers), PostgreSQL and Redis (their processes, by name), and the load generator
    (locust, run and waited for by this process). Read before and after a run, the
    difference is what serving that run cost each part: the machine's two cores are shared
    by all four, so the generator's own work is part of what a page's throughput pays."""
    used = dict.fromkeys(CPU_PARTS, 0.0)
    for pid, (name, parent, seconds) in _processes().items():
        if server in (pid, parent):
            used["server"] += seconds
        elif name.startswith("postgres"):
            used["database"] += seconds
        elif name.startswith("redis-server"):
            used["cache"] += seconds
    times = os.times()
    used["generator"] = times.children_user + times.children_system
    return used


def _rss_kb(pid: int) -> int | None:
    """The process's resident memory (VmRSS) in kB; None when it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def _children(pid: int) -> list[int]:
    """The processes whose parent is this one (gunicorn's workers of its master)."""
    return sorted(child for child, (_name, parent, _cpu) in _processes().items() if parent == pid)


def gunicorn_memory(master: int) -> list[tuple[str, int, int]]:
    """(role, pid, RSS in kB) of gunicorn's master and each of its workers, as they are now."""
    rows = []
    for role, pid in [("master", master), *(("worker", child) for child in _children(master))]:
        rss = _rss_kb(pid)
        if rss is not None:
            rows.append((role, pid, rss))
    return rows


def memory_table(rows: list[tuple[str, int, int]]) -> str:
    """The processes' memory as markdown, with the sum."""
    lines = [
        "Memory at the end of the run (resident, VmRSS):",
        "",
        "| gunicorn process | pid | RSS MB |",
        "|---|--:|--:|",
    ]
    lines += [f"| {role} | {pid} | {rss / 1024:.1f} |" for role, pid, rss in rows]
    workers = [rss for role, _pid, rss in rows if role == "worker"]
    total = sum(rss for _role, _pid, rss in rows)
    lines.append(f"| all {len(rows)} ({len(workers)} workers) | | {total / 1024:.1f} |")
    return "\n".join(lines) + "\n"


def _failures(run: Run, title: str) -> list[str]:
    return [
        f"  {title}: {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)"
        for row in run.failures
    ]


def _cpu_per_request(run: Run, count: int) -> str:
    """What each part of the stack spent on one request of the run, in CPU milliseconds."""
    if not run.cpu or not count:
        return "–"
    parts = [run.cpu[part] * 1000 / count for part in CPU_PARTS]
    return " + ".join(f"{value:.2f}" for value in parts) + f" = {sum(parts):.2f}"


def goal(name: str) -> float:
    """The ratio to the yardstick this target must reach."""
    return FLOW_GOAL if name == FLOW else GOAL


def _table(machine: dict, runs: dict[str, Run], mixed: Run) -> tuple[str, bool]:
    """The report as markdown, and whether every page met the goal."""
    base = runs[YARDSTICK].rps(YARDSTICK)
    lines = [
        f"{USERS} users without wait time, {STEP_SECONDS} s per target, one target at a time; "
        f"ratio = requests/s ÷ the yardstick's (goal ≥ {GOAL} for a page, ≥ {FLOW_GOAL} for "
        "the flow).",
        "",
        "| target | requests/s | p95 ms | ratio | goal met | CPU ms per request: "
        "server + database + cache + load generator |",
        "|---|--:|--:|--:|:-:|--:|",
    ]
    all_met = True
    for _class, name in TARGETS:
        run = runs[name]
        if name == FLOW:
            flows = run.rps(FLOW)
            requests = run.rps("Aggregated") - flows
            ratio = requests / base
            label = f"{FLOW} ({FLOW_REQUESTS} requests; p95 of a whole flow)"
            rate = f"{flows:.1f} flows/s = {requests:.0f}"
            count = run.count("Aggregated") - run.count(FLOW)
        else:
            ratio = run.rps(name) / base
            label, rate = name, f"{run.rps(name):.0f}"
            count = run.count(name)
        met = ratio >= goal(name)
        if name != YARDSTICK:
            all_met &= met
        lines.append(
            f"| {label} | {rate} | {run.p95(name):.0f} | {ratio:.2f} | "
            f"{'—' if name == YARDSTICK else 'yes' if met else '**no**'} | "
            f"{_cpu_per_request(run, count)} |"
        )
    total = mixed.count("Aggregated")
    failed = mixed.failed("Aggregated")
    lines += [
        "",
        f"Mixed run: all {len(PAGES)} targets together, {USERS} users for {DURATION} s: "
        f"{total:,} requests ({mixed.count(FLOW):,} whole flows among them), "
        f"{mixed.rps('Aggregated'):.0f}/s, **{failed} failed**.",
        "",
        "| target (mixed run) | requests | failed | requests/s | p95 ms |",
        "|---|--:|--:|--:|--:|",
    ]
    for _class, name in PAGES:
        lines.append(
            f"| {name} | {mixed.count(name):,} | {mixed.failed(name)} | "
            f"{mixed.rps(name):.1f} | {mixed.p95(name):.0f} |"
        )
    busy = [name for name, run in runs.items() if run.generator_busy]
    if mixed.generator_busy:
        busy.append("mixed run")
    lines += ["", f"Machine: {machine['machine']}.", "", f"Software: {machine['software']}."]
    if busy:
        lines += ["", f"locust warned that its own CPU was above 90 % in: {', '.join(busy)}."]
    return "\n".join(lines) + "\n", all_met


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    port = _number("BENCH_WEB_PORT", 0) or _free_port()
    data = OUT / "data.json"
    env = _environment(port, data)
    cache = redis.Redis.from_url(REDIS_URL)
    server = None
    try:
        cache.flushdb()
        _prepare(env, data)
        machine = _machine()
        print(f"Starting gunicorn ({_workers()} workers) on 127.0.0.1:{port} ...")
        server = _start_server(env, port)
        page_classes = [cls for cls, _name in PAGES]

        print(f"Warm-up: every page for {WARMUP_SECONDS} s ...")
        warmup = _locust(env, port, "warmup", page_classes, WARMUP_SECONDS, reset=False)
        problems = _failures(warmup, "warm-up")
        if problems:
            raise BenchFailed("the warm-up failed:\n" + "\n".join(problems))

        runs = {}
        for cls, name in TARGETS:
            print(f"Measuring {name}: {USERS} users for {STEP_SECONDS} s ...")
            before = cpu_seconds(server.pid)
            runs[name] = _locust(env, port, cls, [cls], STEP_SECONDS, reset=True)
            after = cpu_seconds(server.pid)
            runs[name].cpu = {part: after[part] - before[part] for part in CPU_PARTS}
            problems += _failures(runs[name], name)
        print(f"Mixed run: every page and the flow, {USERS} users for {DURATION} s ...")
        mixed = _locust(env, port, "mixed", page_classes, DURATION, reset=False)
        problems += _failures(mixed, "mixed run")
        memory = memory_table(gunicorn_memory(server.pid))
    except BenchFailed as problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 1
    finally:
        _stop_server(server)
        cache.flushdb()

    try:
        report, all_met = _table(machine, runs, mixed)
    except BenchFailed as problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 1
    report += "\n" + memory
    REPORT.write_text(report)
    print()
    print(report)
    print(f"(also in {REPORT.relative_to(BASE_DIR)}; locust's CSV and logs in var/{OUT.name}/)")
    if problems:
        print("Failed requests:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    if not all_met:
        print(
            f"Some targets are below their goal ({GOAL} for a page, {FLOW_GOAL} for the flow) "
            "of the yardstick's throughput (see the table)."
        )
    return 0


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
