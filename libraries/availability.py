"""When a library can take visitors: its closed periods, its weekdays, public holidays and
how many visitors it has on each day.

The visits themselves belong to the exchange app above: it tells this module how many
visitors a library has on each day (`count_visitors_with`, from its AppConfig.ready), so
the month view on a library page and the checks of the request form and the workflow
count the same way.
"""

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import holidays
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext

from .models import WEEKDAYS, WEEKDAYS_ABBR, ClosedPeriod, Library

# How many months the month view shows, this one first.
MONTHS_SHOWN = 3

FREE, FULL, CLOSED, NOT_HOSTED, WEEKEND, HOLIDAY, PAST = (
    "free",
    "full",
    "closed",
    "not-hosted",
    "weekend",
    "holiday",
    "past",
)

# (library id, first day, last day, exchange to leave out) → visitors on each day
VisitorCounter = Callable[[list[int], date, date, int | None], dict[int, Counter]]


def _no_visitors(library_ids, first_day, last_day, besides):
    return {}


_count_visitors: list[VisitorCounter] = [_no_visitors]


def count_visitors_with(counter: VisitorCounter) -> None:
    """How visits are counted (set by the exchange app when it starts)."""
    _count_visitors[0] = counter


def visitors_per_day(
    library: Library, first_day: date, last_day: date, *, besides: int | None = None
) -> Counter:
    return _count_visitors[0]([library.pk], first_day, last_day, besides).get(library.pk, Counter())


@cache
def _holiday_calendar(language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", language="sv_FI" if language == "sv" else "fi")


def holiday_name(day: date) -> str | None:
    """The Finnish public holiday on this day, named in the active language, or None."""
    return _holiday_calendar(get_language() or "fi").get(day)


@dataclass
class Day:
    day: date
    state: str
    # The day's state in words, as the month view reads it out.
    text: str
    visitors: int = 0
    capacity: int = 0
    # Why no visitor can come: the closure with its note, the holiday's or weekday's name.
    reason: str = ""

    @property
    def requestable(self) -> bool:
        return self.state == FREE


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[Day | None]] = field(default_factory=list)

    @property
    def caption(self) -> str:
        return f"{MONTHS[self.month]} {self.year}".capitalize()


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def day_states(
    library: Library,
    first_day: date,
    last_day: date,
    *,
    today: date,
    closed: list[ClosedPeriod] | None = None,
    visitors: Counter | None = None,
) -> list[Day]:
    """Each day from first_day to last_day as a visitor asking for it would find it."""
    if closed is None:
        closed = list(
            library.closed_periods.filter(last_day__gte=first_day, first_day__lte=last_day)
        )
    if visitors is None:
        visitors = visitors_per_day(library, first_day, last_day)
    capacity = library.visitors_per_day
    days = []
    day = first_day
    while day <= last_day:
        days.append(_day(library, day, today, closed, visitors.get(day, 0), capacity))
        day += timedelta(days=1)
    return days


def _day(library, day, today, closed, visitors, capacity) -> Day:
    if day <= today:
        return Day(day, PAST, gettext("past"))
    period = next((p for p in closed if p.covers(day)), None)
    if period is not None:
        reason = period.get_reason_display()
        if period.note:
            reason = f"{reason}: {period.note}"
        text = gettext("closed to visitors (%(reason)s)") % {"reason": reason}
        return Day(day, CLOSED, text, reason=reason)
    name = holiday_name(day)
    if name:
        return Day(day, HOLIDAY, gettext("public holiday (%(name)s)") % {"name": name}, reason=name)
    if not library.hosts_on(day):
        weekday = str(WEEKDAYS[day.isoweekday()])
        if day.isoweekday() >= 6:
            return Day(day, WEEKEND, gettext("weekend, no visitors"), reason=weekday)
        return Day(day, NOT_HOSTED, gettext("no visitors on this weekday"), reason=weekday)
    if visitors >= capacity:
        return Day(day, FULL, gettext("full"), visitors, capacity)
    left = capacity - visitors
    text = ngettext("free, %(left)s place left", "free, %(left)s places left", left) % {
        "left": left
    }
    return Day(day, FREE, text, visitors, capacity)


def refusal(library: Library, first_day: date, last_day: date, *, today: date, besides=None):
    """Why a visit on these days cannot be requested, in words, or None when it can."""
    visitors = visitors_per_day(library, first_day, last_day, besides=besides)
    for day in day_states(library, first_day, last_day, today=today, visitors=visitors):
        if day.requestable or day.state == PAST:
            continue
        params = {"library": library, "day": _short(day.day), "reason": day.reason}
        if day.state == FULL:
            return ngettext(
                "%(library)s has no room on %(day)s: it takes %(capacity)s visitor a day, "
                "and that place is taken. Choose other days.",
                "%(library)s has no room on %(day)s: it takes %(capacity)s visitors a day, "
                "and all the places are taken. Choose other days.",
                day.capacity,
            ) % {**params, "capacity": day.capacity}
        if day.state == HOLIDAY:
            return gettext("%(day)s is a public holiday (%(reason)s). Choose other days.") % params
        # Closed or busy, or a weekday on which the library does not host.
        return (
            gettext("%(library)s takes no visitors on %(day)s (%(reason)s). Choose other days.")
            % params
        )
    return None


def month_view(
    library: Library, today: date, months: int = MONTHS_SHOWN, *, closed=None
) -> list[Month]:
    """The library's next months, a week a row (Monday first), each day with its state."""
    start = today.replace(day=1)
    year, month = start.year, start.month
    for _ in range(months - 1):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    end = date(year, month, calendar.monthrange(year, month)[1])
    states = {d.day: d for d in day_states(library, start, end, today=today, closed=closed)}

    shown = []
    year, month = start.year, start.month
    for _ in range(months):
        weeks = [
            [states[d] if d.month == month else None for d in week]
            for week in calendar.Calendar().monthdatescalendar(year, month)
        ]
        shown.append(Month(year, month, weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return shown


def month_view_context(
    library: Library, *, today: date, pick_url: str = "", closed: list | None = None
) -> dict:
    """What templates/libraries/_month_view.html draws: the months, the weekdays' names and
    the closed or busy periods among them (a query for the periods unless given, one for
    the visits)."""
    first = today.replace(day=1)
    if closed is None:
        closed = list(library.closed_periods.filter(last_day__gte=first))
    months = month_view(library, today, closed=closed)
    last = max(d.day for week in months[-1].weeks for d in week if d)
    return {
        "library": library,
        "months": months,
        "weekdays": [(WEEKDAYS[n], WEEKDAYS_ABBR[n]) for n in range(1, 8)],
        "closed_periods": [p for p in closed if p.last_day > today and p.first_day <= last],
        "pick_url": pick_url,
    }
