"""Dates typed as Finland writes them, 3.2.2027, whatever the browser's language.

A browser's own date input shows its user's locale (month first in an English browser) and
its picker's words in the browser's language, so the day fields are plain text with the
format shown beside them. ISO dates (2027-02-03) are still accepted.
"""

import datetime

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
FORMAT_HINT = _("As d.m.yyyy, for example 3.2.2027.")


class DayInput(forms.TextInput):
    """A date as text, shown as 3.2.2027 (no leading zeros)."""

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", "size": 12, **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day}.{value.month}.{value.year}"
        return super().format_value(value)


class DayField(forms.DateField):
    """A day typed as d.m.yyyy, with the format in its help text and in its error."""

    widget = DayInput
    input_formats = INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Write the date as d.m.yyyy, for example 3.2.2027."),
    }

    def __init__(self, *, help_text="", **kwargs):
        kwargs.pop("input_formats", None)
        help_text = format_lazy("{} {}", FORMAT_HINT, help_text) if help_text else FORMAT_HINT
        super().__init__(input_formats=INPUT_FORMATS, help_text=help_text, **kwargs)

    def to_python(self, value):
        # A phone's number pad may offer a comma for the dot, and people add spaces.
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace(" ", "").rstrip(".")
        return super().to_python(value)
