"""A fixed today for the exchange tests; the personas are the suite's (tests/conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest


@pytest.fixture
def frozen_today(time_machine):
    """Monday 11 January 2027, 10 o'clock in Finland."""
    time_machine.move_to(
        datetime(2027, 1, 11, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False
    )
