import pytest
from django.test import Client
from django.utils import translation

from tests import personas


@pytest.fixture(autouse=True)
def reset_locale():
    """Every test starts in the default language and leaves no language behind."""
    translation.activate("fi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts live in the cache: every test starts with none, and draws the pages'
    shared parts (the "chrome" cache) under its own settings."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["chrome"].clear()
    yield
    cache.clear()
    caches["chrome"].clear()


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


# --- the personas (tests/personas.py) ------------------------------------------------------


@pytest.fixture
def home(db):
    """Seinäjoki's city library, the visitor's home library."""
    return personas.seinajoki()


@pytest.fixture
def host(db):
    """Korsholm's main library, the host library."""
    return personas.korsholm()


@pytest.fixture
def alice(home):
    """The visitor."""
    return personas.alice(home)


@pytest.fixture
def visitor(client, alice):
    """The visitor, signed in on `client`."""
    client.force_login(alice)
    return alice


@pytest.fixture
def bertil(host):
    """A Swedish-speaking librarian of the host library, who visits or comes back in turn."""
    return personas.bertil(host)


@pytest.fixture
def home_supervisor() -> personas.Person:
    """The visitor's own supervisor, who decides by link."""
    return personas.HOME_SUPERVISOR


@pytest.fixture
def host_contact() -> personas.Person:
    """The host: the host library's exchange contact, who decides by link."""
    return personas.HOST


@pytest.fixture
def coordinator(db):
    """The coordinator (not signed in)."""
    return personas.coordinator()


@pytest.fixture
def coordinator_client(coordinator):
    """A client of its own, signed in to the admin as the coordinator."""
    signed_in = Client()
    signed_in.force_login(coordinator)
    return signed_in


@pytest.fixture
def coordinator_contact(db):
    """The coordinator's contact details: where the coordinator's messages go."""
    return personas.coordinator_contact()


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
