"""The scale-out rehearsal's users (locust): the pages and the flow of bench/locustfile.py,
each user on one of several web instances.

bench/scale.py runs one locust for all the instances, and locust's --host takes one address:
so each user takes its own from BENCH_SCALE_HOSTS (base URLs separated by spaces), the users
of each class in turn, and keeps it all its life; in the flow, the supervisors answer on
another instance than the visitor's. Every request is counted for the instance that answered
it (by its address), and every whole flow under "flows"; the counts are written to
BENCH_SCALE_COUNTS (JSON) when locust stops, after the last request (locust's own CSV is
written once a second and may miss the last one).
"""

import itertools
import json
import os
from collections import defaultdict
from pathlib import Path

from locust import events

from bench import locustfile as single

HOSTS = os.environ["BENCH_SCALE_HOSTS"].split()
_turns: defaultdict[str, itertools.count] = defaultdict(itertools.count)
_counts = {key: {"requests": 0, "failures": 0} for key in [*HOSTS, "flows"]}


class OnOneInstance:
    """A user of one instance: the first of its class takes the first, the next the next."""

    def __init__(self, environment):
        self.host = HOSTS[next(_turns[type(self).__name__]) % len(HOSTS)]
        super().__init__(environment)


class Home(OnOneInstance, single.Home):
    pass


class Directory(OnOneInstance, single.Directory):
    pass


class LibraryPage(OnOneInstance, single.LibraryPage):
    pass


class SupervisorLink(OnOneInstance, single.SupervisorLink):
    pass


class VisitorList(OnOneInstance, single.VisitorList):
    pass


class Flow(OnOneInstance, single.Flow):
    """The visitor on one instance, the supervisors on the next: behind a proxy that keeps
    nobody on one machine, a request made on one is decided on another."""

    def on_start(self):
        super().on_start()
        self.supervisor.base_url = HOSTS[(HOSTS.index(self.host) + 1) % len(HOSTS)]


def _instance(url: str | None) -> str | None:
    return next((host for host in HOSTS if url and url.startswith(f"{host}/")), None)


@events.request.add_listener
def _count(request_type: str, url: str | None, exception, **_kwargs) -> None:
    # A whole flow is not a request of its own: its nine are counted by their instance.
    counts = _counts["flows"] if request_type == "FLOW" else _counts.get(_instance(url))
    if counts is not None:
        counts["requests"] += 1
        counts["failures"] += exception is not None


@events.quitting.add_listener
def _write(**_kwargs) -> None:
    Path(os.environ["BENCH_SCALE_COUNTS"]).write_text(json.dumps(_counts))
