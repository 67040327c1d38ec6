"""Deployment checks of Kollega's own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core import checks

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Rate limits count in the cache: every web process must see the same counts."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Warning(
                "The cache is kept in each process, so every gunicorn worker counts rate "
                "limits on its own.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (the Redis that Celery uses).",
                id="kollega.W001",
            )
        ]
    return []
