"""The visitor's list of exchanges: one query, and the cards drawn once for what they show.

The list reads plain values in one query: the exchange's fields that a card shows, its host
library's and municipality's names, and what the next step reads (`next_steps.facts`).
Django would build and compile that query anew for every request, which costs several times
what PostgreSQL takes to answer it; its shape never changes, so each process compiles it
once and sends it again with the visitor's id in its place.

The drawn cards are kept in the cache under a digest of those values, the visitor's and the
language: whatever changes what a card shows (a transition, a claim decided, a reason
erased, a library renamed, the visitor's supervisor) gives other values and so another key,
and the cards are drawn anew. Nothing has to be invalidated, and no change is missed. A card
can show nothing else: it is drawn from objects that hold only these fields, so a card that
read another would make a query per exchange, which the list's query count test refuses.
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import connections, models
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from libraries.models import Library, Municipality, Staff

from .models import ExchangeRequest
from .next_steps import facts, next_steps

EXCHANGE_FIELDS = {
    "id",
    "host_library_id",
    "state",
    "version",
    "first_day",
    "last_day",
    "proposed_first_day",
    "proposed_last_day",
    "home_supervisor_name",
    "home_supervisor_email",
    "host_contact_name",
    "host_contact_email",
    "mentor_name",
}
# Both languages' names: the name shown falls back to the Finnish one.
LIBRARY_FIELDS = {"id", "municipality_id", "name_fi", "name_sv"}
MUNICIPALITY_FIELDS = {"id", "name_fi", "name_sv"}
# A draft's next step names the visitor's supervisor.
VISITOR_FIELDS = {"id", "supervisor_name", "supervisor_email"}

# Cards are drawn by this process's templates, code and catalogues: a deployment draws anew.
DRAWING = uuid.uuid4().hex
TIMEOUT = 10 * 60


def _in_order(model: type[models.Model], names: set[str]) -> list[str]:
    """The names in the order of the model's columns, as `Model.from_db` takes them."""
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    # Where the visitor's id goes among the parameters.
    visitor_at: tuple[int, ...]
    exchange: list[str]
    library: list[str]
    municipality: list[str]
    # The next step's facts, by name, after the fields' columns.
    facts: list[str]
    # Each column's value as Django reads it (SQLite gives a date as text).
    to_python: list[Callable]


_statements: dict[str, _Statement] = {}


def _compiled(visitor_id: int) -> _Statement:
    exchange = _in_order(ExchangeRequest, EXCHANGE_FIELDS)
    library = _in_order(Library, LIBRARY_FIELDS)
    municipality = _in_order(Municipality, MUNICIPALITY_FIELDS)
    annotations = facts()
    lookups = [
        *exchange,
        *(f"host_library__{name}" for name in library),
        *(f"host_library__municipality__{name}" for name in municipality),
        *annotations,
    ]
    query = (
        ExchangeRequest.objects.filter(visitor_id=visitor_id)
        .annotate(**annotations)
        .values_list(*lookups)
        .query
    )
    sql, params = query.sql_with_params()
    fields = [
        *(ExchangeRequest._meta.get_field(name) for name in exchange),
        *(Library._meta.get_field(name) for name in library),
        *(Municipality._meta.get_field(name) for name in municipality),
        *(query.annotations[name].output_field for name in annotations),
    ]
    return _Statement(
        sql,
        params,
        (),
        exchange,
        library,
        municipality,
        list(annotations),
        [field.to_python for field in fields],
    )


def _statement(using: str) -> _Statement:
    """The list's query as Django compiles it, once per process and database."""
    if using not in _statements:
        # Two visitors' queries differ only where the visitor's id goes.
        one, other = _compiled(-1), _compiled(-2)
        if one.sql != other.sql or len(one.params) != len(other.params):
            raise RuntimeError("The visitor's list query changes shape with the visitor.")
        visitor_at = tuple(
            at
            for at, (mine, theirs) in enumerate(zip(one.params, other.params, strict=True))
            if mine != theirs
        )
        _statements[using] = replace(one, visitor_at=visitor_at)
    return _statements[using]


def _rows(person: Staff) -> tuple[_Statement, list[tuple]]:
    """The person's exchanges, newest first, with their values as the database gives them."""
    using = ExchangeRequest.objects.db
    statement = _statement(using)
    params = list(statement.params)
    for at in statement.visitor_at:
        params[at] = person.pk
    with connections[using].cursor() as cursor:
        cursor.execute(statement.sql, params)
        return statement, cursor.fetchall()


def _exchanges(person: Staff, statement: _Statement, rows: list[tuple]) -> list[ExchangeRequest]:
    """The exchanges of these rows, holding only the fields read; the others are deferred."""
    using = person._state.db
    visitor_fields = _in_order(Staff, VISITOR_FIELDS)
    visitor = Staff.from_db(using, visitor_fields, [getattr(person, f) for f in visitor_fields])
    library_at = len(statement.exchange)
    municipality_at = library_at + len(statement.library)
    facts_at = municipality_at + len(statement.municipality)
    exchanges = []
    for raw in rows:
        row = [read(value) for read, value in zip(statement.to_python, raw, strict=True)]
        exchange = ExchangeRequest.from_db(using, statement.exchange, row[:library_at])
        exchange.visitor = visitor
        exchange.host_library = Library.from_db(
            using, statement.library, row[library_at:municipality_at]
        )
        exchange.host_library.municipality = Municipality.from_db(
            using, statement.municipality, row[municipality_at:facts_at]
        )
        for name, value in zip(statement.facts, row[facts_at:], strict=True):
            setattr(exchange, name, value)
        exchanges.append(exchange)
    return exchanges


def cards(person: Staff) -> SafeString:
    """The cards of the person's exchanges, newest first; empty when there are none."""
    statement, rows = _rows(person)
    if not rows:
        return mark_safe("")
    visitor = [getattr(person, name) for name in sorted(VISITOR_FIELDS)]
    shown = repr((DRAWING, get_language(), visitor, rows))
    key = f"visitor-list:{hashlib.sha256(shown.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        exchanges = _exchanges(person, statement, rows)
        steps = next_steps(exchanges)
        html = render_to_string(
            "exchange/_cards.html", {"rows": [(item, steps[item.pk]) for item in exchanges]}
        )
        cache.set(key, str(html), TIMEOUT)
    return mark_safe(html)
