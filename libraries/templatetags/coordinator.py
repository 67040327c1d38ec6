"""The regional coordinator's contact details, for pages that send the reader to them."""

from django import template
from django.db import DatabaseError, transaction

from libraries.models import ContactDetails

register = template.Library()


@register.inclusion_tag("includes/coordinator_contact.html")
def coordinator_contact() -> dict:
    """Who the coordinator is and how to reach them, or a plain sentence without details.

    The pages that use it are also the pages shown when something is wrong: with the
    database out of reach they still answer, with the plain sentence."""
    try:
        with transaction.atomic():
            contact = ContactDetails.objects.first()
    except DatabaseError:
        contact = None
    return {"contact": contact}
