"""A Redis cache that steps aside while Redis is away, so the site goes on serving.

Everything Kollega keeps in the cache can be had without it: sessions are read from the
database (cached_db), the public pages are drawn anew, and the rate limits let requests
through (RATELIMIT_FAIL_OPEN) rather than turn colleagues away. So while Redis is down or
frozen, the cache answers as an empty one. After a failure it is left alone for a few
seconds, so that a frozen Redis costs one timeout, not one on every call of every request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# How long the cache is left alone after Redis failed to answer.
PAUSE_SECONDS = 5.0


class _OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, and with it the table of some
    170 reply handlers, which cost more than a short reply takes. One per connection pool
    does: a redis.Redis is safe to share between threads, each command taking a connection
    from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    # Shared by the process's threads: one failure pauses every use of the cache.
    _paused_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _or(self, fallback, call, *args, **kwargs):
        if time.monotonic() < ResilientRedisCache._paused_until:
            return fallback
        try:
            return call(*args, **kwargs)
        except RedisError as exc:
            ResilientRedisCache._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("cache away, served without it for %.0f s: %s", PAUSE_SECONDS, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._or(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._or({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._or(missing, super().incr, key, delta, version)
        if value is missing:
            # As for a key that is not there: the rate limits then count nothing.
            raise ValueError(f"Key '{key}' not found: the cache is away")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._or(None, super().delete_many, keys, version)

    def clear(self):
        return self._or(None, super().clear)
