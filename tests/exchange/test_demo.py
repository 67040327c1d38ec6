"""Demo exchanges in every state, made through the workflow, loaded once however often asked."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exchange import demo
from exchange.models import ExchangeRequest, HistoryEntry, State
from libraries.management.commands.load_demo import LIBRARY_DETAILS, PEOPLE
from libraries.models import Municipality, Staff
from mail.models import Notification
from tests.factories import LibraryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

EVERY_STATE = {
    State.DRAFT,
    State.AWAITING_HOME,
    State.AWAITING_HOST,
    State.AWAITING_MENTOR,
    State.DATES_PROPOSED,
    State.CONFIRMED,
    State.COMPLETED,
    State.DECLINED,
    State.CANCELLED,
}


@pytest.fixture
def libraries():
    """The libraries load_demo describes and its people work at, as load_libraries makes them."""
    slugs = set(LIBRARY_DETAILS) | {person["library"] for person in PEOPLE}
    return [
        LibraryFactory(slug=slug, email_domains=f"{slug}.fi", contact_email="")
        for slug in sorted(slugs)
    ]


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo_exchanges", *args, stdout=out)
    return out.getvalue()


def test_the_demo_has_an_exchange_in_every_state(libraries):
    call_command("load_demo", stdout=StringIO())

    load()

    assert {e.state for e in ExchangeRequest.objects.filter(return_of=None)} == EVERY_STATE
    demo_people = {person["email"] for person in PEOPLE}
    visitors = set(
        ExchangeRequest.objects.filter(return_of=None).values_list("visitor__email", flat=True)
    )
    assert visitors <= demo_people


def test_the_demo_goes_through_the_workflow_with_history_and_emails(libraries):
    call_command("load_demo", stdout=StringIO())

    load()

    confirmed = ExchangeRequest.objects.get(state=State.CONFIRMED, return_of=None)
    assert [(h.from_state, h.to_state) for h in confirmed.history.all()] == [
        (State.DRAFT, State.AWAITING_HOME),
        (State.AWAITING_HOME, State.AWAITING_HOST),
        (State.AWAITING_HOST, State.CONFIRMED),
    ]
    assert confirmed.notifications.filter(kind="confirmed").exists()
    assert confirmed.mentor_email.startswith("demo.")
    # The reciprocal visit named who comes back; that visit waits for its own supervisor.
    assert confirmed.return_visit.state == State.AWAITING_HOME
    for completed in ExchangeRequest.objects.filter(state=State.COMPLETED):
        assert completed.last_day < date(2027, 1, 11)
    draft = ExchangeRequest.objects.get(state=State.DRAFT)
    assert not draft.history.exists()
    assert not draft.notifications.exists()


def test_loading_the_demo_again_adds_nothing(libraries):
    call_command("load_demo", stdout=StringIO())
    load()
    counts = (
        ExchangeRequest.objects.count(),
        HistoryEntry.objects.count(),
        Notification.objects.count(),
        Staff.objects.count(),
    )

    output = load()

    assert "already there" in output
    assert (
        ExchangeRequest.objects.count(),
        HistoryEntry.objects.count(),
        Notification.objects.count(),
        Staff.objects.count(),
    ) == counts


def test_without_the_demo_people_the_demo_makes_its_own_fictional_visitors(libraries):
    load()

    assert {e.state for e in ExchangeRequest.objects.filter(return_of=None)} == EVERY_STATE
    visitors = Staff.objects.filter(exchanges__return_of=None).distinct()
    assert visitors.count() == 2
    assert all(person.email.startswith("demo.") for person in visitors)
    assert load().count("already there") == len(demo.SCENARIOS)


def test_a_dry_run_saves_nothing(libraries):
    output = load("--dry-run")

    assert "Dry run" in output
    assert not ExchangeRequest.objects.exists()
    assert not Notification.objects.exists()


def test_the_demo_needs_libraries():
    with pytest.raises(CommandError, match="load_libraries"):
        load()


def test_with_a_real_mail_server_the_demo_is_skipped_with_a_note_and_nothing_is_sent(
    libraries, mail_server
):
    call_command("load_demo", stdout=StringIO())

    output = load()

    assert output.strip().splitlines() == [
        "Demo exchanges skipped: EMAIL_URL sends real mail, and the demo people's addresses "
        "are made up (unset EMAIL_URL to load them)."
    ]
    assert not ExchangeRequest.objects.exists()
    assert not Notification.objects.exists()
    assert not mail_server.received


@pytest.mark.parametrize("people", ["load_demo", "its own"])
def test_a_finnish_and_a_swedish_visitor_each_have_a_finished_visit_awaiting_feedback_and_claim(
    libraries, people
):
    if people == "load_demo":
        call_command("load_demo", stdout=StringIO())

    load()

    finished = ExchangeRequest.objects.filter(state=State.COMPLETED).select_related("visitor")
    assert sorted(exchange.visitor.language for exchange in finished) == ["fi", "sv"]
    for exchange in finished:
        assert exchange.last_day < date(2027, 1, 11)
        assert not hasattr(exchange, "feedback")
        assert not hasattr(exchange, "expense_claim")
        # The visitor has been asked for both, in their own language.
        request = exchange.notifications.get(kind="feedback_request")
        assert request.language == exchange.visitor.language


def test_a_finnish_and_a_swedish_host_each_have_a_visit_waiting_for_them_to_name_the_mentor(
    libraries,
):
    # The Swedish-speaking libraries read Swedish, as in the shipped list.
    swedish = [slug for slug, details in LIBRARY_DETAILS.items() if details["contact"][2] == "sv"]
    Municipality.objects.filter(libraries__slug__in=swedish).update(
        language_status=Municipality.LanguageStatus.BILINGUAL_SWEDISH
    )
    call_command("load_demo", stdout=StringIO())

    load()

    waiting = ExchangeRequest.objects.filter(state=State.AWAITING_MENTOR)
    assert sorted(exchange.host_contact_language for exchange in waiting) == ["fi", "sv"]
    for exchange in waiting:
        assert exchange.mentor_email == ""
        # The host has their link to name the mentor, in their own language.
        to_host = exchange.notifications.get(
            kind="awaiting_mentor", recipient=exchange.host_contact_email
        )
        assert to_host.language == exchange.host_contact_language
        assert "http" in to_host.body_text
