"""/health/: is this web process able to serve? For the proxy, a load balancer or monitoring.

Answers 200 when the database (and the broker and the cache, when configured) answer,
otherwise 503; the JSON says which part failed, the log says why. The parts are asked side
by side, each with its own socket timeouts, and the answer comes within DEADLINE_SECONDS
whatever they do: a frozen Redis or database is a failed part, never a hung worker.
"""

import logging
from concurrent.futures import ThreadPoolExecutor, wait

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .checks import PER_PROCESS_CACHES

log = logging.getLogger(__name__)

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"
# Each probe's own socket timeouts, and the time the whole answer may take.
TIMEOUT_SECONDS = 1
DEADLINE_SECONDS = 1.5
REDIS_CACHES = {"django.core.cache.backends.redis.RedisCache", "web.cache.ResilientRedisCache"}


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The probe runs in a thread of its own: its connection goes with it.
        connection.close()
    return OK


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=TIMEOUT_SECONDS,
        transport_options={
            "socket_connect_timeout": TIMEOUT_SECONDS,
            "socket_timeout": TIMEOUT_SECONDS,
        },
    ) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT_SECONDS)
    return OK


def _cache() -> str:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return NOT_CONFIGURED
    if backend in REDIS_CACHES:
        # Asked directly: the site's own cache steps aside when Redis is away.
        location = settings.CACHES["default"]["LOCATION"]
        server = location[0] if isinstance(location, list) else location.split(",")[0]
        client = redis.Redis.from_url(
            server, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            client.ping()
        finally:
            client.close()
    else:
        cache.get("kollega:health")
    return OK


PARTS = {"database": _database, "broker": _broker, "cache": _cache}


def _ask(name: str, probe) -> str:
    try:
        return probe()
    except Exception as exc:  # noqa: BLE001
        log.warning("health: %s failed: %s", name, type(exc).__name__)
        return FAILED


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    pool = ThreadPoolExecutor(max_workers=len(PARTS), thread_name_prefix="health")
    futures = {name: pool.submit(_ask, name, probe) for name, probe in PARTS.items()}
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    # A probe still waiting is a part that does not answer; its thread ends with its timeout.
    pool.shutdown(wait=False, cancel_futures=True)
    parts = {}
    for name, future in futures.items():
        if future.done():
            parts[name] = future.result()
        else:
            log.warning("health: %s did not answer within %s s", name, DEADLINE_SECONDS)
            parts[name] = FAILED
    healthy = FAILED not in parts.values()
    return JsonResponse(
        {"status": OK if healthy else FAILED, **parts}, status=200 if healthy else 503
    )
