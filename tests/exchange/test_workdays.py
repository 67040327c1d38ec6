"""Working days in Finland: weekends and Finnish public holidays don't count, and days are
counted in Finnish time across the daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta

from exchange.workdays import FINNISH_TIME, add_working_days, is_working_day


def helsinki(*args) -> datetime:
    return datetime(*args, tzinfo=FINNISH_TIME)


def test_a_weekend_is_not_counted():
    friday = helsinki(2027, 1, 15, 14, 0)

    assert add_working_days(friday, 1) == helsinki(2027, 1, 18, 14, 0)
    assert add_working_days(friday, 3) == helsinki(2027, 1, 20, 14, 0)


def test_independence_day_after_a_weekend_is_not_counted():
    friday = helsinki(2027, 12, 3, 10, 0)

    assert not is_working_day(date(2027, 12, 6))
    assert add_working_days(friday, 1) == helsinki(2027, 12, 7, 10, 0)


def test_midsummer_eve_is_not_a_working_day():
    thursday = helsinki(2027, 6, 24, 12, 0)

    assert not is_working_day(date(2027, 6, 25))
    assert add_working_days(thursday, 1) == helsinki(2027, 6, 28, 12, 0)
    assert add_working_days(thursday, 3) == helsinki(2027, 6, 30, 12, 0)


def test_christmas_and_new_year_leave_few_working_days():
    wednesday = helsinki(2027, 12, 22, 9, 0)

    # Thu 23.12., then Christmas Eve (Fri), the weekend, Mon 27.12.
    assert add_working_days(wednesday, 2) == helsinki(2027, 12, 27, 9, 0)


def test_the_spring_daylight_saving_change_keeps_the_finnish_time_of_day():
    friday = helsinki(2026, 3, 27, 10, 0)  # EET, UTC+2; clocks go forward on Sunday 29.3.

    due = add_working_days(friday, 3)

    assert due == helsinki(2026, 4, 1, 10, 0)
    assert due.utcoffset() == timedelta(hours=3)
    assert due.astimezone(UTC) - friday.astimezone(UTC) == timedelta(days=5, hours=-1)


def test_the_autumn_daylight_saving_change_keeps_the_finnish_time_of_day():
    friday = helsinki(2027, 10, 29, 10, 0)  # EEST, UTC+3; clocks go back on Sunday 31.10.

    due = add_working_days(friday, 3)

    assert due == helsinki(2027, 11, 3, 10, 0)
    assert due.utcoffset() == timedelta(hours=2)
    assert due.astimezone(UTC) - friday.astimezone(UTC) == timedelta(days=5, hours=1)


def test_days_are_counted_in_finnish_time_whatever_the_clock_of_the_server():
    # Thursday 23:30 UTC is already Friday 01:30 in Finland.
    late_thursday_utc = datetime(2027, 12, 2, 23, 30, tzinfo=UTC)

    due = add_working_days(late_thursday_utc, 1)

    assert due == helsinki(2027, 12, 7, 1, 30)
