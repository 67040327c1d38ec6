import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Receipts go to a fresh folder per test, outside the public media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"
