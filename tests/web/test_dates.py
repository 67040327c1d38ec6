"""A visit's dates as Finland writes them, in Finnish and in Swedish (web/dates.py)."""

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from web.dates import VisitDates, visit_dates

FORMS = [
    # first day, last day, Finnish, Swedish
    (date(2026, 11, 16), date(2026, 11, 16), "16.11.2026", "16.11.2026"),
    (date(2027, 2, 8), date(2027, 2, 9), "8.–9.2.2027", "8–9.2.2027"),
    (date(2027, 2, 28), date(2027, 3, 3), "28.2.–3.3.2027", "28.2–3.3.2027"),
    (date(2026, 12, 30), date(2027, 1, 3), "30.12.2026–3.1.2027", "30.12.2026–3.1.2027"),
]


@pytest.mark.parametrize(("first", "last", "finnish", "swedish"), FORMS)
def test_a_visit_is_written_as_each_language_writes_it(first, last, finnish, swedish):
    assert visit_dates(first, last, language="fi") == finnish
    assert visit_dates(first, last, language="sv") == swedish


@pytest.mark.parametrize(("first", "last", "finnish", "swedish"), FORMS)
def test_the_template_filter_writes_the_pages_language(first, last, finnish, swedish):
    template = Template("{% load dates %}{{ first|visit_dates:last }}")
    for language, expected in [("fi", finnish), ("sv", swedish)]:
        with translation.override(language):
            assert template.render(Context({"first": first, "last": last})) == expected


def test_a_one_day_visit_is_one_date_even_without_a_last_day():
    assert visit_dates(date(2026, 11, 16), None, language="fi") == "16.11.2026"
    assert visit_dates(None, None) == ""


def test_with_weekdays_each_end_names_its_day():
    first, last = date(2027, 2, 8), date(2027, 2, 9)

    assert visit_dates(first, last, weekdays=True, language="fi") == "ma 8.2. – ti 9.2.2027"
    assert visit_dates(first, last, weekdays=True, language="sv") == "mån 8.2 – tis 9.2.2027"
    assert visit_dates(first, first, weekdays=True, language="sv") == "mån 8.2.2027"
    template = Template("{% load dates %}{{ first|visit_days:last }}")
    with translation.override("fi"):
        assert template.render(Context({"first": first, "last": last})) == "ma 8.2. – ti 9.2.2027"


def test_dates_in_an_email_context_are_written_in_the_language_active_when_shown():
    dates = VisitDates(date(2027, 2, 8), date(2027, 2, 9))

    with translation.override("sv"):
        assert str(dates) == "8–9.2.2027"
    with translation.override("fi"):
        assert f"{dates}" == "8.–9.2.2027"
    assert not VisitDates(None, None)
