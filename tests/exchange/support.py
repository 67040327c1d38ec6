"""People, libraries and helpers shared by the exchange workflow tests.

Personas: Alice Aalto, a Finnish-speaking librarian at Seinäjoki, whose own supervisor is
Eeva; Sara Sund, the Swedish-speaking exchange contact of Korsholm's library; Bertil Berg,
a Swedish-speaking librarian at Korsholm.
"""

import re
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from exchange import workflow
from exchange.models import Approval, ExchangeRequest
from libraries.models import Municipality
from mail.models import Notification
from tests.factories import (
    ExchangeRequestFactory,
    LibraryFactory,
    MunicipalityFactory,
    StaffFactory,
)


def seinajoki():
    return LibraryFactory(
        name_fi="Seinäjoen kaupunginkirjasto",
        name_sv="Seinäjoki stadsbibliotek",
        slug="seinajoki",
        municipality=MunicipalityFactory(name_fi="Seinäjoki", name_sv="Seinäjoki"),
        email_domains="seinajoki.fi",
        contact_name="Seppo Seinä",
        contact_email="seppo@seinajoki.fi",
        contact_language="fi",
    )


def korsholm():
    return LibraryFactory(
        name_fi="Mustasaaren pääkirjasto",
        name_sv="Korsholms huvudbibliotek",
        slug="korsholm",
        municipality=MunicipalityFactory(
            name_fi="Mustasaari",
            name_sv="Korsholm",
            language_status=Municipality.LanguageStatus.BILINGUAL_SWEDISH,
        ),
        email_domains="korsholm.fi",
        contact_name="Sara Sund",
        contact_email="sara.sund@korsholm.fi",
        contact_language="sv",
    )


def alice(library, **fields):
    fields = {
        "email": "alice@seinajoki.fi",
        "name": "Alice Aalto",
        "language": "fi",
        "supervisor_name": "Eeva Esihenkilö",
        "supervisor_email": "eeva@seinajoki.fi",
        **fields,
    }
    return StaffFactory(library=library, **fields)


def bertil(library, **fields):
    fields = {
        "email": "bertil@korsholm.fi",
        "name": "Bertil Berg",
        "language": "sv",
        "supervisor_name": "Sara Sund",
        "supervisor_email": "sara.sund@korsholm.fi",
        **fields,
    }
    return StaffFactory(library=library, **fields)


def weekday_ahead(days: int) -> date:
    """A Monday–Thursday at least `days` days from today, so a two-day visit fits a week."""
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 4:
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


def mentor(**fields) -> workflow.MentorDetails:
    fields = {
        "name": "Maja Mentor",
        "email": "maja.mentor@korsholm.fi",
        "phone": "040 123 4567",
        "language": "sv",
        "meeting_place": "Personalingången, Centrumvägen 1",
        "meeting_time": "9.00",
        "programme_notes": "Sagostund på tisdag, bokbussen på onsdag.",
        **fields,
    }
    return workflow.MentorDetails(**fields)


def host_form(**overrides) -> dict:
    """What a host types on the decision page to approve the dates asked for."""
    data = {
        "action": "approve",
        "approve-dates": "approve",
        "approve-mentor_name": "Maja Mentor",
        "approve-mentor_email": "maja.mentor@korsholm.fi",
        "approve-mentor_phone": "040 123 4567",
        "approve-mentor_language": "sv",
        "approve-meeting_place": "Personalingången, Centrumvägen 1",
        "approve-meeting_time": "9.00",
        "approve-programme_notes": "Sagostund på tisdag, bokbussen på onsdag.",
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


def link_in(notification: Notification) -> str:
    """The path of the one Kollega link in a message's text part, as the reader would click it."""
    found = [
        link
        for link in re.findall(r"https?://\S+", notification.body_text)
        if link.startswith(settings.SITE_URL + "/")
    ]
    assert len(found) == 1, notification.body_text
    return found[0].removeprefix(settings.SITE_URL)


def url(name: str, language: str = "fi", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def email_to(recipient: str, kind: str) -> Notification:
    """The latest message of a kind to one person."""
    message = Notification.objects.filter(recipient=recipient, kind=kind).order_by("pk").last()
    assert message is not None, f"no {kind} message to {recipient}"
    return message


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
