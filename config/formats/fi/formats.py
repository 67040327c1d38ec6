# Django's Finnish formats, with ISO dates also accepted (what <input type=date> sends).
from django.conf.locale.fi.formats import *  # noqa: F403

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
