"""Where the benchmarked pages spend their time: `make profile` (python -m bench.profile_pages).

Builds the load benchmark's data with the same function `make bench` uses (bench/data.py;
database BENCH_WEB_DATABASE_URL, made when missing, its people and exchanges made afresh) and
renders each benchmarked page in this one process through Django's test client, with the same
signed links and sessions the load generator uses, under the benchmark's settings (DEBUG off,
PostgreSQL, Redis database BENCH_PROFILE_REDIS_URL (/13) as cache and broker, emptied before
and after; no Celery worker, so the flow's emails only wait in the queue, undrawn).

Each page is first rendered a few times to warm up, then PROFILE_RENDERS (200) times on the
clock alone (its mean), then as many times again under cProfile with every template's render
timed. It prints per page: the mean ms and the queries per request, the functions with the
most cumulative and the most own time, and the templates with the most time. cProfile's own
cost inflates the profiled figures, so read them as shares of the page's time. The flow is
counted in whole flows of nine requests (PROFILE_FLOWS, 20) and printed as one page, and after
it the messages those flows wrote are drawn as the worker that sends them draws them, a flow's
messages counted as its nine requests (so its figures add to the flow's).
"""

import cProfile
import os
import pstats
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import django

from bench.data import HOST_DECISION, StepFailed, approval_path, request_form

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "bench-profile"
RENDERS = int(os.environ.get("PROFILE_RENDERS") or 200)
FLOWS = int(os.environ.get("PROFILE_FLOWS") or 20)
WARMUP = 5
TOP_FUNCTIONS = 25
TOP_TEMPLATES = 10
DATABASE_URL = os.environ.get(
    "BENCH_WEB_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kollega_bench_web"
)
REDIS_URL = os.environ.get("BENCH_PROFILE_REDIS_URL", "redis://127.0.0.1:6379/13")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Frames of the profiler and the test client, not of the page.
DRAWN = "the flow's messages, drawn by the worker"
HARNESS = ("bench/profile_pages.py", "django/test/client.py", "django/test/utils.py")


def environment() -> dict[str, str]:
    """The benchmark's settings (bench/run.py), for a server that is this process."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "http://testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "RATELIMIT_ENABLE": "false",
        "BENCH_YARDSTICK": "true",
    }


@dataclass
class Target:
    """A benchmarked page: `render(get)` makes its requests through `get`, the instrumented
    request of the profiler, and returns how many it made."""

    name: str
    render: Callable[[Callable], int]
    rounds: int = RENDERS


@dataclass
class Profile:
    name: str
    requests: int
    seconds: float
    queries: int
    profiled_requests: int
    stats: pstats.Stats
    templates: dict[str, list[float]] = field(default_factory=dict)

    @property
    def mean_ms(self) -> float:
        return self.seconds * 1000 / self.requests

    @property
    def queries_per_request(self) -> float:
        return self.queries / self.requests


# Template timing: every render of a compiled template (pages, their parents through
# {% extends %}, includes, form and field templates) with its time and the time of the
# templates rendered inside it, so that each template's own time can be told apart.
_timing: dict[str, list[float]] | None = None
_stack: list[float] = []


def _timed_render(original):
    def _render(self, context):
        if _timing is None:
            return original(self, context)
        name = self.origin.template_name if self.origin else None
        name = str(name or self.name or "(from a string)")
        _stack.append(0.0)
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            spent = time.perf_counter() - started
            nested = _stack.pop()
            if _stack:
                _stack[-1] += spent
            row = _timing.setdefault(name, [0, 0.0, 0.0])
            row[0] += 1
            row[1] += spent
            row[2] += spent - nested

    _render.instrumented = True
    return _render


def instrument_templates() -> None:
    """Time Template._render (called for a page, its parents and every include) from now on;
    only while `_timing` is set, that is inside `profile()`."""
    from django.template.base import Template

    if not getattr(Template._render, "instrumented", False):
        Template._render = _timed_render(Template._render)


@contextmanager
def _counting_queries(counter: list[int]) -> Iterator[None]:
    from django.db import connection

    def count(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield


def profile(target: Target, rounds: int | None = None) -> Profile:
    """Warm the page up, time `rounds` renders alone, then as many under cProfile."""
    global _timing
    rounds = rounds or target.rounds
    instrument_templates()
    for _ in range(WARMUP):
        target.render(_request)

    queries = [0]
    clock = [0.0]

    def timed(call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            clock[0] += time.perf_counter() - started

    requests = 0
    with _counting_queries(queries):
        for _ in range(rounds):
            requests += target.render(timed)

    profiler = cProfile.Profile()

    def profiled(call, *args, **kwargs):
        profiler.enable()
        try:
            return call(*args, **kwargs)
        finally:
            profiler.disable()

    _timing = {}
    templates = _timing
    profiled_requests = 0
    try:
        for _ in range(rounds):
            profiled_requests += target.render(profiled)
    finally:
        _timing = None
    return Profile(
        name=target.name,
        requests=requests,
        seconds=clock[0],
        queries=queries[0],
        profiled_requests=profiled_requests,
        stats=pstats.Stats(profiler),
        templates=templates,
    )


def _request(call, *args, **kwargs):
    return call(*args, **kwargs)


def _where(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if filename == "~":
        return name
    for marker in ("site-packages/", "lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        try:
            filename = str(Path(filename).resolve().relative_to(BASE_DIR))
        except ValueError:
            pass
    return f"{filename}:{line} {name}"


def report(result: Profile, top: int = TOP_FUNCTIONS, templates: int = TOP_TEMPLATES) -> str:
    """The page's figures as text: mean, queries, functions, templates."""
    per = result.profiled_requests or 1
    rows = {
        function: (calls, own, cumulative)
        for function, (_primitive, calls, own, cumulative, _callers) in result.stats.stats.items()
        if not any(part in function[0] for part in HARNESS)
    }
    total = sum(own for _calls, own, _cumulative in rows.values()) or 1e-9
    lines = [
        f"== {result.name}: {result.mean_ms:.2f} ms per request (mean of {result.requests}), "
        f"{result.queries_per_request:.1f} queries per request",
        f"   profiled: {total * 1000 / per:.2f} ms per request under cProfile "
        f"({result.profiled_requests} requests)",
        "",
        f"   by cumulative time (top {top})      ms/req  share  calls/req",
    ]

    def line(function, value):
        calls = rows[function][0]
        return (
            f"   {value * 1000 / per:8.2f} {value / total:6.0%} {calls / per:9.1f}  "
            f"{_where(function)}"
        )

    by_cumulative = sorted(rows, key=lambda f: rows[f][2], reverse=True)[:top]
    lines += [line(function, rows[function][2]) for function in by_cumulative]
    lines += ["", f"   by own time (top {top})             ms/req  share  calls/req"]
    by_own = sorted(rows, key=lambda f: rows[f][1], reverse=True)[:top]
    lines += [line(function, rows[function][1]) for function in by_own]
    lines += [
        "",
        f"   templates (top {templates} by own time)  renders/req  ms/req  own ms/req  template",
    ]
    by_template = sorted(result.templates.items(), key=lambda item: item[1][2], reverse=True)
    for name, (count, spent, own) in by_template[:templates]:
        lines.append(
            f"   {count / per:32.1f} {spent * 1000 / per:7.2f} {own * 1000 / per:11.2f}  "
            f"template {name}"
        )
    return "\n".join(lines) + "\n"


# The pages, as bench/locustfile.py asks for them.


def _client(session_key: str | None = None):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    if session_key:
        client.cookies["sessionid"] = session_key
    return client


def _get(get, client, url: str, expect: int = 200):
    response = get(client.get, url)
    if response.status_code != expect:
        raise StepFailed(f"GET {url}: status {response.status_code}, not {expect}")
    return response


def page(name: str, urls: list[str], session_key: str | None = None) -> Target:
    """A page read with GET, in turn from each of these addresses."""
    client = _client(session_key)
    turn = [0]

    def render(get) -> int:
        url = urls[turn[0] % len(urls)]
        turn[0] += 1
        _get(get, client, url)
        return 1

    return Target(name, render)


class Flow:
    """The submit-and-approve flow of bench/locustfile.py: a visitor submits a request, the
    home supervisor and then the host approve it; nine requests."""

    def __init__(self, data: dict):
        self.data = data
        self.visitors = [
            {**visitor, "client": _client(visitor["session"]), "slots": iter(visitor["slots"])}
            for visitor in data["flow_visitors"]
        ]
        self.hosts = {host["pk"]: host for host in data["hosts"]}
        # One client for the supervisors, its cookies cleared for each flow: a new client
        # would load the middleware afresh (whitenoise reads every static file's headers).
        self.supervisor = _client()
        self.turn = 0

    def __call__(self, send) -> int:
        visitor = self.visitors[self.turn % len(self.visitors)]
        self.turn += 1
        # The visitor's next host and day (bench/data.py's flow_slots): free by the app's
        # rule and asked for by no one else.
        slot = next(visitor["slots"], None)
        if slot is None:
            raise StepFailed(f"flow visitor {visitor['pk']} has made all its requests")
        host_pk, day = slot
        exchange_id = self._submit(send, visitor, self.hosts[host_pk], day)
        self.supervisor.cookies.clear()
        self._decide(send, self.supervisor, exchange_id, "home", {"approve-comment": ""})
        self._decide(send, self.supervisor, exchange_id, "host", dict(HOST_DECISION))
        return 9

    def _form(self, send, client, url: str) -> str:
        match = CSRF.search(_get(send, client, url).content)
        if match is None:
            raise StepFailed(f"{url}: no CSRF token")
        return match.group(1).decode()

    def _post(self, send, client, url: str, data: dict):
        response = send(client.post, url, data)
        if response.status_code != 302:
            raise StepFailed(f"POST {url}: status {response.status_code}, not 302")
        return response["Location"]

    def _submit(self, send, visitor: dict, host: dict, day: str) -> int:
        url = self.data["request_form"]
        client = visitor["client"]
        token = self._form(send, client, url)
        location = self._post(
            send,
            client,
            url,
            request_form(token, host, day, self.data["focus_areas"]),
        )
        match = re.search(r"/(\d+)/$", location)
        if match is None:
            raise StepFailed(f"submit: redirected to {location!r}")
        _get(send, client, location)
        return int(match.group(1))

    def _decide(self, send, client, exchange_id: int, role: str, fields: dict) -> None:
        path = approval_path(exchange_id, role)
        token = self._form(send, client, path)
        decision = {"csrfmiddlewaretoken": token, "action": "approve", **fields}
        self._post(send, client, path, decision)
        _get(send, client, path)


class DrawnByTheWorker:
    """The flow's messages as the worker that sends them draws them (mail.outbox.draw): the
    requests of the flow target above wrote them without their text (the broker is set, no
    worker runs). Each round draws one flow's messages, each transition's together as its
    task draws them, and counts nine requests, so its figures compare with the flow's."""

    def __init__(self):
        self.exchanges = None

    def __call__(self, send) -> int:
        from mail.models import Notification

        if self.exchanges is None:
            waiting = Notification.objects.filter(body_text="").exclude(draw_from={})
            self.exchanges = iter(
                waiting.order_by("about_id").values_list("about_id", flat=True).distinct()
            )
        exchange_id = next(self.exchanges, None)
        if exchange_id is None:
            raise StepFailed("no flow's messages are left to draw: profile the flow first")
        messages = Notification.objects.filter(about_id=exchange_id, body_text="").exclude(
            draw_from={}
        )
        transitions: dict[str, list] = {}
        for message in messages.order_by("pk"):
            # The dedupe key names the transition by the exchange's version.
            transitions.setdefault(message.dedupe_key.split(":")[2], []).append(message)
        send(_draw, list(transitions.values()))
        return 9


def _draw(transitions: list[list]) -> None:
    from mail import outbox

    for messages in transitions:
        with outbox.drawing_together():
            for message in messages:
                outbox.draw(message)


def targets(data: dict) -> list[Target]:
    """The benchmark's targets (bench/run.py's TARGETS), made from bench/data.py's output."""
    readers = data["readers"]
    return [
        page("yardstick (bare view)", [data["yardstick"]]),
        page("home page", [data["home"]]),
        page("directory", [data["directory"]]),
        page("library page", data["libraries"]),
        page("supervisor link page", data["approval_links"]),
        page("visitor's list", [data["my_exchanges"]], readers[0]),
        Target("submit-and-approve flow", Flow(data), rounds=FLOWS),
        Target(DRAWN, DrawnByTheWorker(), rounds=FLOWS),
    ]


def main(names: list[str]) -> int:
    import json

    import redis

    os.environ.update(environment())
    django.setup()
    from bench import data as bench_data

    OUT.mkdir(parents=True, exist_ok=True)
    output = OUT / "data.json"
    cache = redis.Redis.from_url(REDIS_URL)
    cache.flushdb()
    try:
        print(
            f"Preparing {DATABASE_URL.rsplit('/', 1)[-1]} as make bench does "
            "(migrate, libraries, static, people) ...",
            flush=True,
        )
        bench_data.main(output, int(os.environ.get("BENCH_USERS") or 20))
        every = targets(json.loads(output.read_text()))
        chosen = [target for target in every if not names or target.name in names]
        if not chosen:
            print(f"No page called {', '.join(names)}.", file=sys.stderr)
            return 2
        started = time.perf_counter()
        for target in chosen:
            print(report(profile(target)), flush=True)
        print(f"({time.perf_counter() - started:.0f} s for {len(chosen)} targets)")
        return 0
    except StepFailed as problem:
        print(f"make profile: {problem}", file=sys.stderr)
        return 1
    finally:
        cache.flushdb()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
