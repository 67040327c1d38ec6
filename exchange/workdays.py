"""Working days in Finland: Monday to Friday, less Finland's public holidays.

Days are counted in Finnish time (Europe/Helsinki) whatever the server's clock says, and
a moment moved by working days keeps its wall-clock time across a daylight-saving change.
"""

from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

FINNISH_TIME = ZoneInfo("Europe/Helsinki")


@cache
def _finnish_holidays() -> holidays.HolidayBase:
    # The calendar fills in each year the first time a date of that year is asked about.
    return holidays.country_holidays("FI")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays()


def add_working_days(moment: datetime, days: int) -> datetime:
    """The same time of day in Finland, `days` working days after the moment's own day."""
    local = moment.astimezone(FINNISH_TIME)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=FINNISH_TIME)
