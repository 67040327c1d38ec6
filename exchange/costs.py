"""The cost estimate of a request as the supervisors read it: one total in euros.

The kilometre rate of each year is kept by the feedback app, which pays the expense
claims; it tells this module how to look the rate up (feedback/apps.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .models import ExchangeRequest

_km_rate_for: Callable[[int], Decimal | None] | None = None


def provide_km_rate(lookup: Callable[[int], Decimal | None]) -> None:
    """Set by the feedback app: the kilometre rate of a year, or None when not set."""
    global _km_rate_for
    _km_rate_for = lookup


@dataclass(frozen=True)
class Estimate:
    total: Decimal
    # Kilometres by own car left out of the total, when the year's rate is not known yet.
    unpriced_km: int = 0


def estimate(exchange: ExchangeRequest) -> Estimate:
    km = exchange.travel_car_km or 0
    rate = None
    if km and exchange.first_day and _km_rate_for is not None:
        rate = _km_rate_for(exchange.first_day.year)
    return Estimate(total=exchange.estimate_total(rate), unpriced_km=km if rate is None else 0)
