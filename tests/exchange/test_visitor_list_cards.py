"""The visitor's list keeps its drawn cards in the cache: whatever a card shows, changed in
any way (through the workflow, the admin or a bare UPDATE that no signal sees), shows on the
next look; and a card is drawn from the list's one query, whatever the exchange's state."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import visitor_list, workflow
from exchange.models import ExchangeRequest, HistoryEntry
from feedback.models import ExpenseClaim
from libraries.models import Library, Municipality, Staff
from tests import pages
from tests.exchange.support import approved_at_home, draft, pending, submitted
from tests.factories import ExchangeRequestFactory, ExpenseClaimFactory, VisitorFeedbackFactory
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _seen(client, language: str = "fi") -> str:
    return pages.text(client.get(url("exchange:my-exchanges", language)))


def _declined(visitor, host) -> ExchangeRequest:
    exchange = submitted(visitor, host)
    home = pending(exchange, "home")
    return workflow.decline(home.pk, version=home.version, reason="Kevät on liian kiireinen.")


def _over(visitor, host) -> ExchangeRequest:
    return ExchangeRequestFactory(visitor=visitor, host_library=host, state="completed")


def _claim_returned(visitor, host) -> ExchangeRequest:
    exchange = _over(visitor, host)
    ExpenseClaimFactory(exchange=exchange, state="rejected", rejection_reason="Kuitti puuttuu.")
    return exchange


def _rename_library(exchange):
    Library.objects.filter(pk=exchange.host_library_id).update(name_fi="Mustasaaren uusi kirjasto")


def _rename_municipality(exchange):
    Municipality.objects.filter(libraries=exchange.host_library_id).update(name_fi="Uusikunta")


def _move_dates(exchange):
    ExchangeRequest.objects.filter(pk=exchange.pk).update(
        first_day=date(2027, 3, 8), last_day=date(2027, 3, 9)
    )


def _approve_at_home(exchange):
    approval = pending(exchange, "home")
    workflow.approve_home(approval.pk, version=approval.version)


def _rename_host_contact(exchange):
    ExchangeRequest.objects.filter(pk=exchange.pk).update(host_contact_name="Siri Sund")


def _rename_supervisor(exchange):
    Staff.objects.filter(pk=exchange.visitor_id).update(supervisor_name="Outi Esihenkilö")


def _erase_reason(exchange):
    # As the erasure of personal data does it: an UPDATE, no save, no version moved on.
    exchange.history.update(actor_label="", comment="")


def _give_feedback(exchange):
    VisitorFeedbackFactory(exchange=exchange)


def _correct_reason(exchange):
    ExpenseClaim.objects.filter(exchange=exchange).update(rejection_reason="Päivämäärä väärin.")


@pytest.mark.parametrize(
    ("make", "change", "before", "after"),
    [
        (submitted, _rename_library, "Mustasaaren pääkirjasto", "Mustasaaren uusi kirjasto"),
        (submitted, _rename_municipality, "Mustasaari", "Uusikunta"),
        (submitted, _move_dates, "1.–2.2.2027", "8.–9.3.2027"),
        (submitted, _approve_at_home, "Odottaa esihenkilösi", "Odottaa vastaanottavan"),
        (approved_at_home, _rename_host_contact, "(Sara Sund,", "(Siri Sund,"),
        (draft, _rename_supervisor, "Eeva Esihenkilö", "Outi Esihenkilö"),
        (_declined, _erase_reason, "Kevät on liian kiireinen.", "Hylätty."),
        (_over, _give_feedback, "Vielä tekemättä: palautteesi", "Kiitos palautteestasi!"),
        (_claim_returned, _correct_reason, "Kuitti puuttuu.", "Päivämäärä väärin."),
    ],
)
def test_a_card_shows_a_change_on_the_next_look_however_it_was_made(
    client, visitor, host, make, change, before, after
):
    exchange = make(visitor, host)
    assert before in _seen(client)

    change(exchange)

    seen = _seen(client)
    assert after in seen
    assert before not in seen


def test_a_card_kept_in_finnish_is_not_shown_on_the_swedish_site(client, visitor, host):
    submitted(visitor, host)
    assert "Odottaa esihenkilösi hyväksyntää" in _seen(client)

    seen = _seen(client, "sv")

    assert "Väntar på godkännande av din förman" in seen
    assert "Korsholms huvudbibliotek" in seen


def test_the_second_look_at_an_unchanged_list_draws_no_card(client, visitor, host, monkeypatch):
    submitted(visitor, host)
    first = _seen(client)
    drawn = []
    monkeypatch.setattr(visitor_list, "next_steps", lambda exchanges: drawn.append(exchanges) or {})

    assert _seen(client) == first
    assert drawn == []


def test_the_cards_of_every_state_are_drawn_from_the_list_query_alone(client, visitor, host):
    from django.core.cache import cache

    draft(visitor, host)
    # Drawn afresh each time: the session is read from the database too then.
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(url("exchange:my-exchanges"))
    weeks = iter(range(1, 20))

    def later() -> dict:
        first_day = date(2027, 2, 1) + timedelta(weeks=next(weeks))
        return {"first_day": first_day, "last_day": first_day + timedelta(days=1)}

    submitted(visitor, host, **later())
    approved_at_home(visitor, host, **later())
    exchange = submitted(visitor, host, **later())
    home = pending(exchange, "home")
    workflow.decline(home.pk, version=home.version, reason="Kevät on liian kiireinen.")
    _claim_returned(visitor, host)
    VisitorFeedbackFactory(exchange=_over(visitor, host))
    for state in ("dates_proposed", "awaiting_mentor", "confirmed", "closed"):
        ExchangeRequestFactory(visitor=visitor, host_library=host, state=state, **later())
    cancelled = ExchangeRequestFactory(visitor=visitor, host_library=host, state="cancelled")
    HistoryEntry.objects.create(
        exchange=cancelled, to_state="cancelled", actor_label="Eeva", comment="Tuli este."
    )
    cache.clear()

    with CaptureQueriesContext(connection) as every:
        response = client.get(url("exchange:my-exchanges"))

    assert len(every) <= len(one)
    html = pages.html(response)
    assert html.count('class="card mb-3 exchange-card') == 11
    assert "Kuitti puuttuu." in html
    assert "Kevät on liian kiireinen." in html
    assert "Tuli este." in html
