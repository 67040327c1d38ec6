"""The confirmed visit as an iCalendar event, attached to the confirmation emails."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import ExchangeRequest


def visit_event(exchange: ExchangeRequest, language: str) -> str:
    """An all-day event over the visit's days, in the recipient's language."""
    with translation.override(language):
        summary = _("Staff exchange: %(visitor)s at %(host)s") % {
            "visitor": exchange.visitor.name or exchange.visitor.email,
            "host": exchange.host_library.name,
        }
        details = [
            _("Workplace mentor: %(name)s, %(email)s, %(phone)s")
            % {
                "name": exchange.mentor_name,
                "email": exchange.mentor_email,
                "phone": exchange.mentor_phone,
            },
            _("Where to meet on the first day: %(place)s") % {"place": exchange.meeting_place},
            _("When to meet on the first day: %(time)s") % {"time": exchange.meeting_time},
        ]
        location = ", ".join(
            p for p in [exchange.host_library.name, exchange.host_library.address] if p
        )

    calendar = Calendar()
    calendar.add("prodid", "-//Kollega//Staff exchange//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # The same UID with a higher SEQUENCE updates the event, e.g. after other dates.
    event.add("uid", f"exchange-{exchange.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("sequence", exchange.version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", exchange.first_day)
    event.add("dtend", exchange.last_day + timedelta(days=1))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", "\n".join(details))
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical().decode()
