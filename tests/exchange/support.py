"""The steps of an exchange and the outbox's messages, as the exchange tests take them.

The people are the suite's personas (tests/personas.py).
"""

from datetime import date, timedelta

from django.utils import timezone

from exchange import workflow
from exchange.models import Approval, ExchangeRequest, HistoryEntry
from mail.models import Notification
from tests import pages, personas
from tests.factories import FINNISH_HOLIDAYS, ExchangeRequestFactory


def weekday_ahead(days: int) -> date:
    """A Monday–Thursday at least `days` days from today, so a two-day visit fits a week
    and meets no public holiday."""
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 4 or {day, day + timedelta(days=1)} & FINNISH_HOLIDAYS:
        day += timedelta(days=1)
    return day


def draft(visitor, host, **fields) -> ExchangeRequest:
    return ExchangeRequestFactory(visitor=visitor, host_library=host, **fields)


def submitted(visitor, host, **fields) -> ExchangeRequest:
    exchange = draft(visitor, host, **fields)
    return workflow.submit(exchange.pk, by=visitor)


def pending(exchange: ExchangeRequest, role: str) -> Approval:
    return exchange.approvals.get(role=role, decision=Approval.Decision.PENDING)


def approved_at_home(visitor, host, **fields) -> ExchangeRequest:
    exchange = submitted(visitor, host, **fields)
    approval = pending(exchange, "home")
    return workflow.approve_home(approval.pk, version=approval.version)


def confirmed_visit(visitor, host, *, mentor=None, **fields) -> ExchangeRequest:
    """Approved at home, then by the host, who names the mentor (Maja unless told)."""
    exchange = approved_at_home(visitor, host, **fields)
    approval = pending(exchange, "host")
    return workflow.approve_host(
        approval.pk, version=approval.version, mentor=mentor or personas.mentor()
    )


def snapshot(exchange: ExchangeRequest) -> tuple:
    """What a step may change, to show that a refused one changed nothing: the request's
    state, version and dates, the history, the approvals and the outbox."""
    exchange.refresh_from_db()
    return (
        exchange.state,
        exchange.version,
        (exchange.first_day, exchange.last_day),
        (exchange.proposed_first_day, exchange.proposed_last_day),
        HistoryEntry.objects.count(),
        list(Approval.objects.order_by("pk").values_list("role", "decision", "email", "version")),
        Notification.objects.count(),
        ExchangeRequest.objects.count(),
    )


def host_form(**overrides) -> dict:
    """What a host types on the decision page to approve the dates asked for."""
    mentor = personas.mentor()
    data = {
        "action": "approve",
        "approve-mentor_name": mentor.name,
        "approve-mentor_email": mentor.email,
        "approve-mentor_phone": mentor.phone,
        "approve-mentor_language": mentor.language,
        "approve-meeting_place": mentor.meeting_place,
        "approve-meeting_time": mentor.meeting_time,
        "approve-programme_notes": mentor.programme_notes,
        "approve-comment": "",
    }
    data.update({key: value for key, value in overrides.items()})
    return data


def notifications(kind: str | None = None, exchange: ExchangeRequest | None = None):
    rows = Notification.objects.order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    if exchange is not None:
        rows = rows.filter(exchange=exchange)
    return list(rows)


def sent_to(kind: str, exchange: ExchangeRequest | None = None) -> dict[str, str]:
    """Recipient address → language, for the messages of one kind."""
    return {n.recipient: n.language for n in notifications(kind, exchange)}


def email_to(recipient: str, kind: str) -> Notification:
    """The latest message of a kind to one person."""
    message = Notification.objects.filter(recipient=recipient, kind=kind).order_by("pk").last()
    assert message is not None, f"no {kind} message to {recipient}"
    return message


def decision_link(exchange: ExchangeRequest, role: str) -> str:
    """The path of a decision link, as the supervisor finds it in their latest email."""
    message = (
        Notification.objects.filter(
            kind="decision_request", exchange=exchange, dedupe_key__contains=f":{role}:"
        )
        .order_by("pk")
        .last()
    )
    assert message is not None, f"no {role} decision link for exchange {exchange.pk}"
    return pages.link_in(message)


def mentor_link(exchange: ExchangeRequest) -> str:
    """The path of the mentor's page, as the link in the mentor's confirmation opens it."""
    return pages.link_in(email_to(exchange.mentor_email, "confirmed"))


def request_form(host, first_day: date, last_day: date, **overrides) -> dict:
    """What a visitor types into the request form before pressing Submit."""
    data = {
        "action": "submit",
        "host_library": host.pk,
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "kind": ExchangeRequest.Kind.ONE_WAY,
        "trip_type": ExchangeRequest.TripType.BUSINESS_TRIP,
        "expectations": "Haluan oppia, miten kirjastoauto palvelee saaristoa.",
        "cover_arrangements": "Minna hoitaa lainaustiskin.",
        "travel_car_km": "95",
        "accommodation_nights": "1",
        "accommodation_eur": "89.50",
        "privacy_accepted": "on",
    }
    data.update(overrides)
    return data


def assert_both_parts(message: Notification) -> None:
    """A message has a subject, a plain text part and an HTML part, all in its language."""
    assert message.subject
    assert message.body_text.strip()
    assert message.body_html.startswith("<!doctype html>")
    assert f'<html lang="{message.language}">' in message.body_html
    assert "&lt;" not in message.body_text and "&amp;" not in message.body_text
