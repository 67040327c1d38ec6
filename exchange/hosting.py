"""How many visitors a host library has on each day, for its month view and its capacity.

A request counts against the host's capacity from the moment it is submitted until it is
declined, cancelled or over: awaiting the home supervisor, awaiting the host and confirmed
on its own days, and with other dates proposed on the days the host proposed. A visitor
told that there is room when they submit is not turned away weeks later because someone
else's supervisor answered first, and the host contact plans with every request in sight;
a declined or cancelled request gives its place back at once. A draft holds no place.
"""

from collections import Counter
from datetime import date, timedelta

from django.db.models import Expression, Q

from .models import ExchangeRequest, State

# Submitted and not over, on their own days.
COUNTED_ON_OWN_DAYS = [State.AWAITING_HOME, State.AWAITING_HOST, State.CONFIRMED]


def counted_requests(
    library_ids, first_day: date | Expression, last_day: date | Expression, *, besides=None
):
    """The requests that hold a place at these libraries on any of these days (the days may be
    read by the database, as expressions)."""
    return (
        ExchangeRequest.objects.filter(host_library_id__in=library_ids)
        .filter(
            Q(state__in=COUNTED_ON_OWN_DAYS, first_day__lte=last_day, last_day__gte=first_day)
            | Q(
                state=State.DATES_PROPOSED,
                proposed_first_day__lte=last_day,
                proposed_last_day__gte=first_day,
            )
        )
        .exclude(pk=besides)
    )


def held_days(exchange) -> tuple[date, date]:
    """The days a counted request holds at its host."""
    if exchange.state == State.DATES_PROPOSED:
        return exchange.proposed_first_day, exchange.proposed_last_day
    return exchange.first_day, exchange.last_day


def count_visitors(library_ids, first_day: date, last_day: date, besides=None) -> dict:
    """Library id → visitors on each day from first_day to last_day (one query)."""
    counts: dict[int, Counter] = {}
    rows = counted_requests(library_ids, first_day, last_day, besides=besides).only(
        "host_library_id",
        "state",
        "first_day",
        "last_day",
        "proposed_first_day",
        "proposed_last_day",
    )
    for exchange in rows:
        start, end = held_days(exchange)
        day = max(start, first_day)
        while day <= min(end, last_day):
            counts.setdefault(exchange.host_library_id, Counter())[day] += 1
            day += timedelta(days=1)
    return counts
