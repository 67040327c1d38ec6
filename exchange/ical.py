"""The visit as an iCalendar event (RFC 5545), sent as an invitation (iTIP, RFC 5546).

Every message about one visit describes the same event: the same UID, and as SEQUENCE the
exchange's version, which every transition raises. So a mail program replaces the event
it already has when the dates change, and removes it when the visit is cancelled.
"""

from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from mail.outbox import Recipient
from web.dates import visit_dates

from .models import ExchangeRequest

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def event_uid(exchange: ExchangeRequest) -> str:
    return f"exchange-{exchange.pk}@{urlsplit(settings.SITE_URL).hostname}"


def location(exchange: ExchangeRequest) -> str:
    """The host library's name and street address, as a calendar's map search wants it."""
    host = exchange.host_library
    return ", ".join(part for part in [host.name, host.address] if part)


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def visit_event(exchange: ExchangeRequest, recipient: Recipient, *, method: str = REQUEST) -> str:
    """An all-day event over the visit's days for one recipient, in their language.

    With method CANCEL the event is the cancellation of the one sent before.
    """
    with translation.override(recipient.language):
        summary = _("Staff exchange: %(visitor)s at %(host)s") % {
            "visitor": str(exchange.visitor),
            "host": exchange.host_library.name,
        }
        details = [
            _("Dates: %(dates)s") % {"dates": visit_dates(exchange.first_day, exchange.last_day)}
        ]
        if exchange.mentor_name:
            mentor = ", ".join(
                part
                for part in [exchange.mentor_name, exchange.mentor_email, exchange.mentor_phone]
                if part
            )
            details.append(_("Workplace mentor: %(mentor)s") % {"mentor": mentor})
        details += [
            _("Where to meet on the first day: %(place)s")
            % {"place": exchange.meeting_place or _("not agreed yet")},
            _("When to meet on the first day: %(time)s")
            % {"time": exchange.meeting_time or _("not agreed yet")},
        ]
        where = location(exchange)

    sender_name, sender_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    calendar = Calendar()
    calendar.add("prodid", "-//Kollega//Staff exchange//FI")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", event_uid(exchange))
    event.add("sequence", exchange.version)
    event.add("dtstamp", timezone.now())
    # All-day dates: DTEND is the day after the last day (exclusive, RFC 5545 3.6.1).
    event.add("dtstart", exchange.first_day)
    event.add("dtend", exchange.last_day + timedelta(days=1))
    event.add("summary", summary)
    event.add("location", where)
    event.add("description", "\n".join(details))
    event.add("organizer", _address(sender_email, sender_name or "Kollega"), encode=0)
    attendee = _address(recipient.email, recipient.name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    # Nobody answers the invitation: the exchange is agreed in Kollega, not in a calendar.
    attendee.params["RSVP"] = vText("FALSE")
    event.add("attendee", attendee, encode=0)
    if method == CANCEL:
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical().decode()
