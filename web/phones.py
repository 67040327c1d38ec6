"""A phone number's tel: link, in the international form a phone dials from anywhere.

Finland writes its numbers with the trunk prefix and spaces: "040 123 4567", "06 123 4567".
A tel: link says the same number as +358401234567 and +35861234567 (RFC 3966: a global
number, without spaces), so that it also rings from a phone abroad or one with a foreign SIM
card. The page keeps showing the number as it was written. Templates `{% load phones %}` and
write `<a href="{{ phone|tel_href }}">{{ phone }}</a>`.
"""

import re

from django import template

register = template.Library()

FINLAND = "358"
# What people write between the digits: spaces, dashes, dots, slashes and brackets.
SEPARATORS = re.compile(r"[\s\-./()]")
# The number itself: what is written before any words after it ("040 123 4567 (työ)").
NUMBER = re.compile(r"\s*\+?[\d\s\-./()]*")


def international(phone: str) -> str:
    """The number as +<country code><number>: 040 123 4567 as +358401234567.

    A number already international (+46 8 123 456, 0046 8 123 456) keeps its country, without
    the trunk prefix some write after it in brackets (+358 (0)40 ...). A number that is neither
    international nor begins with the trunk prefix (a short number such as 112) is left as it
    is, without its separators. Words written after the number are left out."""
    number = NUMBER.match((phone or "").replace("(0)", "")).group()
    number = SEPARATORS.sub("", number)
    if number.startswith("+"):
        return number
    if number.startswith("00"):
        return f"+{number[2:]}"
    if number.startswith("0"):
        return f"+{FINLAND}{number[1:]}"
    return number


@register.filter
def tel_href(phone: str) -> str:
    """`<a href="{{ contact.phone|tel_href }}">`: tel:+358401234567 for 040 123 4567."""
    return f"tel:{international(phone)}"
