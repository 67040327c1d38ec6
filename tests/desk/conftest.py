"""A programme with something in every corner of the admin, as the coordinator meets it."""

from datetime import date

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from feedback.models import HostFeedback, YearSettings
from libraries.models import AccessibilityFeedback
from tests.exchange import support
from tests.factories import ExpenseClaimFactory, VisitorFeedbackFactory


@pytest.fixture
def programme(alice, bertil, host, home, coordinator, coordinator_contact, time_machine):
    """Alice's confirmed visit to Korsholm with its history and messages; a visit of last
    spring with feedback from both sides and an expense claim; the year's settings; a message
    to the accessibility statement; the coordinator's phone for two-factor sign-in."""
    time_machine.move_to(timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 0)), tick=False)
    confirmed = support.confirmed_visit(
        alice, host, first_day=date(2026, 11, 24), last_day=date(2026, 11, 25)
    )
    waiting = support.submitted(
        bertil, home, first_day=date(2026, 12, 8), last_day=date(2026, 12, 8)
    )
    feedback = VisitorFeedbackFactory(
        exchange__visitor=alice,
        exchange__host_library=host,
        exchange__first_day=date(2026, 3, 2),
        exchange__last_day=date(2026, 3, 3),
    )
    claim = ExpenseClaimFactory(exchange=feedback.exchange)
    host_feedback = HostFeedback.objects.create(
        exchange=feedback.exchange,
        author_name="Maja Mentor",
        author_email="maja.mentor@korsholm.fi",
        language="sv",
        how_it_went="Ett fint besök.",
        would_host_again=True,
    )
    YearSettings.objects.update_or_create(
        year=2026, defaults={"km_rate": "0.55", "budget": "4000.00"}
    )
    accessibility = AccessibilityFeedback.objects.create(
        message="Kontrasti on heikko.", page="/fi/", language="fi", email="liisa@vaasa.fi"
    )
    phone = TOTPDevice.objects.create(user=coordinator, name="Puhelin", confirmed=True)
    return {
        "confirmed": confirmed,
        "waiting": waiting,
        "feedback": feedback,
        "claim": claim,
        "host_feedback": host_feedback,
        "accessibility": accessibility,
        "phone": phone,
    }
