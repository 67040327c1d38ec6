"""The exchange tests' personas (see support.py) and a fixed today."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.exchange import support


@pytest.fixture
def frozen_today(time_machine):
    """Monday 11 January 2027, 10 o'clock in Finland."""
    time_machine.move_to(
        datetime(2027, 1, 11, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False
    )


@pytest.fixture
def home():
    return support.seinajoki()


@pytest.fixture
def host():
    return support.korsholm()


@pytest.fixture
def alice(home):
    return support.alice(home)


@pytest.fixture
def visitor(client, alice):
    """Alice, signed in."""
    client.force_login(alice)
    return alice
