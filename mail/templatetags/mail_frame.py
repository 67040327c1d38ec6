"""The parts of every message's frame (emails/base.*) that depend on the sender, not on the
recipient: the coordinator's signature and who sends the message. Each is drawn once per
language and per what it reads of the contact details, and kept for the process's later
messages (mail.outbox.drawn_once, lasting): only an edit of the details draws it anew.
"""

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from ..outbox import drawn_once

register = template.Library()


def _coordinator(context: Context, *names: str) -> tuple:
    coordinator = context.get("coordinator")
    return tuple(getattr(coordinator, name, None) for name in names)


@register.simple_tag(takes_context=True)
def signature(context: Context, part: str) -> SafeString:
    """The coordinator's name, title, organisation, email and phone under "Kind regards"
    (emails/includes/signature.<part>)."""
    reads = _coordinator(context, "name", "title", "organisation", "email", "phone")
    return drawn_once(context, f"signature.{part}", reads, lasting=True)


@register.simple_tag(takes_context=True)
def sender(context: Context) -> SafeString:
    """Who sends the message, and whom to ask (emails/includes/sender.txt)."""
    reads = (*_coordinator(context, "organisation"), bool(context.get("to_coordinator")))
    return drawn_once(context, "sender.txt", reads, lasting=True)
