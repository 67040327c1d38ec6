"""Visits that are over, and the forms and files the after-visit tests share.

The people are the suite's personas (tests/personas.py): the visitor Alice Aalto (Finnish) of
Seinäjoki visits Korsholm, whose host Sara Sund and mentor Maja Mentor write Swedish; Bertil
Berg (Swedish) of Korsholm visits Seinäjoki, whose contact Seppo Seinä and mentor Mikko
Mentori write Finnish; Kerttu Koordinaattori is the coordinator.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from exchange import workflow
from exchange.models import ExchangeRequest
from tests.exchange import support

HELSINKI = ZoneInfo("Europe/Helsinki")
# A Monday in 2026: the seeded kilometre allowance of 2026 is 0.55 €/km.
START = datetime(2026, 3, 2, 10, 0, tzinfo=HELSINKI)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def pdf(name: str = "hotellikuitti.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def completed_visit(time_machine, visitor, host, *, mentor=None, **fields) -> ExchangeRequest:
    """A visit confirmed through the workflow, then completed two days after its last day."""
    exchange = support.confirmed_visit(visitor, host, mentor=mentor, **fields)
    after = datetime.combine(exchange.last_day + timedelta(days=2), START.timetz())
    time_machine.move_to(after, tick=False)
    return workflow.complete(exchange.pk)


def feedback_form(**overrides) -> dict:
    data = {
        "rating": "5",
        "learned": "Miten bokbussen suunnittelee reittinsä saaristossa.",
        "take_home": "Kaksikieliset satutunnit ja henkilökunnan aamupalaverit.",
        "would_recommend": "yes",
        "message_to_host": "Kiitos lämpimästä vastaanotosta, Maja ja koko talo!",
        "message_to_coordinator": "Matkakorvausohjeet olisi hyvä saada jo hakemusvaiheessa.",
        "story_consent": "named",
        "story": "Kaksi päivää Mustasaaressa opetti enemmän kuin moni koulutus.",
        "story_language": "fi",
    }
    data.update(overrides)
    return data


def claim_form(**overrides) -> dict:
    data = {
        "car_km": "190",
        "public_transport_eur": "",
        "other_travel_eur": "",
        "other_travel_description": "",
        "accommodation_nights": "1",
        "accommodation_eur": "92.50",
        "notes": "",
    }
    data.update(overrides)
    return data


def send_claim(client, exchange, receipts=None, follow=False, language="fi", **fields):
    """The visitor's expense claim as they send it: the form, then the check page's button.

    Returns the form's page when it has errors, else the answer to sending.
    """
    from tests.pages import url

    files = [pdf()] if receipts is None else receipts
    form_path = url("feedback:claim-form", language, pk=exchange.pk)
    response = client.post(form_path, {**claim_form(**fields), "receipts": files})
    check_path = url("feedback:claim-check", language, pk=exchange.pk)
    if response.status_code != 302 or response["Location"] != check_path:
        return response
    return client.post(check_path, follow=follow)
