"""Logs a person can read and that hold no personal data beyond ids.

Email addresses are replaced by "[email]" and the secret part of link addresses by
"[token]" before a line is written: Django logs the path of every 404, Celery the error of
a failed send, gunicorn the path of every request. No Django import here: the gunicorn
master process loads this module before Django is set up.
"""

import logging
import re

EMAIL = re.compile(r"\w[\w.!#$%&*+/=?^{|}~-]*@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
# A whole path segment of 20 or more URL-safe characters with an upper-case letter, an
# underscore or a colon: a signed or random token. Slugs are lower-case words.
TOKEN = re.compile(r"(?<=/)(?=[\w:-]*[A-Z_:])[\w:-]{20,}(?=[/?#\s\"']|$)")


def scrub(text: str) -> str:
    """The text with email addresses and link tokens blanked out."""
    return TOKEN.sub("[token]", EMAIL.sub("[email]", text))


class ScrubFilter(logging.Filter):
    """Blank out personal data in a record's message and in its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
