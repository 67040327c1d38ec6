"""A visit's dates as Finland writes them, for pages, emails and the calendar file.

One day is one date: 16.11.2026. A range writes what the two ends share once, at its end:
Finnish "8.–9.2.2027" and "28.2.–3.3.2027", Finland-Swedish "8–9.2.2027" and "28.2–3.3.2027"
(the Swedish day and month take no closing stop before the dash); across a new year both ends
are written in full: "28.12.2026–3.1.2027". With weekdays each end names its day and the dash
is spaced, as between words: "ma 8.2. – ti 9.2.2027", "mån 8.2 – tis 9.2.2027".

The language is the active one, so a page shows its reader's form and an email, rendered
under its recipient's language, the recipient's. Templates `{% load dates %}` and write
`{{ first_day|visit_dates:last_day }}` or `{{ first_day|visit_days:last_day }}`.
"""

from datetime import date

from django import template
from django.utils import dateformat, translation

register = template.Library()


def _render(first_day: date, last_day: date, *, weekdays: bool) -> str:
    stop = "" if (translation.get_language() or "fi").startswith("sv") else "."

    def weekday(day: date) -> str:
        return f"{dateformat.format(day, 'D')} " if weekdays else ""

    def full(day: date) -> str:
        return f"{weekday(day)}{day.day}.{day.month}.{day.year}"

    if first_day == last_day:
        return full(first_day)
    if first_day.year != last_day.year:
        start = full(first_day)
    elif first_day.month != last_day.month or weekdays:
        start = f"{weekday(first_day)}{first_day.day}.{first_day.month}{stop}"
    else:
        start = f"{first_day.day}{stop}"
    dash = " – " if weekdays else "–"
    return f"{start}{dash}{full(last_day)}"


def visit_dates(
    first_day: date | None,
    last_day: date | None = None,
    *,
    weekdays: bool = False,
    language: str | None = None,
) -> str:
    """The days from first_day to last_day in the active (or the given) language.

    A missing last day means a one-day visit; no first day gives an empty string.
    """
    if not first_day:
        return ""
    last_day = last_day or first_day
    if last_day < first_day:
        first_day, last_day = last_day, first_day
    if language:
        with translation.override(language):
            return _render(first_day, last_day, weekdays=weekdays)
    return _render(first_day, last_day, weekdays=weekdays)


class VisitDates:
    """Dates written out only when shown, so in the language active then.

    An email's context is built before the recipient's language is switched on; this object
    goes into it and renders as the recipient reads it. False when there is no first day.
    """

    def __init__(self, first_day: date | None, last_day: date | None = None) -> None:
        self.first_day = first_day
        self.last_day = last_day

    def __str__(self) -> str:
        return visit_dates(self.first_day, self.last_day)

    def __bool__(self) -> bool:
        return bool(self.first_day)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VisitDates):
            return (self.first_day, self.last_day) == (other.first_day, other.last_day)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.first_day, self.last_day))


@register.filter(name="visit_dates")
def visit_dates_filter(first_day: date | None, last_day: date | None = None) -> str:
    """`{{ exchange.first_day|visit_dates:exchange.last_day }}`: 8.–9.2.2027."""
    return visit_dates(first_day, last_day)


@register.filter(name="visit_days")
def visit_days_filter(first_day: date | None, last_day: date | None = None) -> str:
    """`{{ exchange.first_day|visit_days:exchange.last_day }}`: ma 8.2. – ti 9.2.2027."""
    return visit_dates(first_day, last_day, weekdays=True)
