"""Every POST endpoint, sent hostile bodies: a clear answer, never a 500, never a change that a
valid request to the same endpoint would not make.

The endpoints are read from the URL configuration, so a new page is fuzzed without being
listed here; the tables below only say how to reach a page's interesting state and what a
valid request to it looks like.
"""

import json
import secrets
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from exchange import links, workflow
from exchange.models import ExchangeRequest
from libraries import signin
from libraries.models import SignInLink
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import ExchangeRequestFactory

pytestmark = pytest.mark.django_db

# Not fuzzed here: Django's admin (the coordinator's own tool; its sign-in is, below) and
# the static files of the development server.
SKIPPED_NAMESPACES = {"admin"}
# Rows that a refused request rightly adds: django-axes records a failed admin password,
# which is what the lockout counts.
RECORDS_OF_REFUSALS = {"axes.AccessAttempt"}
SIGNED_OUT = {"accounts:sign-in", "accounts:sign-in-link", "admin:login"}


def _endpoints(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner not in SKIPPED_NAMESPACES:
                names += _endpoints(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return sorted(set(names))


ENDPOINTS = [*_endpoints(), "admin:login"]


@pytest.fixture
def world(settings, alice, host, coordinator):
    """Alice and her requests in every state a POST can act on, and the links people get."""
    settings.RATELIMIT_ENABLE = False

    def days(offset: int) -> dict:
        first = support.weekday_ahead(offset)
        return {"first_day": first, "last_day": first + timedelta(days=1)}

    draft = support.draft(alice, host, **days(30))
    awaiting = support.submitted(alice, host, **days(45))
    proposing = support.approved_at_home(alice, host, **days(60))
    host_approval = support.pending(proposing, "host")
    workflow.propose_dates(
        host_approval.pk,
        version=host_approval.version,
        mentor=personas.mentor(),
        **days(75),
    )
    # The host approved and names the workplace mentor later, through a link of their own.
    mentor_later = support.approved_at_home(alice, host, **days(105))
    later_answer = support.pending(mentor_later, "host")
    workflow.approve_host(
        later_answer.pk, version=later_answer.version, mentor=workflow.mentor_later("sv")
    )
    later_answer.refresh_from_db()
    completed = ExchangeRequestFactory(
        visitor=alice,
        host_library=host,
        state="completed",
        first_day=timezone.localdate() - timedelta(days=10),
        last_day=timezone.localdate() - timedelta(days=9),
        mentor_name="Maja Mentor",
        mentor_email="maja.mentor@korsholm.fi",
        mentor_language="sv",
    )
    sign_in_token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        token_hash=signin.hash_token(sign_in_token),
        email=alice.email,
        language="fi",
        created_at=timezone.now(),
    )
    return {
        "alice": alice,
        "host": host,
        "draft": draft,
        "awaiting": awaiting,
        "proposed": ExchangeRequest.objects.get(pk=proposing.pk),
        "completed": completed,
        "tokens": {
            "accounts:sign-in-link": sign_in_token,
            "exchange:approval-link": links.approval_token(support.pending(awaiting, "home")),
            "exchange:mentor-link": links.mentor_token(completed),
            "exchange:arrangements-link": links.arrangements_token(later_answer),
            "feedback:host-feedback": links.mentor_token(completed),
        },
    }


# Which of Alice's requests a page with a <pk> acts on; any other page gets the finished visit.
EXCHANGE_FOR = {
    "exchange:request-detail": "draft",
    "exchange:request-edit": "draft",
    "exchange:request-submit": "draft",
    "exchange:request-cancel": "awaiting",
    "exchange:dates-accept": "proposed",
    "exchange:dates-refuse": "proposed",
}


def _kwargs_of(name: str) -> list[str]:
    """The names of the URL's arguments, read from the URL configuration."""
    resolver = get_resolver()
    namespace, _, url_name = name.rpartition(":")
    for part in filter(None, namespace.split(":")):
        resolver = resolver.namespace_dict[part][1]
    with translation.override("fi"):
        possibilities = resolver.reverse_dict.getlist(url_name)
    return list(possibilities[0][0][0][1]) if possibilities else []


def path_of(name: str, world: dict) -> str:
    kwargs = {}
    for kwarg in _kwargs_of(name):
        if kwarg == "pk":
            kwargs["pk"] = world[EXCHANGE_FOR.get(name, "completed")].pk
        elif kwarg == "token":
            kwargs["token"] = world["tokens"][name]
        elif kwarg == "slug":
            kwargs["slug"] = world["host"].slug
        else:
            pytest.fail(f"The fuzz test does not know how to fill <{kwarg}> of {name}.")
    with translation.override("fi"):
        return reverse(name, kwargs=kwargs or None)


def valid_body(name: str, world: dict) -> dict | None:
    """What a person would send to the page; None: the page's own form as it is shown."""
    host = world["host"]
    first = support.weekday_ahead(90)
    bodies = {
        "set_language": {"language": "sv", "next": "/sv/"},
        "accounts:sign-in": {"email": "alice@seinajoki.fi", "next": ""},
        "accounts:sign-in-link": {},
        "accounts:sign-out": {},
        "accounts:profile": {
            "name": "Alice Aalto",
            "library": world["alice"].library_id,
            "job_title": "informaatikko",
            "language": "fi",
            "supervisor_name": "Eeva Esihenkilö",
            "supervisor_email": "eeva@seinajoki.fi",
        },
        "exchange:request-create": support.request_form(host, first, first + timedelta(days=1)),
        "exchange:request-edit": support.request_form(host, first, first + timedelta(days=1)),
        "exchange:request-submit": {},
        "exchange:request-cancel": {"reason": "Sairastuin."},
        "exchange:dates-accept": {},
        "exchange:dates-refuse": {"reason": "Ne päivät eivät sovi."},
        "exchange:approval-link": {"action": "decline", "decline-reason": "Ei nyt."},
        "exchange:arrangements-link": {
            "mentor_name": "Maja Mentor",
            "mentor_email": "maja.mentor@korsholm.fi",
            "mentor_phone": "040 123 4567",
            "mentor_language": "sv",
            "meeting_place": "",
            "meeting_time": "",
            "programme_notes": "",
        },
        "admin:login": {
            "username": personas.COORDINATOR.email,
            "password": personas.COORDINATOR_PASSWORD,
        },
    }
    return bodies.get(name)


def form_fields(client: Client, path: str) -> dict[str, str]:
    response = client.get(path)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return {}
    return pages.form_fields(response.content.decode())


def _text(value) -> str:
    return value if isinstance(value, str) else str(value)


def hostile_bodies(names: list[str], valid: dict) -> list[tuple[str, dict]]:
    """(label, keyword arguments of Client.post) for each kind of hostile body."""
    urlencoded = "application/x-www-form-urlencoded"
    every = names or ["email"]
    surrogates = "&".join(f"{quote(name)}=%ED%A0%80x%FF%FEy" for name in every)
    repeated = {
        **{key: [_text(value), "\x00", "a" * 5000] for key, value in valid.items()},
        "unexpected": ["1", "2"],
        "action": ["approve", "decline", "delete"],
    }
    return [
        ("empty", {"data": {}}),
        ("NUL bytes", {"data": dict.fromkeys(every, "ab\x00cd")}),
        ("NUL bytes in a valid body", {"data": {k: _text(v) + "\x00" for k, v in valid.items()}}),
        ("lone surrogates", {"data": surrogates, "content_type": urlencoded}),
        ("100 kB fields", {"data": dict.fromkeys(every, "a" * 100_000)}),
        ("missing keys", {"data": {k: v for k, v in sorted(valid.items())[::2]}}),
        ("extra and repeated keys", {"data": repeated}),
        ("JSON", {"data": json.dumps(valid, default=str), "content_type": "application/json"}),
        ("plain text", {"data": "email=alice@seinajoki.fi", "content_type": "text/plain"}),
        (
            "broken multipart",
            {
                "data": b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
                "content_type": "multipart/form-data; boundary=zzz",
            },
        ),
        (
            "header injection in names",
            {
                "data": {
                    **valid,
                    "email\r\nBcc: everyone@example.com": "x",
                    "\r\nSet-Cookie: sessionid=stolen": "1",
                }
            },
        ),
        (
            "header injection in values",
            {"data": {k: _text(v) + "\r\nBcc: everyone@example.com" for k, v in valid.items()}},
        ),
    ]


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in RECORDS_OF_REFUSALS and not model._meta.proxy
    }


def _changes(before: dict, after: dict) -> dict[str, int]:
    return {
        label: after[label] - before[label] for label in before if after[label] != before[label]
    }


def _client(name: str, world: dict) -> Client:
    client = Client(raise_request_exception=False)
    if name not in SIGNED_OUT:
        client.force_login(world["alice"])
    return client


def _post_in_savepoint(name: str, world: dict, path: str, request: dict):
    """POST once and undo it, so that every body meets the same world."""
    with transaction.atomic():
        client = _client(name, world)
        before = row_counts()
        response = client.post(path, **request)
        changes = _changes(before, row_counts())
        injected = Notification.objects.filter(recipient__regex=r"[\r\n]").exists() or (
            Notification.objects.filter(subject__regex=r"[\r\n]").exists()
        )
        transaction.set_rollback(True)
    return response, changes, injected


def check_endpoint(name: str, world: dict, only: set[str] | None = None) -> None:
    path = path_of(name, world)
    valid = valid_body(name, world)
    shown = form_fields(_client(name, world), path)
    if valid is None:
        valid = shown
    names = sorted(set(shown) | set(valid))

    response, allowed, _ = _post_in_savepoint(name, world, path, {"data": valid})
    assert response.status_code < 500, f"{name}: a valid POST failed"

    problems = []
    for label, request in hostile_bodies(names, valid):
        if only and label not in only:
            continue
        response, changes, injected = _post_in_savepoint(name, world, path, request)
        if response.status_code >= 500:
            problems.append(f"{label}: {response.status_code}")
        beyond = {k: v for k, v in changes.items() if allowed.get(k) != v}
        if beyond:
            problems.append(f"{label}: changed {beyond}, a valid request changes {allowed}")
        if injected:
            problems.append(f"{label}: a header was injected into an email")
    assert problems == [], f"{name} ({path}): {problems}"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_hostile_bodies_get_a_clear_answer_and_change_nothing_extra(world, name):
    check_endpoint(name, world)


# The pages that store what they are sent, where PostgreSQL's refusal of NUL would show.
STORING = [
    "accounts:sign-in",
    "accounts:profile",
    "exchange:request-create",
    "exchange:request-edit",
    "exchange:request-cancel",
    "exchange:dates-refuse",
    "exchange:approval-link",
    "exchange:arrangements-link",
    "feedback:feedback-form",
    "feedback:claim-form",
    "feedback:host-feedback",
    "admin:login",
]


@pytest.mark.postgres
@pytest.mark.parametrize("name", [name for name in STORING if name in ENDPOINTS])
def test_nul_bytes_get_a_clear_answer_on_postgresql(world, name):
    """PostgreSQL refuses NUL in text where SQLite stores it: each page must say so itself."""
    check_endpoint(
        name, world, only={"NUL bytes", "NUL bytes in a valid body", "extra and repeated keys"}
    )


def test_the_fuzz_test_reaches_the_pages_that_act():
    """The tables above stay in step with the URL configuration."""
    for name in [
        "accounts:sign-in",
        "accounts:profile",
        "exchange:request-create",
        "exchange:approval-link",
        "exchange:arrangements-link",
        "feedback:feedback-form",
        "feedback:host-feedback",
    ]:
        assert name in ENDPOINTS
    for name in EXCHANGE_FOR:
        assert name in ENDPOINTS
