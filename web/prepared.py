"""Queries whose shape never changes, built and compiled by Django once per process.

For a narrow query Django spends several times longer building and compiling the SQL than
the database takes to answer it. A `Prepared` query is made by a function of one value (an
id); it is compiled once per database and then sent again with each new value in its place
(and with prepared statements on, PostgreSQL plans it once per connection as well). Two
probe values show where the value goes among the parameters, and a query whose SQL changes
with its value is refused. Translated fields make a query in the active language (a focus
area's name orders by the reader's), so each language has its own compiled query. The rows
come back as Django would give them (its converters
applied: SQLite's dates, for one).

A query of model instances gives them too, as the queryset would: each with its fields, its
annotations and the objects it selects with select_related (None for an empty nullable
key). What the queryset would do besides its one query (prefetch_related) or what these
instances could not hold faithfully (extra(), a union, instances it already knows) is
refused when compiling.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError
from django.utils.translation import get_language

# Values no id takes, so that a probe never finds a row.
_PROBES = (-1, -2)
# The values a key can hold on every database; SQLite cannot be sent one beyond them, and
# no row has one (an id from an address can be any number).
_KEYS = range(-(2**63), 2**63)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    # Where the value goes among the parameters.
    value_at: tuple[int, ...]
    # Django's converters by column: {position: (functions, expression)}.
    converters: dict
    # The columns of a row; the database may add some to order a DISTINCT query by.
    width: int
    # Whether it locks the rows it reads (select_for_update).
    locks: bool
    # How the compiler laid out a query of model instances (None for a query of values):
    # the columns, where each model's fields are among them, and where each annotation is.
    select: list | None = None
    klass_info: dict | None = None
    annotation_col_map: dict | None = None


class Prepared:
    def __init__(self, build: Callable[[int], QuerySet], probes: tuple[int, int] = _PROBES):
        """`build(value)` gives the query for one value; called only when first compiling, so
        it may read what the apps provide when ready. A query of a field that takes no
        negative number (Django builds no query for a value out of its field's range) is
        given two probes it can take."""
        self._build = build
        self._probes = probes
        # By database and language.
        self._compiled: dict[tuple[str, str | None], _Compiled] = {}
        # What builds the instances: the main model's columns and the populators of the
        # objects selected with it, laid out once from the compiler's.
        self._builders: dict[tuple[str, str | None], tuple] = {}

    def _compiled_for(self, using: str) -> _Compiled:
        key = (using, get_language())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(using)
        return compiled

    def _compile(self, using: str) -> _Compiled:
        (sql, params, compiler, of_instances), (other_sql, other_params, *_other) = (
            self._compile_one(probe, using) for probe in self._probes
        )
        if sql != other_sql or len(params) != len(other_params):
            raise RuntimeError("A prepared query changes its shape with its value.")
        value_at = tuple(
            at
            for at, (one, other) in enumerate(zip(params, other_params, strict=True))
            if one != other
        )
        if not value_at:
            raise RuntimeError("A prepared query does not use its value.")
        columns = [column for column, _sql, _alias in compiler.select]
        converters = compiler.get_converters(columns)
        locks = bool(compiler.query.select_for_update)
        if not of_instances:
            return _Compiled(sql, params, value_at, converters, len(columns), locks)
        return _Compiled(
            sql,
            params,
            value_at,
            converters,
            len(columns),
            locks,
            select=compiler.select,
            klass_info=compiler.klass_info,
            annotation_col_map=dict(compiler.annotation_col_map or {}),
        )

    def _compile_one(self, probe: int, using: str):
        queryset = self._build(probe)
        _refuse_what_one_query_cannot_give(queryset)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler, queryset._iterable_class is ModelIterable

    def rows(self, value: int, using: str = "default") -> list[tuple]:
        compiled = self._compiled_for(using)
        if value not in _KEYS:
            return []
        params = list(compiled.params)
        for at in compiled.value_at:
            params[at] = value
        connection = connections[using]
        if compiled.locks and connection.get_autocommit():
            if connection.features.has_select_for_update:
                # As Django refuses it: a lock outside a transaction would end at once.
                raise TransactionManagementError(
                    "select_for_update cannot be used outside of a transaction."
                )
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if rows and len(rows[0]) > compiled.width:
            rows = [row[: compiled.width] for row in rows]
        if not compiled.converters:
            return rows
        return [_converted(row, compiled.converters, connection) for row in rows]

    def instances(self, value: int, using: str = "default") -> list[Model]:
        """The model instances of the query for this value, as the queryset gives them."""
        model, fields, start, end, populators, annotations = self._builder(using)
        instances = []
        for row in self.rows(value, using):
            instance = model.from_db(using, fields, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, at in annotations:
                setattr(instance, name, row[at])
            instances.append(instance)
        return instances

    def _builder(self, using: str) -> tuple:
        key = (using, get_language())
        builder = self._builders.get(key)
        if builder is None:
            compiled = self._compiled_for(using)
            if compiled.klass_info is None:
                raise RuntimeError("A prepared query of values gives rows, not instances.")
            klass_info, select = compiled.klass_info, compiled.select
            positions = klass_info["select_fields"]
            start, end = positions[0], positions[-1] + 1
            fields = [column[0].target.attname for column in select[start:end]]
            builder = self._builders[key] = (
                klass_info["model"],
                fields,
                start,
                end,
                get_related_populators(klass_info, select, using),
                tuple(compiled.annotation_col_map.items()),
            )
        return builder


def locking_by_id(model: type[Model], *related: str) -> Prepared:
    """A row by its id, with the objects `related` names (select_related), its own row locked
    until the transaction ends: FOR NO KEY UPDATE, which keeps out whoever takes the same lock
    but not a transaction that only writes a row pointing at this one."""
    return Prepared(
        lambda pk: (
            model._default_manager.select_for_update(of=("self",), no_key=True)
            .select_related(*related)
            .filter(pk=pk)
            .order_by()
        )
    )


def _refuse_what_one_query_cannot_give(queryset: QuerySet) -> None:
    query = queryset.query
    if queryset._prefetch_related_lookups:
        raise RuntimeError("A prepared query cannot prefetch: prefetch with another one.")
    if queryset._known_related_objects:
        raise RuntimeError("A prepared query cannot hold objects known beforehand.")
    if query.extra or query.extra_tables:
        raise RuntimeError("A prepared query does not take extra().")
    if query.combinator:
        raise RuntimeError("A prepared query cannot combine queries.")


def in_model_order(model, names: set[str]) -> list[str]:
    """These column names in the model's order, as `Model.from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


def _converted(row: tuple, converters: dict, connection) -> tuple:
    values = list(row)
    for at, (functions, expression) in converters.items():
        for convert in functions:
            values[at] = convert(values[at], expression, connection)
    return tuple(values)
