"""Logs a person can read and that hold no personal data beyond ids.

Email addresses are replaced by "[email]" and the secret part of link addresses by
"[token]" before a line is written: Django logs the path of every 404, Celery the error of
a failed send, gunicorn the path of every request. A control character in a message (a
path's %0A) is written escaped, so that nobody can forge a line of their own. No Django
import here: the gunicorn master process loads this module before Django is set up.
"""

import logging
import re

EMAIL = re.compile(r"\w[\w.!#$%&*+/=?^{|}~-]*@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b")
# A whole path segment of 20 or more URL-safe characters with an upper-case letter, an
# underscore or a colon: a signed or random token. Slugs are lower-case words.
TOKEN = re.compile(r"(?<=/)(?=[\w:-]*[A-Z_:])[\w:-]{20,}(?=[/?#\s\"']|$)")

# C0 and C1 controls, DEL and the Unicode line and paragraph separators.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def scrub(text: str) -> str:
    """The text with email addresses and link tokens blanked out."""
    return TOKEN.sub("[token]", EMAIL.sub("[email]", text))


def escape_controls(text: str) -> str:
    """The text on one line: each control character written as its escape, "\\x0a"."""
    return CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


class ScrubFilter(logging.Filter):
    """Blank out personal data in a record's message and in its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # The message may quote a path or a value someone sent; a traceback keeps its lines.
        record.msg, record.args = escape_controls(scrub(message)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
