"""/health/: is this web process able to serve? For the proxy, a load balancer or monitoring.

Answers 200 when the database (and the broker and the cache, when configured) answer,
otherwise 503; the JSON says which part failed, the log says why.
"""

import logging

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
TIMEOUT_SECONDS = 3


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        log.warning("health: database failed: %s", type(exc).__name__)
        return FAILED
    return OK


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=TIMEOUT_SECONDS,
            transport_options={"socket_connect_timeout": TIMEOUT_SECONDS},
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001
        log.warning("health: broker failed: %s", type(exc).__name__)
        return FAILED
    return OK


def _cache() -> str:
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return NOT_CONFIGURED
    try:
        cache.get("kollega:health")
    except Exception as exc:  # noqa: BLE001
        log.warning("health: cache failed: %s", type(exc).__name__)
        return FAILED
    return OK


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    parts = {"database": _database(), "broker": _broker(), "cache": _cache()}
    healthy = FAILED not in parts.values()
    return JsonResponse(
        {"status": OK if healthy else FAILED, **parts}, status=200 if healthy else 503
    )
