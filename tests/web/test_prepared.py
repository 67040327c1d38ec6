from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.transaction import TransactionManagementError
from django.utils import translation

from exchange.models import ExchangeRequest
from libraries.models import FocusArea, Staff
from tests.factories import ExchangeRequestFactory, FocusAreaFactory, StaffFactory
from web.prepared import Prepared, locking_by_id

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


def _shown(instance, related: tuple[str, ...] = ()) -> dict:
    """An instance's fields and its related objects' fields, as they are held in memory."""
    if instance is None:
        return None
    shown = {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}
    for path in related:
        name, _, rest = path.partition("__")
        assert instance._meta.get_field(name).is_cached(instance), name
        shown[name] = _shown(getattr(instance, name), (rest,) if rest else ())
    return shown


RELATED = (
    "visitor",
    "home_library__municipality__region",
    "host_library__municipality__region",
    "return_of__visitor",
)


def exchange_in_full(exchange_id: int):
    return (
        ExchangeRequest.objects.with_related()
        .select_related("return_of__visitor")
        .annotate(history_count=Count("history"))
        .filter(pk=exchange_id)
    )


def test_gives_the_instances_and_the_related_objects_the_queryset_gives():
    query = Prepared(exchange_in_full)
    first = ExchangeRequestFactory(
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 9),
        travel_public_eur=Decimal("12.50"),
        language_practice=True,
    )
    # A return visit: its nullable key joined to the first; the first's is joined as None.
    second = ExchangeRequestFactory(return_of=first)

    for exchange in (first, second, first):
        (instance,) = query.instances(exchange.pk)
        (expected,) = exchange_in_full(exchange.pk)
        assert type(instance) is ExchangeRequest
        assert _shown(instance, RELATED) == _shown(expected, RELATED)
        assert instance.history_count == expected.history_count
        assert instance._state.db == "default" and not instance._state.adding

    (instance,) = query.instances(first.pk)
    assert instance.return_of is None
    # Converted as Django converts them on every database: dates, decimals, booleans.
    assert isinstance(instance.first_day, date)
    assert isinstance(instance.updated_at, datetime)
    assert instance.travel_public_eur == Decimal("12.50")
    assert instance.language_practice is True


def test_instances_need_no_further_query_for_what_they_joined(django_assert_num_queries):
    query = Prepared(exchange_in_full)
    exchange = ExchangeRequestFactory()
    (instance,) = query.instances(exchange.pk)

    with django_assert_num_queries(0):
        assert instance.host_library.municipality.region.name_fi
        assert instance.visitor.email


def test_gives_no_instance_for_a_missing_value():
    assert Prepared(exchange_in_full).instances(-99) == []


def test_gives_rows_of_instances_in_the_queries_order():
    visitor = StaffFactory()
    exchanges = ExchangeRequestFactory.create_batch(3, visitor=visitor)
    query = Prepared(
        lambda visitor_id: ExchangeRequest.objects.filter(visitor_id=visitor_id).order_by("-pk")
    )

    assert [item.pk for item in query.instances(visitor.pk)] == [
        item.pk for item in reversed(exchanges)
    ]


def test_gives_no_instances_of_a_query_of_values():
    with pytest.raises(RuntimeError):
        Prepared(by_visitor).instances(StaffFactory().pk)


@pytest.mark.parametrize(
    "build",
    [
        lambda value: ExchangeRequest.objects.filter(pk=value).prefetch_related("focus_areas"),
        lambda value: ExchangeRequest.objects.filter(pk=value).extra(select={"one": "1"}),
        lambda value: ExchangeRequest.objects.filter(pk=value).union(
            ExchangeRequest.objects.filter(visitor_id=value)
        ),
    ],
    ids=["prefetch_related", "extra", "union"],
)
def test_refuses_what_one_query_cannot_give(build):
    exchange = ExchangeRequestFactory()
    with pytest.raises(RuntimeError):
        Prepared(build).instances(exchange.pk)


def test_refuses_instances_whose_shape_changes_with_the_value():
    def shifting(value: int):
        exchanges = ExchangeRequest.objects.filter(pk=value)
        return exchanges.select_related("visitor") if value == -1 else exchanges

    with pytest.raises(RuntimeError):
        Prepared(shifting).instances(ExchangeRequestFactory().pk)


def test_gives_nothing_for_a_value_no_key_can_hold():
    exchange = ExchangeRequestFactory()
    query = Prepared(exchange_in_full)

    assert query.instances(2**63) == []
    assert query.instances(exchange.pk) != []


def test_orders_by_the_name_in_the_readers_language():
    exchange = ExchangeRequestFactory()
    exchange.focus_areas.add(
        FocusAreaFactory(slug="a", name_fi="Aikuiset", name_sv="Vuxna"),
        FocusAreaFactory(slug="b", name_fi="Bokbussi", name_sv="Bokbuss"),
    )
    query = Prepared(lambda exchange_id: FocusArea.objects.filter(exchanges=exchange_id))

    for language, names in [("fi", ["a", "b"]), ("sv", ["b", "a"]), ("fi", ["a", "b"])]:
        with translation.override(language):
            assert [area.slug for area in query.instances(exchange.pk)] == names


def locked(exchange_id: int):
    return (
        ExchangeRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("visitor")
        .filter(pk=exchange_id)
        .order_by()
    )


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_locks_inside_a_transaction_and_is_refused_outside():
    exchange = ExchangeRequestFactory()
    query = Prepared(locked)

    with transaction.atomic():
        (instance,) = query.instances(exchange.pk)
    assert instance.visitor == exchange.visitor
    if connection.features.has_select_for_update:
        assert "FOR NO KEY UPDATE" in query._compiled_for("default").sql
        with pytest.raises(TransactionManagementError):
            query.instances(exchange.pk)


def test_takes_probes_a_field_without_negative_numbers_can_hold():
    def by_nights(nights: int):
        return ExchangeRequest.objects.filter(accommodation_nights=nights).values_list("id")

    exchange = ExchangeRequestFactory(accommodation_nights=3)
    # Django builds no query for a value its field cannot hold.
    with pytest.raises(EmptyResultSet):
        Prepared(by_nights).rows(3)

    assert Prepared(by_nights, probes=(1, 2)).rows(3) == [(exchange.pk,)]


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_id_comes_with_what_it_joins_and_locks_only_its_own_row(
    django_assert_num_queries,
):
    visitor = StaffFactory()
    query = locking_by_id(Staff, "library__municipality")

    with transaction.atomic():
        with django_assert_num_queries(1):
            (instance,) = query.instances(visitor.pk)
            assert instance.library.municipality == visitor.library.municipality
        assert query.instances(visitor.pk + 1000) == []
    if connection.features.has_select_for_update:
        sql = query._compiled_for("default").sql
        assert sql.endswith('FOR NO KEY UPDATE OF "libraries_staff"')
        with pytest.raises(TransactionManagementError):
            query.instances(visitor.pk)
