"""The after-visit fixtures serve the privacy tests too: a visit has receipts to delete."""

from tests.feedback.conftest import at_start, private_media, visit  # noqa: F401
