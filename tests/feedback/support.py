"""Visits that are over, and the people and files the after-visit tests share.

The personas are those of tests/exchange/support.py: Alice Aalto (Finnish) of Seinäjoki
visits Korsholm, whose exchange contact Sara Sund and mentor Maja Mentor write Swedish;
Bertil Berg (Swedish) of Korsholm visits Seinäjoki, whose contact Seppo Seinä and mentor
Mikko Mentori write Finnish. Kerttu is the coordinator, a staff member of the Coordinator
group and not a superuser.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange import workflow
from exchange.models import ExchangeRequest
from tests.exchange import support
from tests.factories import StaffFactory

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


def finnish_mentor() -> workflow.MentorDetails:
    return support.mentor(
        name="Mikko Mentori",
        email="mikko.mentori@seinajoki.fi",
        language="fi",
        meeting_place="Henkilökunnan sisäänkäynti",
        programme_notes="Satutunti tiistaina.",
    )


def confirmed_visit(visitor, host, *, mentor=None, **fields) -> ExchangeRequest:
    exchange = support.approved_at_home(visitor, host, **fields)
    approval = support.pending(exchange, "host")
    return workflow.approve_host(
        approval.pk, version=approval.version, mentor=mentor or support.mentor()
    )


def completed_visit(time_machine, visitor, host, *, mentor=None, **fields) -> ExchangeRequest:
    """A visit confirmed through the workflow, then completed two days after its last day."""
    exchange = confirmed_visit(visitor, host, mentor=mentor, **fields)
    after = datetime.combine(exchange.last_day + timedelta(days=2), START.timetz())
    time_machine.move_to(after, tick=False)
    return workflow.complete(exchange.pk)


def coordinator(**fields):
    person = StaffFactory(
        email="kerttu@vaasa.fi",
        name="Kerttu Koordinaattori",
        is_staff=True,
        is_superuser=False,
        library=None,
        supervisor_email="",
        **fields,
    )
    person.groups.add(Group.objects.get(name="Coordinator"))
    return person


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
