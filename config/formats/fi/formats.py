# Django's Finnish formats, with dates written as day.month.year everywhere (the admin's lists
# too: "1.12.2026 klo 9.00", not "1. joulukuuta 2026 kello 9.00"), and ISO dates also
# accepted (what <input type=date> sends). The hour without a leading zero, as Finnish and
# Finland-Swedish write it in running text ("klo 9.05", "kl. 9.05"), in every format: a page
# that gives the moment of an answer and of the step after it writes both the same way.
from django.conf.locale.fi.formats import *  # noqa: F403

DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j.n.Y \\k\\l\\o G.i"
SHORT_DATETIME_FORMAT = "j.n.Y G.i"
TIME_FORMAT = "G.i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
