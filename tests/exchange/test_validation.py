"""Every rule of a request: a clear error in the visitor's language, and nothing saved.

The same rules hold in the database where a constraint can say them.
"""

import html
import re
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext, ngettext

from exchange import workflow
from exchange.forms import FIELDS_CHECKED_BY_THE_FORM, ExchangeRequestForm
from exchange.models import ExchangeRequest, State
from mail.models import Notification
from tests.factories import ExchangeRequestFactory, LibraryFactory
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def complete_request(host, **changes) -> dict:
    data = {
        "host_library": host.pk,
        "first_day": "2027-02-01",
        "last_day": "2027-02-03",
        "kind": "one_way",
        "trip_type": "business_trip",
        "expectations": "Haluan nähdä kaksikielisen asiakaspalvelun arkea.",
        "cover_arrangements": "Työkaverini Pekka hoitaa vuoroni.",
        "travel_car_km": "180",
        "accommodation_nights": "2",
        "accommodation_eur": "178.50",
        "privacy_accepted": "on",
        "action": "submit",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def translated(message, language: str = "fi", **params) -> str:
    """The message as the visitor reads it, escaped as on the page.

    A (singular, plural, n) tuple stands for a message with plural forms.
    """
    with translation.override(language):
        if isinstance(message, tuple):
            text = ngettext(*message)
            message = message[1]
        else:
            text = gettext(message)
    assert text != message, f"{message!r} has no {language} translation"
    return html.escape(text % params if params else text)


def snapshot():
    """What the database holds of requests and messages."""
    return (
        list(ExchangeRequest.objects.values().order_by("pk")),
        Notification.objects.count(),
    )


TOO_LONG = (
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
)

RULES = [
    pytest.param(
        {"first_day": "2027-02-03", "last_day": "2027-02-01"},
        ("The last day cannot be before the first day.", {}),
        id="last-day-before-first",
    ),
    pytest.param(
        {"first_day": "2027-02-01", "last_day": "2027-02-06"},
        ("A visit lasts at most %(days)s days.", {"days": 5}),
        id="more-than-five-days",
    ),
    pytest.param(
        {"first_day": "2027-01-11", "last_day": "2027-01-12"},
        ("The first day must be in the future.", {}),
        id="first-day-today",
    ),
    pytest.param(
        {"first_day": "2026-12-01", "last_day": "2026-12-02"},
        ("The first day must be in the future.", {}),
        id="first-day-past",
    ),
    pytest.param(
        {"first_day": "2029-01-12", "last_day": "2029-01-12"},
        ("The first day can be at most %(years)s years ahead.", {"years": 2}),
        id="first-day-over-two-years-ahead",
    ),
    pytest.param(
        {"first_day": "9999-12-31", "last_day": "9999-12-31"},
        ("The first day can be at most %(years)s years ahead.", {"years": 2}),
        id="first-day-in-year-9999",
    ),
    pytest.param(
        {"expectations": "x" * 3001},
        (
            TOO_LONG + (3000,),
            {"limit_value": 3000, "show_value": 3001},
        ),
        id="expectations-too-long",
    ),
    pytest.param(
        {"alternative_dates": "x" * 501},
        (
            TOO_LONG + (500,),
            {"limit_value": 500, "show_value": 501},
        ),
        id="alternative-dates-too-long",
    ),
    pytest.param(
        {"travel_car_km": "-5"},
        ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
        id="negative-kilometres",
    ),
    pytest.param(
        {"accommodation_eur": "-1.00"},
        ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
        id="negative-euros",
    ),
    # The database refuses these too; the form says so first, in its own words.
    pytest.param(
        {"travel_public_eur": "-0.01"},
        ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
        id="negative-public-transport-euros",
    ),
    pytest.param(
        {"travel_other_eur": "-2"},
        ("Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
        id="negative-other-travel-euros",
    ),
    pytest.param(
        {"travel_public_eur": "3000.01"},
        ("Ensure this value is less than or equal to %(limit_value)s.", {"limit_value": 3000}),
        id="too-many-euros",
    ),
    pytest.param(
        {"travel_car_km": "3001"},
        ("Ensure this value is less than or equal to %(limit_value)s.", {"limit_value": 3000}),
        id="too-many-kilometres",
    ),
    pytest.param(
        {"accommodation_nights": "7"},
        ("Ensure this value is less than or equal to %(limit_value)s.", {"limit_value": 6}),
        id="too-many-nights",
    ),
    pytest.param(
        {"host_contact_name": "Kim Kontakt", "host_contact_email": "kim@gmail.com"},
        (
            "The address must belong to the staff of %(library)s (%(domains)s).",
            {"library": "Mustasaaren pääkirjasto", "domains": "korsholm.fi"},
        ),
        id="host-contact-outside-the-host-library",
    ),
    pytest.param(
        {"host_contact_name": "Kim Kontakt"},
        ("Give the host contact's email address too.", {}),
        id="host-contact-without-email",
    ),
    pytest.param(
        {"host_library": ""},
        ("Choose the library you want to visit.", {}),
        id="no-host",
    ),
]

# A draft may leave these empty; a submitted request may not.
SUBMIT_RULES = [
    pytest.param(
        {"expectations": ""},
        ("Write what you hope to see and learn during the visit.", {}),
        id="expectations-missing",
    ),
    pytest.param(
        {"cover_arrangements": ""},
        ("Write who takes care of your work while you are away.", {}),
        id="cover-missing",
    ),
    pytest.param(
        {"first_day": "", "last_day": ""},
        ("Write the first day of the visit.", {}),
        id="dates-missing",
    ),
    pytest.param(
        {"privacy_accepted": None},
        ("Accept the privacy notice to submit the request.", {}),
        id="privacy-not-accepted",
    ),
]


@pytest.mark.parametrize("changes, error", RULES + SUBMIT_RULES)
def test_a_new_request_breaking_a_rule_is_refused_with_a_clear_error(
    client, visitor, host, changes, error
):
    before = snapshot()

    response = client.post(url("exchange:request-create"), complete_request(host, **changes))

    message, params = error
    assert response.status_code == 200
    assert translated(message, **params) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("changes, error", RULES)
def test_a_draft_saved_again_breaking_a_rule_stays_as_it_was(client, visitor, host, changes, error):
    exchange = ExchangeRequestFactory(visitor=visitor, host_library=host)
    before = snapshot()

    response = client.post(
        url("exchange:request-edit", pk=exchange.pk),
        complete_request(host, action="draft", **changes),
    )

    message, params = error
    assert response.status_code == 200
    assert translated(message, **params) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("changes, error", SUBMIT_RULES)
def test_a_draft_may_leave_out_what_submitting_needs(client, visitor, host, changes, error):
    client.post(url("exchange:request-create"), complete_request(host, action="draft", **changes))

    assert ExchangeRequest.objects.get().state == State.DRAFT
    assert not Notification.objects.exists()


def test_the_visitors_own_library_cannot_be_the_host(client, visitor, home):
    before = snapshot()

    response = client.post(url("exchange:request-create"), complete_request(home))

    assert translated("You cannot visit your own library.") in response.content.decode()
    assert snapshot() == before


def test_a_library_that_takes_no_visitors_cannot_be_the_host(client, visitor):
    closed = LibraryFactory(name_fi="Remonttikirjasto", accepts_visitors=False)
    before = snapshot()

    response = client.post(url("exchange:request-create"), complete_request(closed))

    assert (
        translated("%(library)s does not take visitors at the moment.", library="Remonttikirjasto")
        in response.content.decode()
    )
    assert snapshot() == before


def test_days_already_held_by_another_open_request_cannot_be_asked_again(client, visitor, host):
    other_host = LibraryFactory()
    held = ExchangeRequestFactory(
        visitor=visitor,
        host_library=other_host,
        first_day=date(2027, 2, 3),
        last_day=date(2027, 2, 4),
    )
    workflow.submit(held.pk, by=visitor)
    before = snapshot()

    response = client.post(url("exchange:request-create"), complete_request(host))

    assert (
        translated("You already have an open exchange request for some of these days.")
        in response.content.decode()
    )
    assert snapshot() == before


def test_days_of_a_cancelled_request_are_free_again(client, visitor, host):
    other_host = LibraryFactory()
    ExchangeRequestFactory(
        visitor=visitor,
        host_library=other_host,
        first_day=date(2027, 2, 3),
        last_day=date(2027, 2, 4),
        state=State.CANCELLED,
    )

    client.post(url("exchange:request-create"), complete_request(host))

    assert ExchangeRequest.objects.filter(state=State.AWAITING_HOME).count() == 1


def test_errors_come_in_swedish_on_the_swedish_site(client, visitor, host):
    response = client.post(
        url("exchange:request-create", "sv"),
        complete_request(host, first_day="2027-02-03", last_day="2027-02-01"),
    )

    assert (
        translated("The last day cannot be before the first day.", "sv")
        in response.content.decode()
    )


def test_nothing_the_visitor_typed_is_lost_on_an_error(client, visitor, host):
    response = client.post(
        url("exchange:request-create"),
        complete_request(
            host,
            first_day="2027-02-03",
            last_day="2027-02-01",
            alternative_dates="Viikko 9 käy myös",
            host_contact_name="Kim Kontakt",
            host_contact_email="kim@korsholm.fi",
        ),
    )

    content = response.content.decode()
    assert f'<option value="{host.pk}" selected>' in content
    assert 'value="2027-02-03"' in content
    assert 'value="2027-02-01"' in content
    assert "Haluan nähdä kaksikielisen asiakaspalvelun arkea." in content
    assert "Työkaverini Pekka hoitaa vuoroni." in content
    assert 'value="Viikko 9 käy myös"' in content
    assert 'value="Kim Kontakt"' in content
    assert 'value="kim@korsholm.fi"' in content
    assert 'value="178.50"' in content
    assert re.search(r'<input[^>]*name="privacy_accepted"[^>]*checked', content)


# --- the same rules in the database ---------------------------------------------------
# CI runs these on PostgreSQL as well as SQLite: the five-day rule is date arithmetic,
# which each database does its own way.


def _save_breaking(alice, host, **fields) -> None:
    exchange = ExchangeRequestFactory.build(visitor=alice, host_library=host, **fields)
    exchange.home_library = exchange.visitor.library
    with transaction.atomic():
        exchange.save()


def test_the_database_refuses_a_last_day_before_the_first(alice, host):
    with pytest.raises(IntegrityError):
        _save_breaking(alice, host, first_day=date(2027, 2, 3), last_day=date(2027, 2, 1))


def test_the_database_refuses_a_visit_longer_than_five_days(alice, host):
    with pytest.raises(IntegrityError):
        _save_breaking(alice, host, first_day=date(2027, 2, 1), last_day=date(2027, 2, 6))


def test_the_database_takes_a_visit_of_exactly_five_days(alice, host):
    _save_breaking(alice, host, first_day=date(2027, 2, 1), last_day=date(2027, 2, 5))

    assert ExchangeRequest.objects.get().days == 5


def test_the_database_refuses_a_visit_to_the_visitors_own_library(alice, home):
    exchange = ExchangeRequestFactory.build(visitor=alice, host_library=home)
    exchange.home_library = home
    with pytest.raises(IntegrityError), transaction.atomic():
        exchange.save()


@pytest.mark.parametrize("field", ["travel_public_eur", "travel_other_eur", "accommodation_eur"])
def test_the_database_refuses_negative_euros(alice, host, field):
    with pytest.raises(IntegrityError):
        _save_breaking(alice, host, **{field: "-1.00"})


def test_the_database_refuses_negative_kilometres(alice, host):
    with pytest.raises(IntegrityError):
        _save_breaking(alice, host, travel_car_km=-1)


def test_every_database_rule_on_the_forms_fields_is_one_the_form_checks_itself():
    """The form leaves these rules out of the model's validation (which would ask the
    database again); a new constraint on its fields needs a check of the form's own first,
    or a visitor breaking it would get an error page instead of a message."""
    on_the_form = {
        constraint.name: constraint.condition.referenced_base_fields
        for constraint in ExchangeRequest._meta.constraints
        if constraint.condition.referenced_base_fields & set(ExchangeRequestForm.base_fields)
    }

    # Each has its cases in RULES, or test_the_visitors_own_library_cannot_be_the_host.
    assert set(on_the_form) == {
        "exchange_host_is_not_home",
        "exchange_last_day_not_before_first",
        "exchange_at_most_five_days",
        "exchange_costs_not_negative",
    }
    assert set().union(*on_the_form.values()) & set(ExchangeRequestForm.base_fields) == (
        FIELDS_CHECKED_BY_THE_FORM
    )


def test_a_visit_may_end_on_the_fifth_day(client, visitor, host):
    client.post(
        url("exchange:request-create"),
        complete_request(host, first_day="2027-02-01", last_day="2027-02-05"),
    )

    assert ExchangeRequest.objects.get().days == 5


def test_a_one_day_visit_is_fine(client, visitor, host):
    client.post(
        url("exchange:request-create"),
        complete_request(host, first_day="2027-02-01", last_day="2027-02-01"),
    )

    assert ExchangeRequest.objects.get().last_day == date(2027, 2, 1)


def test_a_visit_may_begin_two_years_ahead(client, visitor, host):
    client.post(
        url("exchange:request-create"),
        complete_request(host, first_day="2029-01-11", last_day="2029-01-12"),
    )

    assert ExchangeRequest.objects.get().state == State.AWAITING_HOME
