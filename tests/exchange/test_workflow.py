from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from exchange import reminders, tasks, workflow
from exchange.models import Approval, HistoryEntry, State
from exchange.workdays import FINNISH_TIME
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import LibraryFactory, StaffFactory

pytestmark = pytest.mark.django_db


def in_finnish(message: str) -> str:
    """The message as a Finnish-speaking visitor reads it; never the English original."""
    with translation.override("fi"):
        translated = gettext(message)
    assert translated != message
    return translated


def test_submit_sends_the_request_to_the_visitors_own_supervisor(alice, host):
    exchange = support.draft(alice, host)

    exchange = workflow.submit(exchange.pk, by=alice)

    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOME
    assert exchange.version == 2
    assert exchange.submitted_at is not None
    assert (exchange.home_supervisor_email, exchange.home_supervisor_language) == (
        "eeva@seinajoki.fi",
        "fi",
    )
    approval = exchange.approvals.get()
    assert (approval.role, approval.decision, approval.email) == (
        "home",
        "pending",
        "eeva@seinajoki.fi",
    )
    entry = exchange.history.get()
    assert (entry.actor, entry.from_state, entry.to_state) == (alice, "draft", "awaiting_home")
    assert support.sent_to("submitted") == {"alice@seinajoki.fi": "fi"}
    assert support.sent_to("decision_request") == {"eeva@seinajoki.fi": "fi"}


def test_submit_takes_the_host_contact_from_the_directory(alice, host):
    exchange = support.submitted(alice, host)

    assert (exchange.host_contact_email, exchange.host_contact_language) == (
        "sara.sund@korsholm.fi",
        "sv",
    )


def test_submit_keeps_the_host_contact_the_visitor_named(alice, host):
    exchange = support.submitted(
        alice, host, host_contact_name="Kim Kontakt", host_contact_email="kim@korsholm.fi"
    )

    assert exchange.host_contact_email == "kim@korsholm.fi"
    # No language given: the host library's main language.
    assert exchange.host_contact_language == "sv"


def test_submit_finds_the_supervisor_and_the_host_contact_in_their_own_languages(alice, host, home):
    StaffFactory(email="Eeva@Seinajoki.fi", name="Eeva Esihenkilö", library=home, language="sv")
    StaffFactory(email="kim@korsholm.fi", name="Kim Kontakt", library=host, language="fi")

    exchange = support.submitted(
        alice, host, host_contact_name="Kim Kontakt", host_contact_email="Kim@Korsholm.fi"
    )

    assert (exchange.home_supervisor_language, exchange.host_contact_language) == ("sv", "fi")
    assert exchange.approvals.get().language == "sv"
    assert support.sent_to("decision_request") == {"eeva@seinajoki.fi": "sv"}


@pytest.mark.parametrize(
    ("first_offset", "length", "message"),
    [
        (None, 2, "Give the first and the last day of the visit."),
        (-30, 2, "The first day must be in the future."),
        (0, 1, "The first day must be in the future."),
    ],
)
def test_submit_refuses_bad_dates_and_changes_nothing(alice, host, first_offset, length, message):
    exchange = support.draft(alice, host)
    if first_offset is None:
        exchange.first_day = exchange.last_day = None
    else:
        exchange.first_day = timezone.localdate() + timedelta(days=first_offset)
        exchange.last_day = exchange.first_day + timedelta(days=length - 1)
    exchange.save()

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(exchange.pk, by=alice)

    assert refused.value.message == in_finnish(message)
    exchange.refresh_from_db()
    assert (exchange.state, exchange.version) == (State.DRAFT, 1)
    assert not Notification.objects.exists()
    assert not Approval.objects.exists()


def test_submit_refuses_a_host_contact_from_outside_the_host_library(alice, host):
    exchange = support.draft(alice, host, host_contact_email="kim@gmail.com")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit(exchange.pk, by=alice)
    exchange.refresh_from_db()
    assert exchange.state == State.DRAFT


def test_submit_refuses_a_library_that_takes_no_visitors(alice, host):
    host.accepts_visitors = False
    host.save()
    exchange = support.draft(alice, host)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(exchange.pk, by=alice)
    assert refused.value.message == in_finnish("This library does not take visitors at the moment.")
    assert not Notification.objects.exists()


def test_submit_refuses_a_request_overlapping_another_open_one(alice, host, home):
    first = support.submitted(alice, host)
    other_host = LibraryFactory(email_domains="laihia.fi")
    second = support.draft(alice, other_host, first_day=first.last_day, last_day=first.last_day)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(second.pk, by=alice)
    assert refused.value.message == in_finnish(
        "You already have an open exchange request for some of these days."
    )

    second.refresh_from_db()
    assert second.state == State.DRAFT


def test_only_the_visitor_can_submit_their_request(alice, host, home):
    exchange = support.draft(alice, host)
    colleague = StaffFactory(library=home)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit(exchange.pk, by=colleague)


def test_home_approval_asks_the_host_contact_in_their_language(alice, host):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")

    exchange = workflow.approve_home(approval.pk, version=approval.version, comment="Hyvä idea!")

    assert exchange.state == State.AWAITING_HOST
    approval.refresh_from_db()
    assert approval.decision == Approval.Decision.APPROVED
    host_approval = support.pending(exchange, "host")
    assert (host_approval.email, host_approval.language) == ("sara.sund@korsholm.fi", "sv")
    assert support.sent_to("approved_home") == {"alice@seinajoki.fi": "fi"}
    assert support.sent_to("decision_request", exchange) == {
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
    }
    assert "Hyvä idea!" in support.notifications("approved_home")[0].body_text
    entry = exchange.history.last()
    assert (entry.actor_label, entry.from_state, entry.to_state, entry.comment) == (
        "Eeva Esihenkilö",
        "awaiting_home",
        "awaiting_host",
        "Hyvä idea!",
    )


def test_home_supervisor_declines_with_a_reason(alice, host):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")

    exchange = workflow.decline(approval.pk, version=approval.version, reason="Kiireinen kevät.")

    assert exchange.state == State.DECLINED
    assert exchange.history.last().comment == "Kiireinen kevät."
    assert support.sent_to("declined") == {"alice@seinajoki.fi": "fi"}
    assert "Kiireinen kevät." in support.notifications("declined")[0].body_text


def test_declining_without_a_reason_changes_nothing(alice, host):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.decline(approval.pk, version=approval.version, reason="  ")

    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOME


def test_host_declines_and_the_home_supervisor_hears_of_it(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")

    exchange = workflow.decline(approval.pk, version=approval.version, reason="Remont i maj.")

    assert exchange.state == State.DECLINED
    assert support.sent_to("declined") == {"alice@seinajoki.fi": "fi", "eeva@seinajoki.fi": "fi"}


def test_host_approval_confirms_the_visit_and_tells_everyone(alice, host, coordinator_contact):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")

    exchange = workflow.approve_host(
        approval.pk, version=approval.version, mentor=personas.mentor(), comment="Välkommen!"
    )

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert (exchange.mentor_name, exchange.meeting_time) == ("Maja Mentor", "9.00")
    assert support.sent_to("confirmed") == {
        "alice@seinajoki.fi": "fi",
        "maja.mentor@korsholm.fi": "sv",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
        "kerttu@vaasa.fi": "fi",
    }
    assert [e.to_state for e in exchange.history.all()] == [
        "awaiting_home",
        "awaiting_host",
        "confirmed",
    ]


def test_propose_dates_then_accept_confirms_on_the_new_dates(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    new_first = exchange.first_day + timedelta(days=7)

    exchange = workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=new_first,
        last_day=new_first + timedelta(days=2),
        mentor=personas.mentor(),
    )
    assert exchange.state == State.DATES_PROPOSED
    assert support.sent_to("dates_proposed") == {"alice@seinajoki.fi": "fi"}

    exchange = workflow.accept_dates(exchange.pk, by=alice)

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert (exchange.first_day, exchange.days) == (new_first, 3)
    assert "maja.mentor@korsholm.fi" in support.sent_to("confirmed")
    assert exchange.history.last().actor == alice


def test_refusing_the_proposed_dates_cancels_the_exchange(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    new_first = exchange.first_day + timedelta(days=7)
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=new_first,
        last_day=new_first,
        mentor=personas.mentor(),
    )

    exchange = workflow.refuse_dates(exchange.pk, by=alice, reason="En pääse silloin.")

    assert exchange.state == State.CANCELLED
    assert support.sent_to("cancelled") == {
        "alice@seinajoki.fi": "fi",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
        "maja.mentor@korsholm.fi": "sv",
    }


def test_visitor_cancels_before_the_visit_and_open_links_stop(alice, host):
    exchange = support.approved_at_home(alice, host)
    host_approval = support.pending(exchange, "host")

    exchange = workflow.cancel(exchange.pk, by=alice, reason="Sairastuin.")

    assert exchange.state == State.CANCELLED
    host_approval.refresh_from_db()
    assert host_approval.decision == Approval.Decision.WITHDRAWN
    assert support.sent_to("cancelled") == {
        "alice@seinajoki.fi": "fi",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
    }
    with pytest.raises(workflow.AlreadyDecided):
        workflow.approve_host(
            host_approval.pk, version=host_approval.version, mentor=personas.mentor()
        )


def test_coordinator_can_cancel_and_the_visitor_is_told_so(alice, host, coordinator):
    exchange = support.submitted(alice, host)

    workflow.cancel(exchange.pk, by=coordinator, reason="Budjetti on käytetty.")

    message = support.notifications("cancelled", exchange)[0]
    assert message.recipient == "alice@seinajoki.fi"
    assert "koordinaattori on peruuttanut vaihtohakemuksesi" in message.body_text.lower()


def test_another_librarian_cannot_cancel(alice, host, home):
    exchange = support.submitted(alice, host)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.cancel(exchange.pk, by=StaffFactory(library=home), reason="Hups.")
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOME


def test_cancel_needs_a_reason(alice, host):
    exchange = support.submitted(alice, host)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.cancel(exchange.pk, by=alice, reason="")


def test_a_confirmed_visit_cannot_be_cancelled_once_it_has_begun(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    with time_machine.travel(exchange.first_day.isoformat() + " 12:00 +0200"):
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            workflow.cancel(exchange.pk, by=alice, reason="Myöhästyin junasta.")
    begun = "The visit has begun and can no longer be cancelled."
    assert refused.value.message == in_finnish(begun)


def test_a_confirmed_visit_is_completed_after_its_last_day(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.complete(exchange.pk)
    with time_machine.travel((exchange.last_day + timedelta(days=1)).isoformat() + " 8:00 +0200"):
        exchange = workflow.complete(exchange.pk)

    assert exchange.state == State.COMPLETED
    assert exchange.history.last().actor_label == "Kollega"


def test_the_daily_task_completes_only_visits_that_are_over(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    with time_machine.travel(exchange.last_day.isoformat() + " 20:00 +0200"):
        assert tasks.complete_finished_exchanges.apply().get() == 0
    with time_machine.travel((exchange.last_day + timedelta(days=1)).isoformat() + " 6:00 +0200"):
        assert tasks.complete_finished_exchanges.apply().get() == 1
        assert tasks.complete_finished_exchanges.apply().get() == 0

    exchange.refresh_from_db()
    assert exchange.state == State.COMPLETED


def test_a_second_decision_changes_nothing_and_sends_nothing(alice, host):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")
    workflow.approve_home(approval.pk, version=approval.version)
    rows = Notification.objects.count()

    with pytest.raises(workflow.AlreadyDecided):
        workflow.approve_home(approval.pk, version=approval.version)
    with pytest.raises(workflow.AlreadyDecided):
        workflow.decline(approval.pk, version=approval.version, reason="Sittenkin ei.")

    exchange.refresh_from_db()
    assert (exchange.state, exchange.version) == (State.AWAITING_HOST, 3)
    assert HistoryEntry.objects.count() == 2
    assert Notification.objects.count() == rows


def test_a_transition_rolled_back_after_writing_leaves_no_outbox_row_and_sends_nothing(
    alice, host, django_capture_on_commit_callbacks, mailoutbox
):
    exchange = support.draft(alice, host)

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Abort):
            with transaction.atomic():
                workflow.submit(exchange.pk, by=alice)
                assert Notification.objects.count() == 2
                raise Abort

    exchange.refresh_from_db()
    assert exchange.state == State.DRAFT
    assert not Notification.objects.exists()
    assert not HistoryEntry.objects.exists()
    assert mailoutbox == []


def test_changing_the_approver_replaces_the_link(alice, host, coordinator):
    exchange = support.submitted(alice, host)
    old = support.pending(exchange, "home")

    workflow.change_approver(
        old.pk, name="Pia Päällikkö", email="pia@seinajoki.fi", language="fi", by=coordinator
    )

    with pytest.raises(workflow.LinkReplaced):
        workflow.approve_home(old.pk, version=old.version)
    approval = support.pending(exchange, "home")
    assert approval.version == old.version + 1
    assert "pia@seinajoki.fi" in support.sent_to("decision_request")
    exchange = workflow.approve_home(approval.pk, version=approval.version)
    assert exchange.state == State.AWAITING_HOST


def test_a_visitor_without_a_supervisors_address_cannot_submit(alice, host):
    alice.supervisor_email = ""
    alice.save()
    exchange = support.draft(alice, host)
    before = support.snapshot(exchange)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(exchange.pk, by=alice)

    assert refused.value.message == in_finnish(
        "Add your own supervisor's email address to your profile first."
    )
    assert support.snapshot(exchange) == before


# --- the host proposes other dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("first_offset", "length", "message"),
    [
        (-14, 2, "The first day must be in the future."),
        (0, 1, "The first day must be in the future."),
        (30, 6, "A visit lasts at most %(days)s days."),
    ],
    ids=["past", "today", "six-days"],
)
def test_the_host_cannot_propose_past_or_too_long_dates(alice, host, first_offset, length, message):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    before = support.snapshot(exchange)
    first = timezone.localdate() + timedelta(days=first_offset)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.propose_dates(
            approval.pk,
            version=approval.version,
            first_day=first,
            last_day=first + timedelta(days=length - 1),
            mentor=personas.mentor(),
        )

    assert refused.value.message == in_finnish(message) % {"days": 5}
    assert support.snapshot(exchange) == before
    assert exchange.mentor_email == ""


def test_accepting_proposed_dates_that_overlap_another_request_is_refused(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    proposed = exchange.first_day + timedelta(days=14)
    support.submitted(
        alice, LibraryFactory(email_domains="laihia.fi"), first_day=proposed, last_day=proposed
    )
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=proposed - timedelta(days=1),
        last_day=proposed,
        mentor=personas.mentor(),
    )
    before = support.snapshot(exchange)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.accept_dates(exchange.pk, by=alice)

    assert refused.value.message == in_finnish(
        "You already have an open exchange request for some of these days."
    )
    assert support.snapshot(exchange) == before
    assert exchange.state == State.DATES_PROPOSED


# --- a visit that is over ---------------------------------------------------------------


def test_a_visit_completes_the_day_after_its_last_day_and_not_on_it(alice, host):
    exchange = support.confirmed_visit(alice, host)
    last_day = exchange.last_day
    before = support.snapshot(exchange)

    with time_machine.travel(
        datetime.combine(last_day, time(23, 59, 59), FINNISH_TIME), tick=False
    ):
        with pytest.raises(workflow.TransitionNotAllowed) as refused:
            workflow.complete(exchange.pk)
        assert reminders.run(steps=["completed"]).completed == 0
    assert refused.value.message == in_finnish("The visit is not over yet.")
    assert support.snapshot(exchange) == before

    # A minute past midnight in Finland: in UTC it is still the last day.
    next_morning = datetime.combine(last_day + timedelta(days=1), time(0, 1), FINNISH_TIME)
    with time_machine.travel(next_morning, tick=False):
        assert reminders.run(steps=["completed"]).completed == 1

    exchange.refresh_from_db()
    assert (exchange.state, exchange.version) == (State.COMPLETED, before[1] + 1)
    assert support.sent_to("feedback_request", exchange) == {"alice@seinajoki.fi": "fi"}


# --- the coordinator moves a confirmed visit ----------------------------------------------


def test_the_history_names_the_coordinator_who_moved_the_visit(client, visitor, host, coordinator):
    exchange = support.confirmed_visit(visitor, host)
    first = exchange.first_day + timedelta(days=7)

    workflow.change_dates(
        exchange.pk,
        first_day=first,
        last_day=first + timedelta(days=1),
        by=coordinator,
        reason="Kirjastoauto on huollossa.",
    )

    step = exchange.history.order_by("pk").last()
    assert (step.actor, step.actor_label) == (coordinator, "Kerttu Koordinaattori")
    assert (step.from_state, step.to_state) == (State.CONFIRMED, State.CONFIRMED)
    assert step.comment.endswith("Kirjastoauto on huollossa.")
    page = pages.text(client.get(pages.url("exchange:request-detail", pk=exchange.pk)))
    assert "· Kerttu Koordinaattori" in page


def test_a_visit_moved_by_one_day_onto_its_own_days_does_not_collide_with_itself(
    alice, host, coordinator
):
    exchange = support.confirmed_visit(alice, host)
    before = support.snapshot(exchange)
    first, last = exchange.first_day, exchange.last_day
    day = timedelta(days=1)

    workflow.change_dates(exchange.pk, first_day=first + day, last_day=last + day, by=coordinator)

    exchange.refresh_from_db()
    assert (exchange.state, exchange.first_day, exchange.last_day) == (
        State.CONFIRMED,
        first + day,
        last + day,
    )
    assert exchange.version == before[1] + 1
    assert exchange.history.count() == before[4] + 1
    assert support.sent_to("dates_changed", exchange) == {
        "alice@seinajoki.fi": "fi",
        "maja.mentor@korsholm.fi": "sv",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
    }


@pytest.mark.parametrize("mover", ["alice", "bertil"])
def test_only_the_coordinator_can_move_a_visits_dates(request, alice, host, mover):
    exchange = support.confirmed_visit(alice, host)
    before = support.snapshot(exchange)
    first = exchange.first_day + timedelta(days=7)

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.change_dates(
            exchange.pk, first_day=first, last_day=first, by=request.getfixturevalue(mover)
        )

    assert refused.value.message == in_finnish("Only the coordinator can change the dates.")
    assert support.snapshot(exchange) == before


# --- a supervisor replaced ----------------------------------------------------------------


def test_replacing_the_home_supervisor_changes_the_home_approval_and_not_the_hosts(
    alice, host, coordinator, host_contact
):
    exchange = support.submitted(alice, host)
    home_approval = support.pending(exchange, "home")

    workflow.change_approver(
        home_approval.pk,
        name="Pia Päällikkö",
        email="Pia@Seinajoki.fi",
        language="fi",
        by=coordinator,
    )

    home_approval.refresh_from_db()
    assert (home_approval.name, home_approval.email, home_approval.version) == (
        "Pia Päällikkö",
        "pia@seinajoki.fi",
        2,
    )
    exchange.refresh_from_db()
    assert exchange.home_supervisor_email == "pia@seinajoki.fi"
    assert (exchange.host_contact_name, exchange.host_contact_email) == (
        host_contact.name,
        host_contact.email,
    )
    # Once Pia approves, the host asked is still the host library's contact.
    exchange = workflow.approve_home(home_approval.pk, version=home_approval.version)
    host_approval = support.pending(exchange, "host")
    assert (host_approval.name, host_approval.email) == (host_contact.name, host_contact.email)


def test_replacing_the_host_changes_the_host_approval_and_not_the_home_supervisors(
    alice, host, coordinator, home_supervisor
):
    exchange = support.approved_at_home(alice, host)
    home_approval = exchange.approvals.get(role=Approval.Role.HOME)
    host_approval = support.pending(exchange, "host")

    workflow.change_approver(
        host_approval.pk,
        name="Stina Stark",
        email="stina.stark@korsholm.fi",
        language="sv",
        by=coordinator,
    )

    host_approval.refresh_from_db()
    assert (host_approval.email, host_approval.version) == ("stina.stark@korsholm.fi", 2)
    assert (
        Approval.objects.values_list("decision", "email", "version").get(pk=home_approval.pk)
    ) == (Approval.Decision.APPROVED, home_supervisor.email, home_approval.version)
    exchange.refresh_from_db()
    assert (exchange.home_supervisor_name, exchange.home_supervisor_email) == (
        home_supervisor.name,
        home_supervisor.email,
    )
    assert exchange.host_contact_email == "stina.stark@korsholm.fi"
    assert support.sent_to("decision_request", exchange) == {
        home_supervisor.email: "fi",
        "sara.sund@korsholm.fi": "sv",
        "stina.stark@korsholm.fi": "sv",
    }


def test_a_decided_home_approval_cannot_be_given_to_someone_else(alice, host, coordinator):
    exchange = support.approved_at_home(alice, host)
    home_approval = exchange.approvals.get(role=Approval.Role.HOME)
    before = support.snapshot(exchange)

    with pytest.raises(workflow.AlreadyDecided):
        workflow.change_approver(
            home_approval.pk,
            name="Pia Päällikkö",
            email="pia@seinajoki.fi",
            language="fi",
            by=coordinator,
        )

    assert support.snapshot(exchange) == before
