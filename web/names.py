"""People's names: one line each, as they go onto pages and into email headers."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ONE_LINE = _("Write the name on one line.")

# Control characters (line breaks, tabs, escapes) and the Unicode line and paragraph
# separators. NUL is left to Django's own validator, which every form field runs.
_BREAKING = {"Cc", "Zl", "Zp"}


def is_single_line(value: str) -> bool:
    return not any(char != "\x00" and unicodedata.category(char) in _BREAKING for char in value)


def single_line(value: str) -> None:
    """A validator for a person's name: no line break nor any other control character."""
    if not is_single_line(value):
        raise ValidationError(ONE_LINE, code="not_single_line")
