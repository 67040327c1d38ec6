"""A phone number's tel: link rings from any phone, abroad too: the number in international
form, while the page shows it as it was written (web/phones.py)."""

import pytest
from django.template import Context, Template

from web.phones import international

NUMBERS = [
    # as written, as the link dials it
    ("040 123 4567", "+358401234567"),
    ("06 123 4567", "+35861234567"),
    ("(06) 123 4567", "+35861234567"),
    ("040-123 4567", "+358401234567"),
    ("0800 12345", "+35880012345"),
    ("+358 40 123 4567", "+358401234567"),
    ("+358 (0)40 123 4567", "+358401234567"),
    ("00358 40 123 4567", "+358401234567"),
    ("+46 8 123 456 78", "+46812345678"),
    ("0046 8 123 456 78", "+46812345678"),
    ("112", "112"),
    # Words after the number are not dialled.
    ("040 123 4567 (työ)", "+358401234567"),
    ("050-765 43 21, vaihde", "+358507654321"),
    ("06 123 4567 arkisin klo 9–15", "+35861234567"),
]


@pytest.mark.parametrize(("written", "dialled"), NUMBERS)
def test_a_number_is_dialled_in_international_form(written, dialled):
    assert international(written) == dialled


def test_the_link_dials_the_international_form_and_shows_the_number_as_written():
    template = Template('{% load phones %}<a href="{{ phone|tel_href }}">{{ phone }}</a>')

    html = template.render(Context({"phone": "040 123 4567"}))

    assert html == '<a href="tel:+358401234567">040 123 4567</a>'
