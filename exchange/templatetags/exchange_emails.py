"""The blocks an exchange's messages share: the facts of the exchange and the first day's
practicalities. Every recipient of one transition gets the same block in their language, so
inside a batch (mail.outbox.batch) each is drawn once per language and reused.

Each is drawn as `{% include %}` draws it (mail.outbox.drawn_once), and reused only for a
message that reads the same values.
"""

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from mail.outbox import drawn_once

register = template.Library()


@register.simple_tag(takes_context=True)
def facts(context: Context, part: str, address_above: bool = False) -> SafeString:
    """The facts of the exchange (emails/includes/facts.<part>): who, where, when, on what
    terms. `address_above` leaves out the host's address that the message gave already."""
    exchange = context["exchange"]
    visitor, home, host = exchange.visitor, exchange.home_library, exchange.host_library
    reads = (
        exchange.pk,
        exchange.version,
        str(visitor),
        visitor.job_title,
        visitor.email,
        home.name,
        host.name,
        host.address,
        context.get("dates"),
        exchange.trip_type,
        exchange.kind,
        exchange.accommodation_nights,
    )
    return drawn_once(context, f"facts.{part}", reads, address_above=address_above)


@register.simple_tag(takes_context=True)
def practicalities(context: Context, part: str) -> SafeString:
    """The first day's practicalities (emails/includes/practicalities.<part>): the address,
    the mentor (but to the mentor), where and when to meet, the programme."""
    exchange = context["exchange"]
    host = exchange.host_library
    reads = (
        exchange.pk,
        exchange.version,
        host.name,
        host.address,
        exchange.mentor_name,
        exchange.mentor_email,
        exchange.mentor_phone,
        exchange.meeting_place,
        exchange.meeting_time,
        exchange.programme_notes,
        context.get("role") == "mentor",
    )
    return drawn_once(context, f"practicalities.{part}", reads)
