"""Logs a person can read: one line per request and per sent message, nothing personal but ids."""

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.urls import reverse

from config.logs import ScrubFilter, escape_controls, scrub
from exchange import links
from tests.exchange import support

BASE_DIR = Path(__file__).resolve().parent.parent.parent
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@contextmanager
def console_log():
    """What the configured console handler writes, filter included, while the block runs."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_scrub_blanks_addresses_and_link_tokens_but_keeps_ids_and_slugs():
    assert scrub("could not send notification 12: {'anna.aalto@seinajoki.fi': (550, b'')}") == (
        "could not send notification 12: {'[email]': (550, b'')}"
    )
    assert scrub("Not Found: /fi/paatos/eyJhIjoxLCJ2IjoxfQ:1vXyZa:abcDEF12_3/") == (
        "Not Found: /fi/paatos/[token]/"
    )
    assert scrub('"POST /sv/logga-in/lank/Zx9_kq0aB3cdEfGhIjKlMnOpQrStUvWxYz01234567/ HTTP"') == (
        '"POST /sv/logga-in/lank/[token]/ HTTP"'
    )
    for kept in [
        "GET /fi/kirjastot/seinajoen-kaupunginkirjasto-apila/ 200",
        "GET /fi/vaihdot/123/ 302",
        "GET /static/admin/js/admin/DateTimeShortcuts.js 200",
        "sent notification 42 (decision_request)",
    ]:
        assert scrub(kept) == kept


def test_the_filter_scrubs_the_traceback_too():
    try:
        raise ValueError("refused: bob@korsholm.fi")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed for %s", ("bob@korsholm.fi",), sys.exc_info()
        )
    ScrubFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "bob@korsholm.fi" not in text
    assert "failed for [email]" in text
    assert "refused: [email]" in text


def test_a_control_character_in_a_message_cannot_start_a_line_of_its_own():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "Not Found: %s", ("/fi/x\r\nFORGED\x00\u2028",), None
    )

    ScrubFilter().filter(record)

    text = logging.Formatter().format(record)
    assert text == "Not Found: /fi/x\\r\\nFORGED\\x00\\u2028"
    assert escape_controls("a\tb\x7fc\x85d ä") == "a\\tb\\x7fc\\x85d ä"


@pytest.mark.django_db
def test_a_stale_decision_link_logs_no_token_and_no_address(client, alice, host):
    exchange = support.submitted(alice, host)
    token = links.approval_token(support.pending(exchange, "home"))
    path = reverse("exchange:approval-link", args=[token + "x"])

    with console_log() as log:
        response = client.get(path)

    assert response.status_code == 404
    lines = log.getvalue()
    assert "Not Found" in lines
    assert token not in lines
    assert "[token]" in lines


@pytest.mark.django_db
def test_sending_messages_logs_one_line_each_with_ids_only(
    client, home, django_capture_on_commit_callbacks
):
    with console_log() as log, django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:sign-in"), {"email": "alice@seinajoki.fi"})

    assert response.status_code == 302
    lines = log.getvalue().splitlines()
    assert [line for line in lines if re.search(r"sent notification \d+ \(sign_in\)$", line)]
    assert not EMAIL.search(log.getvalue())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_writes_one_line_per_request_without_tokens_or_addresses(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "CELERY_BROKER_URL": "",
    }
    env.pop("GUNICORN_BIND", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/fi/paatos/{token}/?to=alice@seinajoki.fi", timeout=5
            )
        assert missing.value.code == 404
        with pytest.raises(urllib.error.HTTPError) as forged:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/fi/x%0D%0A00:00:00%20FORGED/",
                timeout=5,
            )
        assert forged.value.code == 404
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    access = [line for line in output.splitlines() if '"GET ' in line]
    assert any('"GET /health/" 200' in line for line in access), output
    assert any('"GET /fi/paatos/[token]/" 404' in line for line in access), output
    assert token not in output
    assert "alice@seinajoki.fi" not in output
    assert "127.0.0.1 " not in " ".join(access)
    assert all(re.search(r"\d+ms$", line) for line in access), access
    # The path's CR LF is written escaped, on the request's own line.
    assert any('"GET /fi/x\\r\\n00:00:00 FORGED/" 404' in line for line in access), access
    assert not any(line.startswith("00:00:00") for line in output.splitlines()), output
