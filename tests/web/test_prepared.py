from datetime import date

import pytest
from django.db.models import Q

from exchange.models import ExchangeRequest
from tests.factories import ExchangeRequestFactory, StaffFactory
from web.prepared import Prepared

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "first_day", "updated_at", "visitor__name", "host_library__name_fi")


def by_visitor(visitor_id: int):
    return (
        ExchangeRequest.objects.filter(visitor_id=visitor_id).order_by("pk").values_list(*COLUMNS)
    )


def test_gives_each_value_the_rows_django_gives():
    query = Prepared(by_visitor)
    first, second = StaffFactory(), StaffFactory()
    ExchangeRequestFactory(visitor=first, first_day=date(2027, 2, 8), last_day=date(2027, 2, 9))
    ExchangeRequestFactory(visitor=first)
    ExchangeRequestFactory(visitor=second)

    for visitor in (first, second, first):
        assert query.rows(visitor.pk) == list(by_visitor(visitor.pk))
    assert query.rows(-99) == []
    # Dates come back as dates on every database (SQLite gives text, converted as Django does).
    assert isinstance(query.rows(first.pk)[0][1], date)


def test_compiles_once():
    built = []

    def build(visitor_id: int):
        built.append(visitor_id)
        return by_visitor(visitor_id)

    query = Prepared(build)
    for visitor in StaffFactory.create_batch(3):
        query.rows(visitor.pk)

    assert len(built) == 2  # the two probes


def test_refuses_a_query_whose_shape_changes_with_its_value():
    def shifting(value: int):
        condition = Q(pk=value) if value == -1 else Q(pk=value) | Q(visitor_id=value)
        return ExchangeRequest.objects.filter(condition).values_list("id")

    with pytest.raises(RuntimeError):
        Prepared(shifting).rows(1)


def test_refuses_a_query_that_does_not_use_its_value():
    with pytest.raises(RuntimeError):
        Prepared(lambda value: ExchangeRequest.objects.filter(pk=1).values_list("id")).rows(1)
