import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _run_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_up_without_a_secret_key_fails_clearly_when_debug_is_off():
    result = _run_settings({"DEBUG": "false"}, "pass")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set."
    )
    assert "export SECRET_KEY=" in last_line


def test_embedded_default_is_sqlite_with_immediate_transactions():
    result = _run_settings(
        {},
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['OPTIONS']['transaction_mode'], settings.CELERY_TASK_ALWAYS_EAGER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True"]


def test_database_url_selects_postgresql_with_persistent_connections():
    result = _run_settings(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kollega",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], settings.CELERY_TASK_ALWAYS_EAGER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "600", "False"]


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_bad_debug_value_is_refused(value):
    result = _run_settings({"DEBUG": value}, "pass")
    assert result.returncode != 0
    # The operator reads what is wrong, not some other crash.
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"django.core.exceptions.ImproperlyConfigured: DEBUG must be true or false, not {value!r}."
    )


@pytest.mark.parametrize("value, served", [("", "no"), ("true", "yes")])
def test_the_load_benchmarks_yardstick_is_mounted_only_when_asked_for(value, served):
    result = _run_settings(
        {"BENCH_YARDSTICK": value},
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/bench/yardstick/')\nexcept Resolver404:\n    print('no')\n"
        "else:\n    print('yes')",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [served]


@pytest.mark.parametrize("value, expected", [("", ["True", "5"]), ("false", ["None", "None"])])
def test_postgresql_plans_a_repeated_query_once_unless_behind_a_pooler(value, expected):
    result = _run_settings(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kollega",
            "DATABASE_PREPARED_STATEMENTS": value,
        },
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == expected


@pytest.mark.parametrize(
    "hosts, named",
    [
        ("kollega.example.fi", "kollega.example.fi"),
        ("127.0.0.1,*", "*"),
        ("localhost,192.0.2.10,kollega.example.fi", "192.0.2.10, kollega.example.fi"),
    ],
)
def test_debug_on_a_server_is_refused_at_start_up(hosts, named):
    result = _run_settings({"DEBUG": "true", "ALLOWED_HOSTS": hosts}, "pass")

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "django.core.exceptions.ImproperlyConfigured: DEBUG is on, but ALLOWED_HOSTS names "
        f"hosts other than this computer: {named}. On a server set DEBUG=false (with "
        "SECRET_KEY and SITE_URL); while developing, keep ALLOWED_HOSTS to 127.0.0.1, "
        "localhost and [::1]."
    )


@pytest.mark.parametrize("hosts", ["", "127.0.0.1,localhost,[::1]", "testserver"])
def test_debug_on_this_computer_starts(hosts):
    env = {"DEBUG": "true", "ALLOWED_HOSTS": hosts} if hosts else {"DEBUG": "true"}
    result = _run_settings(env, "from django.conf import settings; print(settings.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_a_server_with_debug_off_starts_with_its_own_host_name():
    result = _run_settings(
        {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "kollega.example.fi"},
        "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['kollega.example.fi']"]


def test_a_redis_cache_steps_aside_when_redis_is_away_and_never_waits_long():
    result = _run_settings(
        {"CACHE_URL": "redis://127.0.0.1:6379/1"},
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'], c['OPTIONS']['socket_connect_timeout'], "
        "c['OPTIONS']['socket_timeout'], settings.RATELIMIT_FAIL_OPEN)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["web.cache.ResilientRedisCache", "1", "1", "True"]
