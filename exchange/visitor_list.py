"""The visitor's list of exchanges: one query, and the cards drawn once for what they show.

The list reads plain values in one query: the exchange's fields that a card shows, its host
library's and municipality's names, and what the next step reads (`next_steps.facts`).
Django would build and compile that query anew for every request, which costs several times
what PostgreSQL takes to answer it; its shape never changes, so each process compiles it
once (web.prepared) and sends it again with the visitor's id in its place.

The drawn cards are kept in the cache under a digest of those values, the visitor's and the
language: whatever changes what a card shows (a transition, a claim decided, a reason
erased, a library renamed, the visitor's supervisor) gives other values and so another key,
and the cards are drawn anew. Nothing has to be invalidated, and no change is missed. A card
can show nothing else: it is drawn from objects that hold only these fields, so a card that
read another would make a query per exchange, which the list's query count test refuses.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from libraries.models import Library, Municipality, Staff
from web.prepared import Prepared, in_model_order

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


def _columns() -> tuple[list[str], list[str], list[str]]:
    return (
        in_model_order(ExchangeRequest, EXCHANGE_FIELDS),
        in_model_order(Library, LIBRARY_FIELDS),
        in_model_order(Municipality, MUNICIPALITY_FIELDS),
    )


def _query(visitor_id: int):
    exchange, library, municipality = _columns()
    annotations = facts()
    return (
        ExchangeRequest.objects.filter(visitor_id=visitor_id)
        .annotate(**annotations)
        .values_list(
            *exchange,
            *(f"host_library__{name}" for name in library),
            *(f"host_library__municipality__{name}" for name in municipality),
            *annotations,
        )
    )


# Compiled once per process (web.prepared): its shape never changes.
_LIST = Prepared(_query)


def _rows(person: Staff) -> list[tuple]:
    """The person's exchanges, newest first, with the values the cards show."""
    return _LIST.rows(person.pk, ExchangeRequest.objects.db)


def _exchanges(person: Staff, rows: list[tuple]) -> list[ExchangeRequest]:
    """The exchanges of these rows, holding only the fields read; the others are deferred."""
    using = person._state.db
    visitor_fields = in_model_order(Staff, VISITOR_FIELDS)
    visitor = Staff.from_db(using, visitor_fields, [getattr(person, f) for f in visitor_fields])
    exchange_columns, library_columns, municipality_columns = _columns()
    names = list(facts())
    library_at = len(exchange_columns)
    municipality_at = library_at + len(library_columns)
    facts_at = municipality_at + len(municipality_columns)
    exchanges = []
    for row in rows:
        exchange = ExchangeRequest.from_db(using, exchange_columns, row[:library_at])
        exchange.visitor = visitor
        exchange.host_library = Library.from_db(
            using, library_columns, row[library_at:municipality_at]
        )
        exchange.host_library.municipality = Municipality.from_db(
            using, municipality_columns, row[municipality_at:facts_at]
        )
        for name, value in zip(names, row[facts_at:], strict=True):
            setattr(exchange, name, value)
        exchanges.append(exchange)
    return exchanges


def cards(person: Staff) -> SafeString:
    """The cards of the person's exchanges, newest first; empty when there are none."""
    rows = _rows(person)
    if not rows:
        return mark_safe("")
    visitor = [getattr(person, name) for name in sorted(VISITOR_FIELDS)]
    shown = repr((DRAWING, get_language(), visitor, rows))
    key = f"visitor-list:{hashlib.sha256(shown.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        exchanges = _exchanges(person, rows)
        steps = next_steps(exchanges)
        html = render_to_string(
            "exchange/_cards.html", {"rows": [(item, steps[item.pk]) for item in exchanges]}
        )
        cache.set(key, str(html), TIMEOUT)
    return mark_safe(html)
