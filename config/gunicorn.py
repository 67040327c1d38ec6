"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi` (the Procfile's web line).

Every value can be changed from the environment. The access log writes one line per
request: time, method, path (link tokens blanked), status, bytes and milliseconds —
no client address, no query string, no referrer and no browser string.
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# gunicorn loads this file by path; the project's root makes config.logs importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.logs import escape_controls, scrub  # noqa: E402


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Behind nginx on the same machine: listen on loopback only. A web machine behind a proxy
# elsewhere sets GUNICORN_BIND=0.0.0.0:8000 (and a firewall lets only the proxy in).
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
# A request that takes longer than this is cut off and its worker restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then, so that a slow leak never grows.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Addresses whose X-Forwarded-Proto gunicorn believes (the proxy).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket: systemd (or the Procfile runner) manages the processes, and one
# shared socket path in $HOME would collide when two gunicorns run on one machine.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class PrivateLogger(Logger):
    """gunicorn's logger with link tokens and email addresses blanked out of each line, and
    control characters escaped: a path with %0A or %0D cannot forge a line of its own."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r"):
            if key in atoms:
                atoms[key] = scrub(atoms[key])
        return {
            key: escape_controls(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = PrivateLogger
