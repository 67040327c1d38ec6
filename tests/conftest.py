import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def reset_locale():
    """Every test starts in the default language and leaves no language behind."""
    translation.activate("fi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on 127.0.0.1 that Kollega sends through, for this test."""
    from tests.mail.mailserver import MailServer, send_through

    with MailServer() as server:
        send_through(settings, server.port)
        yield server.handler


@pytest.fixture
def shipped_libraries(db):
    """The regions' real libraries and focus areas, as `manage.py load_libraries` loads them."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_libraries", stdout=StringIO())


@pytest.fixture(autouse=True)
def _content_types_as_the_database_has_them():
    """Each test looks its content types up afresh.

    A transactional test ends with a flush that makes them again under new ids, or puts back
    the ones saved at the start (serialized rollback); Django's process-wide cache of them
    must not carry an id from one database state into the next.
    """
    yield
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _service_missing(marker: str) -> str | None:
    """Why a service a marked test needs is missing, or None when it is there."""
    import os
    import shutil

    from django.conf import settings

    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://..."
        return None
    if marker == "redis":
        url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        try:
            import redis

            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except Exception as exc:  # noqa: BLE001
            return f"needs Redis at {url}: {exc}"
        return None
    if marker == "browser":
        if not shutil.which("chromium"):
            return "needs chromium (Debian package chromium)"
        return None
    return None


def pytest_runtest_setup(item):
    import os

    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run this test, but it {reason}")
        pytest.skip(reason)
