from tests.feedback.conftest import alice, at_start, private_media, visit  # noqa: F401
