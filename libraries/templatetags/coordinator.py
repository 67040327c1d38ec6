"""The regional coordinator's contact details, for pages that send the reader to them."""

from django import template

from libraries.models import ContactDetails

register = template.Library()


@register.inclusion_tag("includes/coordinator_contact.html")
def coordinator_contact() -> dict:
    """Who the coordinator is and how to reach them, or a plain sentence without details."""
    return {"contact": ContactDetails.objects.first()}
