"""The reminder sweep, with time moved: each reminder goes once, at its time, and only
while its reason lasts. Supervisors get REMINDER_WORKING_DAYS (3) Finnish working days."""

from datetime import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from exchange import links, reminders, workflow
from exchange.models import Approval, ExchangeRequest, State
from exchange.workdays import FINNISH_TIME
from mail.models import Notification
from tests import pages
from tests.exchange import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("coordinator_contact")]


def at(*args) -> datetime:
    """A moment in Finnish time."""
    return datetime(*args, tzinfo=FINNISH_TIME)


@pytest.fixture
def clock(time_machine):
    """Stop the clock at a moment in Finnish time: clock(2027, 12, 2, 10, 0)."""

    def move_to(*args):
        time_machine.move_to(at(*args), tick=False)

    return move_to


def sweep(times: int = 1) -> reminders.Summary:
    for _ in range(times):
        summary = reminders.run()
    return summary


def kinds(kind: str) -> list[tuple[str, str]]:
    """(recipient, language) of every message of a kind, oldest first."""
    return [(n.recipient, n.language) for n in support.notifications(kind)]


# --- a supervisor who does not answer -------------------------------------------------


def test_the_supervisor_is_reminded_after_three_working_days_across_a_weekend_and_a_holiday(
    clock, alice, host
):
    clock(2027, 12, 2, 10, 0)  # Thursday; Monday 6.12. is Independence Day
    support.submitted(alice, host)

    clock(2027, 12, 7, 23, 0)  # Fri, Tue: two working days
    assert sweep().decision_reminders == 0
    clock(2027, 12, 8, 9, 59)
    assert sweep().decision_reminders == 0
    clock(2027, 12, 8, 10, 0)
    assert sweep().decision_reminders == 1
    assert sweep().decision_reminders == 0

    assert kinds("decision_reminder") == [("eeva@seinajoki.fi", "fi")]


def test_the_reminder_carries_a_working_link_to_the_same_decision(clock, client, alice, host):
    clock(2027, 12, 2, 10, 0)
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")
    clock(2027, 12, 8, 10, 0)
    sweep()

    reminder = support.email_to("eeva@seinajoki.fi", "decision_reminder")
    support.assert_both_parts(reminder)
    assert "Alice Aalto" in reminder.subject
    assert "2.12.2027" in reminder.body_text
    token = pages.link_in(reminder).rstrip("/").rsplit("/", 1)[-1]
    assert links.read_approval_token(token) == links.ApprovalToken(approval.pk, approval.version)

    response = client.post(pages.link_in(reminder), {"action": "approve"})

    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == Approval.Decision.APPROVED


def test_two_reminders_then_the_visitor_and_the_coordinator_hear_the_request_stalls(
    clock, alice, host
):
    clock(2027, 12, 2, 10, 0)
    exchange = support.submitted(alice, host)

    clock(2027, 12, 8, 10, 0)  # first reminder
    sweep(2)
    clock(2027, 12, 13, 9, 59)  # Thu, Fri, Mon: not quite three working days later
    assert sweep().decision_reminders == 0
    clock(2027, 12, 13, 10, 0)
    assert sweep(2).decision_reminders == 0  # the second run finds nothing left
    assert len(kinds("decision_reminder")) == 2
    assert kinds("request_stalled") == []

    clock(2027, 12, 16, 10, 0)
    summary = sweep()
    assert (summary.decision_reminders, summary.stalled) == (0, 1)
    clock(2028, 1, 31, 10, 0)
    assert sweep() == reminders.Summary()

    assert kinds("decision_reminder") == [("eeva@seinajoki.fi", "fi")] * 2
    assert sorted(kinds("request_stalled")) == [
        ("alice@seinajoki.fi", "fi"),
        ("kerttu@vaasa.fi", "fi"),
    ]
    to_alice = support.email_to("alice@seinajoki.fi", "request_stalled")
    support.assert_both_parts(to_alice)
    assert "Eeva Esihenkilö" in to_alice.body_text
    assert "2.12.2027" in to_alice.body_text
    to_coordinator = support.email_to("kerttu@vaasa.fi", "request_stalled")
    assert "eeva@seinajoki.fi" in to_coordinator.body_text
    assert f"/admin/exchange/exchangerequest/{exchange.pk}/change/" in to_coordinator.body_text


def test_a_supervisor_who_answered_meanwhile_is_not_reminded(clock, alice, host):
    clock(2027, 12, 2, 10, 0)
    exchange = support.submitted(alice, host)
    clock(2027, 12, 7, 15, 0)
    approval = support.pending(exchange, "home")
    workflow.approve_home(approval.pk, version=approval.version)

    clock(2027, 12, 8, 10, 0)
    assert sweep().decision_reminders == 0
    assert kinds("decision_reminder") == []

    # The host contact was asked on Tuesday 15:00: Wed, Thu, Fri.
    clock(2027, 12, 10, 14, 59)
    assert sweep().decision_reminders == 0
    clock(2027, 12, 10, 15, 0)
    assert sweep().decision_reminders == 1
    assert kinds("decision_reminder") == [("sara.sund@korsholm.fi", "sv")]


def test_a_cancelled_request_gets_no_reminder_and_does_not_stall(clock, alice, host):
    clock(2027, 12, 2, 10, 0)
    exchange = support.submitted(alice, host)
    clock(2027, 12, 3, 10, 0)
    workflow.cancel(exchange.pk, by=alice, reason="Aikataulu muuttui.")

    for day in (8, 13, 16, 20):
        clock(2027, 12, day, 12, 0)
        assert sweep() == reminders.Summary()
    assert kinds("decision_reminder") == []
    assert kinds("request_stalled") == []


def test_a_new_approver_gets_the_full_time_and_the_old_one_no_reminder(
    clock, alice, host, coordinator
):
    clock(2027, 12, 2, 10, 0)
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")
    clock(2027, 12, 7, 10, 0)
    workflow.change_approver(
        approval.pk,
        name="Olli Omaesihenkilö",
        email="olli@seinajoki.fi",
        language="fi",
        by=coordinator,
    )

    clock(2027, 12, 8, 10, 0)
    assert sweep().decision_reminders == 0
    clock(2027, 12, 10, 10, 0)  # Wed, Thu, Fri after Tuesday
    assert sweep().decision_reminders == 1
    assert kinds("decision_reminder") == [("olli@seinajoki.fi", "fi")]


def test_the_reminder_keeps_finnish_time_across_the_spring_daylight_saving_change(
    clock, alice, host
):
    clock(2026, 3, 27, 10, 0)  # Friday, UTC+2; clocks go forward on Sunday
    support.submitted(alice, host)

    clock(2026, 4, 1, 9, 59)
    assert sweep().decision_reminders == 0
    clock(2026, 4, 1, 10, 0)  # UTC+3 now: an hour less in UTC than five whole days
    assert sweep().decision_reminders == 1


def test_the_reminder_keeps_finnish_time_across_the_autumn_daylight_saving_change(
    clock, alice, host
):
    clock(2027, 10, 29, 10, 0)  # Friday, UTC+3; clocks go back on Sunday
    support.submitted(alice, host)

    clock(2027, 11, 3, 9, 59)  # already five whole days later in UTC
    assert sweep().decision_reminders == 0
    clock(2027, 11, 3, 10, 0)
    assert sweep().decision_reminders == 1


# --- a visit that is near -------------------------------------------------------------


def test_the_visitor_and_the_mentor_get_the_practicalities_three_days_before(clock, alice, host):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)
    first_day = exchange.first_day  # Monday 1.2.2027

    clock(2027, 1, 28, 23, 59)
    assert sweep().practicalities == 0
    clock(2027, 1, 29, 0, 5)
    assert sweep().practicalities == 1
    assert sweep().practicalities == 0

    assert first_day.isoformat() == "2027-02-01"
    assert sorted(kinds("visit_near")) == [
        ("alice@seinajoki.fi", "fi"),
        ("maja.mentor@korsholm.fi", "sv"),
    ]
    to_alice = support.email_to("alice@seinajoki.fi", "visit_near")
    support.assert_both_parts(to_alice)
    assert "Osoite: Mustasaaren pääkirjasto, Kirjastonkatu 1, 65100 Vaasa" in to_alice.body_text
    assert "Mustasaaren pääkirjasto" in to_alice.subject
    for practicality in ["Personalingången, Centrumvägen 1", "9.00", "040 123 4567"]:
        assert practicality in to_alice.body_text
        assert practicality in to_alice.body_html
    to_mentor = support.email_to("maja.mentor@korsholm.fi", "visit_near")
    assert "alice@seinajoki.fi" in to_mentor.body_text
    assert "1–2.2.2027" in to_mentor.subject


def test_a_visit_cancelled_before_it_is_near_gets_no_practicalities(clock, alice, host):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)
    clock(2027, 1, 20, 10, 0)
    workflow.cancel(exchange.pk, by=alice, reason="Sairastuin.")

    clock(2027, 1, 29, 8, 0)
    assert sweep().practicalities == 0
    assert kinds("visit_near") == []


# --- after the visit ------------------------------------------------------------------


def test_a_visit_over_is_completed_and_feedback_asked_then_reminded_twice_a_week_apart(
    clock, alice, host
):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)  # 1.–2.2.2027

    clock(2027, 2, 2, 23, 59)
    assert sweep().completed == 0
    clock(2027, 2, 3, 0, 30)
    assert sweep().completed == 1
    assert sweep().completed == 0
    exchange.refresh_from_db()
    assert exchange.state == State.COMPLETED
    request = support.email_to("alice@seinajoki.fi", "feedback_request")
    support.assert_both_parts(request)
    urls = links.after_visit_urls(exchange, "fi")
    assert urls["feedback_url"] in request.body_text
    assert urls["claim_url"] in request.body_text

    clock(2027, 2, 10, 0, 29)
    assert sweep().feedback_reminders == 0
    clock(2027, 2, 10, 0, 30)
    assert sweep(2).feedback_reminders == 0  # the first run sent it
    assert len(kinds("feedback_reminder")) == 1
    clock(2027, 2, 17, 1, 0)
    assert sweep().feedback_reminders == 1
    for month, day in [(2, 24), (3, 3), (3, 10), (4, 30)]:
        clock(2027, month, day, 1, 0)
        assert sweep().feedback_reminders == 0

    assert kinds("feedback_reminder") == [("alice@seinajoki.fi", "fi")] * 2
    assert kinds("feedback_request") == [("alice@seinajoki.fi", "fi")]
    first_reminder = support.email_to("alice@seinajoki.fi", "feedback_reminder")
    support.assert_both_parts(first_reminder)
    assert "palautettasi" in first_reminder.body_text
    assert "matkalaskuasi" in first_reminder.body_text


def test_the_history_names_kollega_for_the_visit_the_sweep_completed(clock, client, alice, host):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)

    clock(2027, 2, 3, 0, 30)
    assert sweep().completed == 1

    step = exchange.history.order_by("pk").last()
    assert (step.actor, step.actor_label) == (None, workflow.SYSTEM_LABEL)
    assert (step.from_state, step.to_state) == (State.CONFIRMED, State.COMPLETED)
    assert workflow.SYSTEM_LABEL == "Kollega"
    client.force_login(alice)
    page = pages.text(client.get(pages.url("exchange:request-detail", pk=exchange.pk)))
    assert "· Kollega" in page


def test_feedback_given_stops_the_feedback_reminder_but_the_claim_is_still_asked(
    clock, alice, host
):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)
    clock(2027, 2, 3, 6, 0)
    sweep()
    feedback = apps.get_model("feedback", "VisitorFeedback")
    feedback.objects.create(
        exchange=exchange,
        rating=5,
        learned="Saaristolaisten kirjastoautoreitit.",
        take_home="Satutunnit kahdella kielellä.",
        would_recommend=True,
    )

    clock(2027, 2, 10, 6, 0)
    assert sweep().feedback_reminders == 1

    reminder = support.email_to("alice@seinajoki.fi", "feedback_reminder")
    assert "matkalaskuasi" in reminder.body_text
    assert "palautettasi" not in reminder.body_text


def test_no_reminder_once_feedback_and_the_expense_claim_are_in(clock, alice, host):
    clock(2027, 1, 11, 10, 0)
    exchange = support.confirmed_visit(alice, host)
    clock(2027, 2, 3, 6, 0)
    sweep()
    ExchangeRequest.objects.filter(pk=exchange.pk).update(state=State.CLOSED)
    apps.get_model("feedback", "ExpenseClaim").objects.create(exchange=exchange, claimant=alice)

    clock(2027, 2, 10, 6, 0)
    assert sweep().feedback_reminders == 0
    clock(2027, 2, 17, 6, 0)
    assert sweep().feedback_reminders == 0
    assert kinds("feedback_reminder") == []
    exchange.refresh_from_db()
    assert exchange.feedback_reminder_due_at is None


# --- the command ----------------------------------------------------------------------


def test_the_command_counts_in_a_dry_run_then_sends(clock, alice, host):
    clock(2027, 12, 2, 10, 0)
    support.submitted(alice, host)
    clock(2027, 12, 8, 10, 0)
    before = Notification.objects.count()

    dry = StringIO()
    call_command("send_reminders", "--dry-run", stdout=dry)

    assert "dry run" in dry.getvalue()
    assert "reminders to supervisors                     1" in dry.getvalue()
    assert Notification.objects.count() == before
    assert Approval.objects.get(role="home").reminders_sent == 0

    real = StringIO()
    call_command("send_reminders", stdout=real)

    assert "reminders to supervisors                     1" in real.getvalue()
    assert kinds("decision_reminder") == [("eeva@seinajoki.fi", "fi")]


def test_the_beat_task_runs_the_same_sweep(clock, alice, host):
    from exchange import tasks

    clock(2027, 12, 2, 10, 0)
    support.submitted(alice, host)
    clock(2027, 12, 8, 10, 0)

    assert tasks.send_reminders.apply().get()["decision_reminders"] == 1
    assert tasks.send_reminders.apply().get()["decision_reminders"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_reminder_once(clock, alice, host):
    from tests.threads import at_once

    clock(2027, 12, 2, 10, 0)
    support.submitted(alice, host)
    clock(2027, 12, 8, 10, 0)

    results = at_once(reminders.run, reminders.run)

    assert [type(result) for result in results] == [reminders.Summary] * 2
    assert sum(result.decision_reminders for result in results) == 1
    assert kinds("decision_reminder") == [("eeva@seinajoki.fi", "fi")]
