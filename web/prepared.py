"""Queries whose shape never changes, built and compiled by Django once per process.

For a narrow query Django spends several times longer building and compiling the SQL than
the database takes to answer it. A `Prepared` query is made by a function of one value (an
id); it is compiled once per database and then sent again with each new value in its place
(and with prepared statements on, PostgreSQL plans it once per connection as well). Two
probe values show where the value goes among the parameters, and a query whose SQL changes
with its value is refused. The rows come back as Django would give them (its converters
applied: SQLite's dates, for one).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

_PROBES = (-1, -2)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    # Where the value goes among the parameters.
    value_at: tuple[int, ...]
    # Django's converters by column: {position: (functions, expression)}.
    converters: dict


class Prepared:
    def __init__(self, build: Callable[[int], QuerySet]):
        """`build(value)` gives the query for one value; called only when first compiling, so
        it may read what the apps provide when ready."""
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        (sql, params, compiler), (other_sql, other_params, _other) = (
            self._compile_one(probe, using) for probe in _PROBES
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
        return _Compiled(sql, params, value_at, compiler.get_converters(columns))

    def _compile_one(self, probe: int, using: str):
        compiler = self._build(probe).query.get_compiler(using)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler

    def rows(self, value: int, using: str = "default") -> list[tuple]:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        params = list(compiled.params)
        for at in compiled.value_at:
            params[at] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        return [_converted(row, compiled.converters, connection) for row in rows]


def in_model_order(model, names: set[str]) -> list[str]:
    """These column names in the model's order, as `Model.from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


def _converted(row: tuple, converters: dict, connection) -> tuple:
    values = list(row)
    for at, (functions, expression) in converters.items():
        for convert in functions:
            values[at] = convert(values[at], expression, connection)
    return tuple(values)
