"""Production settings pass Django's deployment checks; each protection can be configured."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "kollega.example.fi",
    "SITE_URL": "https://kollega.example.fi",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto:https",
}

# The security settings these tests read.
NAMES = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "CLIENT_IP_HEADER",
    "OTP_ADMIN",
]
# Variables of the test run's own environment that would change the outcome (the browser
# tests allow Django's synchronous calls from their event loop; production never does).
OWN_SETTINGS = {
    *NAMES,
    "SECRET_KEY",
    "DEBUG",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OWN_SETTINGS}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def deploy_check(**env) -> subprocess.CompletedProcess:
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), **env}
    return _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def settings_with(**env) -> dict[str, str]:
    """The security settings Kollega starts with in this environment, as their repr()."""
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), **env}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: repr(getattr(settings, name)) for name in {NAMES!r}}}))"
    )
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deploy_check():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_fails_without_https_a_shared_cache_or_a_strong_secret_key():
    result = deploy_check(
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CACHE_URL="locmemcache://",
        SECRET_KEY="short",
    )
    assert result.returncode != 0
    for check in ["security.W008", "security.W009", "kollega.W001"]:
        assert check in result.stderr
    # The sessions app is installed under its own name (web/apps.py), so Django names the
    # insecure session cookie by its middleware (W011) rather than by both (W012).
    assert "security.W011" in result.stderr or "security.W012" in result.stderr


def test_with_debug_off_every_protection_is_on_by_default():
    values = settings_with()
    for name in [
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "OTP_ADMIN",
    ]:
        assert values[name] == "True", name
    assert values["SECURE_HSTS_SECONDS"] == str(365 * 24 * 60 * 60)
    assert values["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert values["CLIENT_IP_HEADER"] == "''"


def test_the_embedded_default_leaves_https_and_two_factor_sign_in_to_production():
    values = settings_with(DEBUG="true", ALLOWED_HOSTS="127.0.0.1", SECURE_PROXY_SSL_HEADER="")
    assert values["SECURE_SSL_REDIRECT"] == "False"
    assert values["SESSION_COOKIE_SECURE"] == "False"
    assert values["SECURE_HSTS_SECONDS"] == "0"
    assert values["SECURE_PROXY_SSL_HEADER"] == "None"
    assert values["OTP_ADMIN"] == "False"


def test_each_protection_can_be_set_from_the_environment():
    values = settings_with(
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="false",
        CLIENT_IP_HEADER="X-Real-IP",
        OTP_ADMIN="false",
    )
    assert values["SECURE_HSTS_SECONDS"] == "3600"
    assert values["SECURE_HSTS_PRELOAD"] == "False"
    assert values["CLIENT_IP_HEADER"] == "'HTTP_X_REAL_IP'"
    assert values["OTP_ADMIN"] == "False"


def test_an_unclear_proxy_header_stops_start_up():
    value = "X-Forwarded-Proto"
    result = _run(
        ["-c", "import django; django.setup()"],
        {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_PROXY_SSL_HEADER": value},
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must look like" in result.stderr
