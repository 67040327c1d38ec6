"""The load benchmark's users (locust): one class per page measured, and the whole flow.

bench/run.py starts locust with one class at a time, then with all the page classes
together. Every user asks again as soon as it has its answer (no wait time). A page counts
as failed unless it answers 200 (a redirect to the sign-in page is a failure too).

BENCH_WEB_DATA names the JSON file bench/data.py wrote: the pages' addresses, the
supervisor links and the visitors' session keys.
"""

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import Cookie
from urllib.parse import urlencode

import django
from locust import FastHttpUser, task
from locust.contrib.fasthttp import FastHttpSession

from bench.data import HOST_DECISION, StepFailed, approval_path, request_form

# The flow makes the supervisors' links as the app does (the same database and key). Set
# up here, before any user starts, so that loading Django costs no measured time.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from exchange.models import ExchangeRequest  # noqa: E402
from web.prepared import Prepared  # noqa: E402

DATA = json.loads(open(os.environ["BENCH_WEB_DATA"], encoding="utf-8").read())
HOSTS = {host["pk"]: host for host in DATA["hosts"]}
FLOW = "submit-and-approve flow"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_readers = itertools.count()
_flow_visitors = itertools.count()


def _session_cookie(session: FastHttpSession, key: str) -> None:
    """Sign the client in: the session cookie the sign-in link would have set."""
    session.cookiejar.set_cookie(
        Cookie(
            version=0,
            name="sessionid",
            value=key,
            port=None,
            port_specified=False,
            domain="127.0.0.1",
            domain_specified=False,
            domain_initial_dot=False,
            path="/",
            path_specified=True,
            secure=False,
            expires=None,
            discard=True,
            comment=None,
            comment_url=None,
            rest={"HttpOnly": None},
        )
    )


def _get(session: FastHttpSession, url: str, name: str) -> None:
    with session.get(url, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"status {response.status_code}")


class Yardstick(FastHttpUser):
    @task
    def page(self):
        _get(self.client, DATA["yardstick"], "yardstick (bare view)")


class Home(FastHttpUser):
    @task
    def page(self):
        _get(self.client, DATA["home"], "home page")


class Directory(FastHttpUser):
    @task
    def page(self):
        _get(self.client, DATA["directory"], "directory")


class LibraryPage(FastHttpUser):
    @task
    def page(self):
        _get(self.client, random.choice(DATA["libraries"]), "library page")


class SupervisorLink(FastHttpUser):
    @task
    def page(self):
        _get(self.client, random.choice(DATA["approval_links"]), "supervisor link page")


class VisitorList(FastHttpUser):
    def on_start(self):
        readers = DATA["readers"]
        _session_cookie(self.client, readers[next(_readers) % len(readers)])

    @task
    def page(self):
        _get(self.client, DATA["my_exchanges"], "visitor's list")


class Flow(FastHttpUser):
    """A visitor submits a request, the home supervisor approves it, the host approves it
    and names the mentor: nine requests, timed together as one.

    The links reach the supervisors by email; here they are made from the database, as the
    email would carry them (exchange.links), outside the flow's time.
    """

    def on_start(self):
        from django.db.models import Max

        from exchange.models import ExchangeRequest

        visitors = DATA["flow_visitors"]
        self.visitor = visitors[next(_flow_visitors) % len(visitors)]
        _session_cookie(self.client, self.visitor["session"])
        self.supervisor = FastHttpSession(
            self.host, request_event=self.environment.events.request, user=self
        )
        # The visitor's requests take its slots in order (bench/data.py), this run going on
        # from where an earlier run of the same benchmark left them.
        last = ExchangeRequest.objects.filter(visitor_id=self.visitor["pk"]).aggregate(
            last=Max("first_day")
        )["last"]
        done = last.isoformat() if last else ""
        self.slots = iter([slot for slot in self.visitor["slots"] if slot[1] > done])

    @task
    def flow(self):
        self.elapsed = 0.0
        self.supervisor.cookiejar.clear()
        started = time.time()
        try:
            host, day = _next_slot(self.slots, self.visitor)
            exchange_id = self._submit(host, day)
            self._decide(approval_path(exchange_id, "home"), {"approve-comment": ""})
            self._decide(approval_path(exchange_id, "host"), dict(HOST_DECISION))
            state = _state(exchange_id)
            if state != "confirmed":
                raise StepFailed(f"exchange {exchange_id} ended {state}, not confirmed")
        except StepFailed as problem:
            exception = problem
        else:
            exception = None
        self.environment.events.request.fire(
            request_type="FLOW",
            name=FLOW,
            response_time=self.elapsed * 1000,
            response_length=0,
            exception=exception,
            context={},
            start_time=started,
            url=None,
        )

    def _step(self, session, method: str, url: str, name: str, expect: int, data=None):
        headers = {}
        if data is not None:
            # As a browser sends a form: a field with several values repeats.
            data = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        begun = time.perf_counter()
        with session.request(
            method,
            url,
            name=name,
            data=data,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.elapsed += time.perf_counter() - begun
            if response.status_code != expect:
                response.failure(f"status {response.status_code}")
                raise StepFailed(f"{name}: status {response.status_code}")
            return response

    def _form(self, session, url: str, name: str) -> str:
        response = self._step(session, "GET", url, name, 200)
        match = CSRF.search(response.content)
        if match is None:
            raise StepFailed(f"{name}: no CSRF token")
        return match.group(1).decode()

    def _submit(self, host: dict, day: str) -> int:
        form = DATA["request_form"]
        token = self._form(self.client, form, "flow 1: request form")
        data = request_form(token, host, day, DATA["focus_areas"])
        response = self._step(self.client, "POST", form, "flow 2: submit request", 302, data=data)
        location = response.headers.get("Location", "")
        match = re.search(r"/(\d+)/$", location)
        if match is None:
            raise StepFailed(f"submit: redirected to {location!r}")
        self._step(self.client, "GET", location, "flow 3: visitor's request page", 200)
        return int(match.group(1))

    def _decide(self, path: str, fields: dict) -> None:
        role = "host" if "approve-mentor_name" in fields else "home"
        number = 6 if role == "host" else 4
        token = self._form(self.supervisor, path, f"flow {number}: {role} link page")
        data = {"csrfmiddlewaretoken": token, "action": "approve", **fields}
        self._step(self.supervisor, "POST", path, f"flow {number}: {role} approves", 302, data=data)
        self._step(self.supervisor, "GET", path, f"flow {number}: {role} thank-you page", 200)


def _next_slot(slots, visitor: dict) -> tuple[dict, str]:
    """The host and the day of the visitor's next request."""
    slot = next(slots, None)
    if slot is None:
        raise StepFailed(f"flow visitor {visitor['pk']} has made all its requests")
    host_pk, day = slot
    return HOSTS[host_pk], day


def _state(exchange_id: int) -> str | None:
    """The request's state, by a query compiled once (web.prepared), as approval_path reads."""
    rows = _STATE.rows(exchange_id)
    return rows[0][0] if rows else None


_STATE = Prepared(
    lambda exchange_id: (
        ExchangeRequest.objects.filter(pk=exchange_id).order_by().values_list("state")
    )
)
