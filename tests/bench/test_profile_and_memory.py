import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench import profile_pages
from bench import run as bench_run
from bench.data import _signed_in
from bench.run import cpu_seconds, gunicorn_memory, memory_table
from exchange import links
from tests.factories import ApprovalFactory, StaffFactory


@pytest.mark.django_db
def test_the_profile_of_a_page_gives_its_mean_its_queries_and_its_templates():
    approval = ApprovalFactory(exchange__state="awaiting_home")
    path = urlsplit(links.approval_url(approval)).path
    # Signed in, so that the page is drawn around its kept parts on every opening (for a
    # reader who is not signed in the whole page comes from the cache, drawing no template).
    reader = _signed_in(StaffFactory())
    target = profile_pages.page("supervisor link page", [path], reader)

    result = profile_pages.profile(target, rounds=4)
    text = profile_pages.report(result)

    assert result.requests == 4 and result.profiled_requests == 4
    assert result.mean_ms > 0
    assert result.queries_per_request >= 1
    assert text.startswith(
        f"== supervisor link page: {result.mean_ms:.2f} ms per request (mean of 4), "
        f"{result.queries_per_request:.1f} queries per request"
    )
    assert "exchange/link_views.py" in text
    template = next(line for line in text.splitlines() if "exchange/links/approval.html" in line)
    renders, spent, own = (float(number) for number in template.split()[:3])
    assert renders == 1.0 and spent >= own > 0


def test_a_page_that_does_not_answer_as_expected_stops_the_profile(db):
    target = profile_pages.page("a page that is not there", ["/fi/ei-ole/"])
    with pytest.raises(profile_pages.StepFailed, match="status 404"):
        profile_pages.profile(target, rounds=1)


def _status_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])


def test_the_memory_of_gunicorns_master_and_each_worker_is_read_from_proc():
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        rows = gunicorn_memory(os.getpid())
        by_pid = {pid: (role, rss) for role, pid, rss in rows}
        assert rows[0][:2] == ("master", os.getpid())
        assert by_pid[worker.pid][0] == "worker"
        assert by_pid[worker.pid][1] == pytest.approx(_status_rss(worker.pid), rel=0.2)
        assert rows[0][2] == pytest.approx(_status_rss(os.getpid()), rel=0.2)
    finally:
        worker.kill()
        worker.wait()
    assert worker.pid not in {pid for _role, pid, _rss in gunicorn_memory(os.getpid())}


# Keeps a process busy for the given CPU seconds.
BUSY = "import time\nend = time.process_time() + {}\nwhile time.process_time() < end: pass\n"


def test_the_cpu_each_part_of_the_stack_used_is_read_from_proc():
    # A "server" (this process) with a worker that keeps busy, and a "generator" that has
    # finished and been waited for, as locust is when a target's run ends.
    worker = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        before = cpu_seconds(os.getpid())
        subprocess.run([sys.executable, "-c", BUSY.format(0.5)], check=True)
        exec(BUSY.format(0.3))
        after = cpu_seconds(os.getpid())
    finally:
        worker.kill()
        worker.wait()
    used = {part: after[part] - before[part] for part in after}
    assert set(used) == {"server", "database", "cache", "generator"}
    # The "master" (this process) spun for 0.3 s, its worker all along.
    assert used["server"] >= 0.3 + 0.05
    assert 0.5 <= used["generator"] < 2
    assert used["database"] >= 0 and used["cache"] >= 0


def test_the_memory_table_gives_each_process_in_mb_and_their_sum():
    table = memory_table([("master", 100, 51200), ("worker", 101, 102400), ("worker", 102, 97280)])
    assert "| master | 100 | 50.0 |" in table
    assert "| worker | 101 | 100.0 |" in table
    assert "| worker | 102 | 95.0 |" in table
    assert "| all 3 (2 workers) | | 245.0 |" in table


def _locust_run(rates: dict[str, float]) -> bench_run.Run:
    rows = {
        name: {"Requests/s": rate, "95%": 50, "Request Count": rate * 20, "Failure Count": 0}
        for name, rate in rates.items()
    }
    return bench_run.Run(rows=rows, failures=[], generator_busy=False)


@pytest.mark.parametrize(
    ("flows_a_second", "flow_met", "all_met"),
    [(13.5, "yes", True), (13.0, "**no**", False)],
)
def test_the_table_holds_a_page_to_a_quarter_and_the_flow_to_012(flows_a_second, flow_met, all_met):
    # 1000 requests a second for the yardstick, every page at 0.25, the flow at 0.1215
    # (13.5 flows of nine requests) or 0.117 (13.0).
    runs = {bench_run.YARDSTICK: _locust_run({bench_run.YARDSTICK: 1000})}
    for _class, name in bench_run.PAGES:
        runs[name] = _locust_run({name: 250})
    runs[bench_run.FLOW] = _locust_run(
        {bench_run.FLOW: flows_a_second, "Aggregated": flows_a_second * 10}
    )
    mixed = _locust_run({name: 10 for _class, name in bench_run.TARGETS} | {"Aggregated": 60})

    table, met = bench_run._table({"machine": "m", "software": "s"}, runs, mixed)

    assert met is all_met
    assert "| home page | 250 | 50 | 0.25 | yes |" in table
    flow = next(line for line in table.splitlines() if line.startswith(f"| {bench_run.FLOW}"))
    assert f"| {flow_met} |" in flow


@pytest.mark.django_db
def test_the_benchmarks_flow_visitors_ask_for_free_days_no_one_else_asks_for():
    from datetime import date, timedelta

    from django.utils import timezone

    from bench.data import flow_slots
    from exchange import workflow
    from libraries.models import ClosedPeriod
    from tests.factories import ExchangeRequestFactory, LibraryFactory, StaffFactory

    today = timezone.localdate()
    hosts = [LibraryFactory() for _ in range(3)]
    hosts[1].host_weekdays = "24"
    hosts[1].save()
    ClosedPeriod.objects.create(
        library=hosts[0],
        reason=ClosedPeriod.Reason.SUMMER,
        first_day=today + timedelta(days=10),
        last_day=today + timedelta(days=40),
    )
    taken = ExchangeRequestFactory(
        host_library=hosts[2],
        state="confirmed",
        first_day=today + timedelta(days=14),
        last_day=today + timedelta(days=15),
    )
    visitors = [StaffFactory(library=hosts[0]), StaffFactory(library=hosts[2]), StaffFactory()]

    slots = flow_slots([(v.pk, v.library_id) for v in visitors], hosts, today, per_visitor=60)

    every = [(host, day) for visitor in visitors for host, day in slots[visitor.pk]]
    assert len(every) == 3 * 60
    assert len(set(every)) == len(every)
    by_pk = {host.pk: host for host in hosts}
    for visitor in visitors:
        days = [day for _host, day in slots[visitor.pk]]
        assert days == sorted(set(days))
        assert date.fromisoformat(days[0]) >= today + timedelta(days=7)
        for host, day in slots[visitor.pk]:
            assert host != visitor.library_id
            first = date.fromisoformat(day)
            assert workflow.host_refusal(by_pk[host], first, first) is None
    assert (hosts[2].pk, taken.first_day.isoformat()) not in every


def test_the_profile_draws_a_flows_messages_as_the_worker_does_then_says_none_are_left(alice, host):
    from mail.models import Notification
    from tests.exchange import support
    from tests.exchange.test_drawn_by_the_worker import worker_sends

    with worker_sends():
        exchange = support.confirmed_visit(alice, host)
    waiting = Notification.objects.about(exchange)
    assert waiting.exists() and not any(message.drawn for message in waiting)

    drawn = profile_pages.DrawnByTheWorker()
    assert drawn(lambda call, *args: call(*args)) == 9
    for message in Notification.objects.about(exchange):
        support.assert_both_parts(message)
    with pytest.raises(profile_pages.StepFailed, match="no flow's messages are left"):
        drawn(lambda call, *args: call(*args))
