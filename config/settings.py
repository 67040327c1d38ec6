"""Kollega settings: one file, read from the environment (django-environ).

With no environment set, Kollega runs embedded: SQLite under var/, tasks in-process,
and mail written to files under var/mail so nothing leaves the machine.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; anything but a clear yes or no stops start-up."""
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


DEBUG = env_bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Kollega needs a secret key from the "
            "environment, for example: export SECRET_KEY=$(python -c "
            "'import secrets; print(secrets.token_urlsafe(50))')"
        )
    # Embedded mode: generate a key once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# This computer's own names, and the test client's.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if DEBUG and set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS):
    # DEBUG shows tracebacks with settings and the outbox with working sign-in links.
    raise ImproperlyConfigured(
        "DEBUG is on, but ALLOWED_HOSTS names hosts other than this computer: "
        f"{', '.join(sorted(set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS)))}. "
        "On a server set DEBUG=false (with SECRET_KEY and SITE_URL); while developing, "
        "keep ALLOWED_HOSTS to 127.0.0.1, localhost and [::1]."
    )
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",
    # Django's admin with Kollega's site: two-factor sign-in when OTP_ADMIN is on.
    "config.apps.KollegaAdminConfig",
    # Django's, django-axes' and django-otp's apps under names a coordinator reads (web/apps.py).
    "web.apps.AccessRightsConfig",
    "django.contrib.contenttypes",
    "web.apps.SignInSessionsConfig",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "web.apps.LockoutsConfig",
    "django_otp",
    "web.apps.AuthenticatorAppsConfig",
    "web.apps.BackupCodesConfig",
    # Kollega's apps, bottom layer first: each imports only those above it in this list.
    "mail",
    "libraries",
    "exchange",
    "feedback",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "web.security.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "web.security.PrivateSignedInPagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the form: PostgreSQL cannot take a NUL, so no view gets one.
    # Here the refusal is a page in the reader's language.
    "web.security.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "libraries.context_processors.language_links",
                "csp.context_processors.nonce",
            ],
            # {% load dates %}: a visit's dates as Finland writes them (web/dates.py).
            # {% load form_errors %}: the lines of a form's error summary (web/form_errors.py);
            # {% load fields %}: a form field drawn without crispy-forms' renderer (web/fields.py);
            # {% load phones %}: a phone number's tel: link in international form (web/phones.py).
            "libraries": {
                "dates": "web.dates",
                "fields": "web.fields",
                "form_errors": "web.form_errors",
                "phones": "web.phones",
            },
        },
    },
]

# Database: SQLite file by default; PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kollega.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers wait instead of failing
    # halfway through a transition with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer is an error after a few seconds, not a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Server-side parameters and prepared statements: a query the connection has run a few
    # times is planned once, not on every request (the pages' wide joins cost more to plan
    # than to run). Off behind a pooler in transaction mode (PgBouncer), which can't keep them.
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "libraries.Staff"
# django-axes first: it refuses a password sign-in while the account is locked out.
# The password (ModelBackend) is for the admin's form alone; a sign-in by emailed link is
# recorded as such (web/backends.py), and the admin asks such a session for the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "web.backends.EmailLinkBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://kollega")}
# The parts of every page that are the same for everyone in one language (the header's links,
# the footer's), drawn once per process: they change only with a deployment.
CACHES["chrome"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "chrome",
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis away is not the site down: the cache steps aside (web/cache.py), and a frozen
    # Redis holds a request for a second at the most.
    CACHES["default"]["BACKEND"] = "web.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Finnish first, Swedish second. Finland-Swedish date formats override
# Django's Sweden-style sv formats (config/formats/sv).
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "kollega_language"

MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_LANGUAGES = ("fi", "sv")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Receipts of expense claims: a folder no web server serves; a view checks who may see them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(Path(MEDIA_ROOT) / "private"))
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_BYTES", default=5 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: by default written to files under var/mail; EMAIL_URL=smtp://... sends for real.
_EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
vars().update(env.email_url_config(_EMAIL_URL))
if _EMAIL_URL.startswith("filemail:"):
    # django-environ drops the leading slash of filemail:///an/absolute/path.
    EMAIL_FILE_PATH = urlsplit(_EMAIL_URL).path or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kollega <kollega@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering frees the worker after this many seconds; the send
# counts as a temporary failure and is tried again later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Celery: with no broker, tasks run in-process at commit time (the embedded default).
# Every choice below is made for email work: slow, at-least-once, made harmless to repeat
# by the outbox row (mail/outbox.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Nobody reads a task's return value; the outbox row is the record.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Late acknowledgement: a task is acknowledged only after it ran, so a worker that dies
# mid-send leaves the message to be redelivered (the locked outbox row makes that harmless).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Prefetch 1: a worker process holds one message at a time, so slow sends spread evenly
# across workers and a dying worker takes no queue of reserved tasks with it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged task after the visibility timeout. A retry waits
# (countdown) while reserved, so the timeout must outlast the longest countdown
# (OUTBOX_RETRY_MAX_DELAY below), or a waiting retry would be delivered a second time.
OUTBOX_RETRY_DELAY = env.int("OUTBOX_RETRY_DELAY", default=60)
OUTBOX_RETRY_MAX_DELAY = 60 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * OUTBOX_RETRY_MAX_DELAY,
    # A request that commits while Redis is down must not hang: the outbox keeps the
    # message and the sweep sends it, so queueing gives up fast.
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task still running when the broker connection drops will be redelivered anyway.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A send that hangs is cut off by EMAIL_TIMEOUT (above), which ends a stuck SMTP conversation.
# The worker runs its tasks in threads (the Procfile: one process, where a pool of processes
# would take three times the memory), and threads cannot be killed: these limits apply when
# a worker is started with processes (--pool prefork), and a claim older than the hard one
# counts as abandoned (mail/outbox.py).
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Beat: run exactly one. Each job is idempotent, so a double run changes nothing.
CELERY_BEAT_SCHEDULE = {
    # Unsent outbox rows: the broker was down at commit, a task was lost, a worker died.
    "send-pending-notifications": {
        "task": "mail.tasks.send_pending_notifications",
        "schedule": 5 * 60,
    },
    # Reminders, visit practicalities, completing past visits, asking for feedback.
    "send-reminders": {
        "task": "exchange.tasks.send_reminders",
        "schedule": 60 * 60,
    },
    # Personal data past its retention period (privacy/retention.py), at night.
    "anonymise-personal-data": {
        "task": "privacy.tasks.anonymise_personal_data",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Personal data of a visit is anonymised this many months after the visit ends.
PERSONAL_DATA_RETENTION_MONTHS = env.int("PERSONAL_DATA_RETENTION_MONTHS", default=24)

# Reminders (exchange/reminders.py). A supervisor who has not answered is reminded after
# this many working days (Finnish), twice at most; the same time again later, the visitor
# and the coordinator hear that the request stalls.
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=3)
# The visitor and the workplace mentor get the practicalities this many days before.
PRACTICALITIES_DAYS_BEFORE = env.int("PRACTICALITIES_DAYS_BEFORE", default=3)
# After the visit, feedback and the expense claim are asked again after this many days.
FEEDBACK_REMINDER_DAYS = env.int("FEEDBACK_REMINDER_DAYS", default=7)

# Sign-in links are valid for 15 minutes and once only.
SIGN_IN_LINK_MAX_AGE = 15 * 60
# Supervisor decision links.
DECISION_LINK_MAX_AGE_DAYS = env.int("DECISION_LINK_MAX_AGE_DAYS", default=30)

# Security. With DEBUG off every protection is on unless the environment turns it off;
# `manage.py check --deploy --fail-level WARNING` passes with these defaults.
# Sessions are kept in the database and read through the cache (Redis in production), so a
# signed-in page does not ask the database for the session each time.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "web.security.csrf_failure"
# Pages behind a link token answer strict-origin themselves (exchange/link_views.py).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The proxy's health check speaks plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)


def _proxy_ssl_header() -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto:https behind nginx; unset without a proxy."""
    value = env.str("SECURE_PROXY_SSL_HEADER", default="").strip()
    if not value:
        return None
    name, separator, expected = value.partition(":")
    if not separator or not name.strip() or not expected.strip():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must look like X-Forwarded-Proto:https, not {value!r}."
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip()


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()
# The header that carries the visitor's address behind nginx (X-Real-IP), for rate limits
# and the admin lockout. Set it only when every request comes through the proxy.
client_ip_header = env.str("CLIENT_IP_HEADER", default="").strip()
CLIENT_IP_HEADER = "HTTP_" + client_ip_header.upper().replace("-", "_") if client_ip_header else ""

# Content Security Policy (django-csp): nothing inline, nothing from elsewhere. A template
# that must have an inline script or style gives it nonce="{{ CSP_NONCE }}".
admin_change_list_style = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", csp.NONCE],
        # The admin's change list has one small <style> block when a list has no actions.
        "style-src": ["'self'", csp.NONCE, admin_change_list_style],
        # Bootstrap draws check boxes and select arrows with data: SVG images.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Browser features Kollega never uses, turned off for the page and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Rate limits (django-ratelimit) count in the cache: set CACHE_URL to Redis in production
# so that every web process sees the same counts. "N/h" is N requests an hour per key.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_IP_META_KEY = "web.security.client_ip"
RATELIMIT_VIEW = "web.security.rate_limited"
# With the cache away, requests go through rather than every one being refused.
RATELIMIT_FAIL_OPEN = True
RATE_LIMITS = {
    # Sign-in requests: per address from one computer (on top of the cap on links per
    # address in libraries/signin.py) and per client address. A library's staff share one
    # address behind its router: a busy morning's sign-ins must all get through.
    "sign-in-address": "10/h",
    "sign-in-ip": "300/h",
    # Opening a sign-in link (the POST that signs in).
    "sign-in-link": "300/h",
    # Supervisors' decisions behind signed links.
    "decision": "60/h",
    # The directory's search form (GET).
    "directory": "600/h",
    # The accessibility statement's feedback form (POST).
    "accessibility-feedback": "20/h",
}
RATE_LIMIT_RETRY_AFTER = 60 * 60

# The load benchmark's yardstick (make bench): a bare view at /bench/yardstick/ that only
# the benchmark's own server turns on, never a deployment.
BENCH_YARDSTICK = env_bool("BENCH_YARDSTICK", default=False)

# The admin: lockout after repeated failed passwords (django-axes). A locked-out username
# stays locked however right the next password is, until the cool-off has passed; the
# coordinator can lift it earlier with `manage.py axes_reset_username <email>`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = "web.security.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "web.security.client_ip"
AXES_USERNAME_CALLABLE = "web.security.admin_username"
# Successful sign-ins are not recorded: failures are enough to lock out, and less is kept.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Two-factor sign-in to the admin (django-otp, TOTP): on in production.
OTP_ADMIN = env_bool("OTP_ADMIN", default=not DEBUG)
OTP_TOTP_ISSUER = "Kollega"

# Logs: one line per event, no personal data beyond ids. The filter blanks email
# addresses and link tokens that Django or Celery would otherwise write (config/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "config.logs.ScrubFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Through the filtered handler only (Django's default adds one of its own).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Failed admin passwords and lockouts only (warnings), not every sign-in.
        "axes": {"level": "WARNING"},
    },
}
# Celery's worker and beat log through the configuration above, filter included.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
