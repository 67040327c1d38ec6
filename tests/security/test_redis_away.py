"""Redis away is not the site away: a Redis of the test's own, stopped or frozen on purpose.

With Redis as broker and cache, as production runs, the pages still answer, requests and
sign-in links are saved, and their emails go once Redis is back; /health/ says which part
is missing within its deadline instead of hanging.
"""

import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis
from django.core.cache import caches

from exchange.models import ExchangeRequest
from libraries.models import SignInLink
from mail import outbox
from mail.models import Notification
from tests.exchange import support
from tests.exchange.test_delivery import broker
from tests.mail.mailserver import free_port
from tests.pages import url
from web.cache import ResilientRedisCache

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

NOW = datetime(2027, 1, 11, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


class OwnRedis:
    """A redis-server on a port of its own, that the test may stop, freeze and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(50):
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)


@pytest.fixture
def own_redis(settings):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (Debian package redis-server)")
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "chrome": settings.CACHES["chrome"],
        "default": {
            "BACKEND": "web.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    ResilientRedisCache._paused_until = 0.0
    yield server
    server.stop()
    caches["default"].close()
    ResilientRedisCache._paused_until = 0.0


def test_a_frozen_redis_makes_health_answer_503_within_its_deadline(client, settings, own_redis):
    settings.CELERY_BROKER_URL = own_redis.url
    assert client.get("/health/").status_code == 200
    own_redis.freeze()

    started = time.monotonic()
    response = client.get("/health/")
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "database": "ok",
        "broker": "failed",
        "cache": "failed",
    }
    assert took <= 2


def test_with_redis_stopped_pages_answer_requests_are_saved_and_mail_goes_when_it_is_back(
    client, settings, own_redis, alice, host, mailoutbox, time_machine
):
    time_machine.move_to(NOW, tick=False)
    client.force_login(alice)
    own_redis.stop()

    with broker(own_redis.url):
        pages = [url("home"), url("libraries:directory"), host.get_absolute_url()]
        assert [client.get(page).status_code for page in pages] == [200, 200, 200]
        first = support.weekday_ahead(30)
        response = client.post(
            url("exchange:request-create"), support.request_form(host, first, first)
        )
        signed_out = client.__class__()
        signed_in = signed_out.post(url("accounts:sign-in"), {"email": "bertil@korsholm.fi"})

    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get(visitor=alice)
    assert exchange.state == "awaiting_home"
    assert signed_in.status_code == 302
    assert SignInLink.objects.filter(email="bertil@korsholm.fi").exists()
    waiting = set(Notification.objects.values_list("kind", "recipient"))
    assert ("decision_request", "eeva@seinajoki.fi") in waiting
    assert mailoutbox == []

    own_redis.start()
    time_machine.move_to(NOW + outbox.SWEEP_GRACE + timedelta(seconds=1), tick=False)
    sent = outbox.send_pending()

    assert sent == len(waiting)
    assert sorted(message.to[0].rsplit("<")[-1].rstrip(">") for message in mailoutbox) == (
        sorted(recipient for _kind, recipient in waiting)
    )
    assert outbox.send_pending() == 0


def test_the_cache_keeps_one_client_and_still_answers_every_thread(settings):
    from concurrent.futures import ThreadPoolExecutor

    cache = ResilientRedisCache("redis://127.0.0.1:6379/8", {"KEY_PREFIX": "one-client"})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is client

    def round_trip(number: int) -> int:
        cache.set(f"n{number}", number)
        return cache.get(f"n{number}")

    with ThreadPoolExecutor(8) as threads:
        assert list(threads.map(round_trip, range(40))) == list(range(40))
    cache.delete_many([f"n{number}" for number in range(40)])
