import pytest

from tests.feedback import support


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Receipts go to a fresh folder per test, outside the public media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def at_start(time_machine):
    """Today is support.START, a Monday in March 2026."""
    time_machine.move_to(support.START, tick=False)


@pytest.fixture
def visit(at_start, time_machine, alice, host):
    """The visitor's visit to the host library, confirmed through the workflow and completed."""
    return support.completed_visit(time_machine, alice, host)
