"""The host approves now and names the workplace mentor later: the exchange waits for the
mentor, the host is reminded and has a link of their own, and the visit is confirmed once the
mentor is named. The first day's arrangements can be completed through the same link until
the visit begins; the visitor and the mentor hear of every change."""

from datetime import datetime, timedelta

import pytest

from exchange import links, reminders, workflow
from exchange.models import Approval, State
from exchange.workdays import FINNISH_TIME
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("coordinator_contact")]


def approve_without_mentor(exchange, **arrangements):
    approval = support.pending(exchange, "host")
    return workflow.approve_host(
        approval.pk,
        version=approval.version,
        mentor=workflow.mentor_later("sv", **arrangements),
        comment="Välkommen!",
    )


def host_answer(exchange) -> Approval:
    return exchange.approvals.get(role="host")


def answer_id(exchange) -> int:
    return host_answer(exchange).pk


def arrangements_link(exchange) -> str:
    """The host's link to name the mentor, as their email after approving gives it."""
    message = Notification.objects.get(
        kind="awaiting_mentor", exchange=exchange, recipient=personas.HOST.email
    )
    return pages.link_in(message)


def opens_arrangements_of(path: str):
    """The host's answer an arrangements link opens (its signature has its own timestamp)."""
    return links.read_arrangements_token(path.rstrip("/").rsplit("/", 1)[-1])


def mentor_form(**overrides) -> dict:
    mentor = personas.mentor()
    return {
        "mentor_name": mentor.name,
        "mentor_email": mentor.email,
        "mentor_phone": mentor.phone,
        "mentor_language": mentor.language,
        "meeting_place": "",
        "meeting_time": "",
        "programme_notes": "",
        **overrides,
    }


@pytest.fixture
def awaiting_host(alice, host):
    return support.approved_at_home(alice, host)


@pytest.fixture
def awaiting_mentor(awaiting_host):
    return approve_without_mentor(awaiting_host)


# --- the workflow ------------------------------------------------------------------------


def test_approving_without_a_mentor_leaves_the_exchange_waiting_for_one(
    awaiting_host, host_contact
):
    exchange = approve_without_mentor(awaiting_host, meeting_time="9.00")

    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_MENTOR
    assert exchange.mentor_email == "" and exchange.meeting_time == "9.00"
    assert host_answer(exchange).decision == Approval.Decision.APPROVED
    step = exchange.history.order_by("pk").last()
    assert (step.actor_label, step.from_state, step.to_state) == (
        host_contact.name,
        State.AWAITING_HOST,
        State.AWAITING_MENTOR,
    )
    # Nothing is confirmed yet: no calendar invitations, no confirmation to anyone.
    assert support.notifications("confirmed", exchange) == []
    assert support.sent_to("awaiting_mentor", exchange) == {
        "alice@seinajoki.fi": "fi",
        host_contact.email: "sv",
    }
    to_host = support.email_to(host_contact.email, "awaiting_mentor")
    support.assert_both_parts(to_host)
    assert "Alice Aalto" in to_host.subject
    assert opens_arrangements_of(arrangements_link(exchange)).approval_id == answer_id(exchange)
    assert exchange.mentor_reminder_due_at is not None


def test_naming_the_mentor_confirms_the_visit_and_sends_the_confirmations(
    awaiting_mentor, host_contact, coordinator_contact
):
    answer = host_answer(awaiting_mentor)

    exchange = workflow.name_mentor(answer.pk, version=answer.version, mentor=personas.mentor())

    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert exchange.mentor_email == personas.MENTOR.email
    assert exchange.mentor_reminder_due_at is None
    step = exchange.history.order_by("pk").last()
    assert (step.actor_label, step.from_state, step.to_state) == (
        host_contact.name,
        State.AWAITING_MENTOR,
        State.CONFIRMED,
    )
    assert personas.MENTOR.name in step.comment
    confirmed = {n.recipient: n for n in support.notifications("confirmed", exchange)}
    assert set(confirmed) == {
        "alice@seinajoki.fi",
        personas.MENTOR.email,
        personas.HOME_SUPERVISOR.email,
        host_contact.email,
        coordinator_contact.email,
    }
    assert "BEGIN:VCALENDAR" in confirmed["alice@seinajoki.fi"].calendar
    assert "BEGIN:VCALENDAR" in confirmed[personas.MENTOR.email].calendar
    # The host's confirmation keeps the link to complete the first day's arrangements.
    assert opens_arrangements_of(pages.link_in(confirmed[host_contact.email])) == (
        opens_arrangements_of(arrangements_link(exchange))
    )


def test_the_mentor_cannot_be_named_twice(awaiting_mentor):
    answer = host_answer(awaiting_mentor)
    workflow.name_mentor(answer.pk, version=answer.version, mentor=personas.mentor())
    before = support.snapshot(awaiting_mentor)

    with pytest.raises(workflow.AlreadyDecided):
        workflow.name_mentor(
            answer.pk, version=answer.version, mentor=personas.mentor(name="Mats Mentor")
        )

    assert support.snapshot(awaiting_mentor) == before


def test_a_mentor_with_a_name_but_no_address_is_refused(awaiting_host):
    approval = support.pending(awaiting_host, "host")
    before = support.snapshot(awaiting_host)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.approve_host(
            approval.pk, version=approval.version, mentor=personas.mentor(email="")
        )

    assert support.snapshot(awaiting_host) == before


def test_accepting_proposed_dates_without_a_mentor_waits_for_the_mentor(alice, awaiting_host):
    approval = support.pending(awaiting_host, "host")
    first = awaiting_host.first_day + timedelta(days=7)
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first + timedelta(days=1),
        mentor=workflow.mentor_later("sv"),
    )

    exchange = workflow.accept_dates(awaiting_host.pk, by=alice)

    exchange.refresh_from_db()
    assert (exchange.state, exchange.first_day) == (State.AWAITING_MENTOR, first)
    assert support.notifications("confirmed", exchange) == []
    assert personas.HOST.email in support.sent_to("awaiting_mentor", exchange)


def test_the_visitor_can_cancel_while_the_mentor_is_awaited(alice, awaiting_mentor):
    workflow.cancel(awaiting_mentor.pk, by=alice, reason="Sairastuin.")

    awaiting_mentor.refresh_from_db()
    assert awaiting_mentor.state == State.CANCELLED
    assert personas.HOST.email in support.sent_to("cancelled", awaiting_mentor)


# --- the reminder ------------------------------------------------------------------------


def at(*args) -> datetime:
    return datetime(*args, tzinfo=FINNISH_TIME)


def test_the_host_is_reminded_to_name_the_mentor_twice_then_no_more(time_machine, alice, host):
    time_machine.move_to(at(2027, 1, 11, 10, 0), tick=False)  # Monday
    exchange = approve_without_mentor(support.approved_at_home(alice, host))

    time_machine.move_to(at(2027, 1, 14, 9, 59), tick=False)
    assert reminders.run().mentor_reminders == 0
    time_machine.move_to(at(2027, 1, 14, 10, 0), tick=False)  # three working days later
    assert reminders.run().mentor_reminders == 1
    assert reminders.run().mentor_reminders == 0
    time_machine.move_to(at(2027, 1, 19, 10, 0), tick=False)
    assert reminders.run().mentor_reminders == 1
    time_machine.move_to(at(2027, 2, 1, 10, 0), tick=False)
    assert reminders.run().mentor_reminders == 0

    sent = support.notifications("mentor_reminder", exchange)
    assert [(n.recipient, n.language) for n in sent] == [(personas.HOST.email, "sv")] * 2
    support.assert_both_parts(sent[0])
    assert sent[0].subject.startswith("Första påminnelsen – ")
    assert sent[1].subject.startswith("Andra påminnelsen – ")
    assert sent[0].subject.endswith(": Alice Aalto, Korsholms huvudbibliotek")
    assert "Det här är den första påminnelsen." in sent[0].body_text
    assert opens_arrangements_of(pages.link_in(sent[1])).approval_id == answer_id(exchange)


def test_a_host_who_named_the_mentor_is_not_reminded(time_machine, alice, host):
    time_machine.move_to(at(2027, 1, 11, 10, 0), tick=False)
    exchange = approve_without_mentor(support.approved_at_home(alice, host))
    answer = host_answer(exchange)
    workflow.name_mentor(answer.pk, version=answer.version, mentor=personas.mentor())

    time_machine.move_to(at(2027, 1, 20, 10, 0), tick=False)
    assert reminders.run().mentor_reminders == 0
    assert support.notifications("mentor_reminder") == []


# --- the host's link -------------------------------------------------------------------


def test_the_host_names_the_mentor_through_the_link_and_the_visit_is_confirmed(
    client, awaiting_mentor
):
    path = arrangements_link(awaiting_mentor)
    assert path.startswith("/sv/")
    page = pages.html(client.get(path))
    assert "Alice Aalto" in page
    assert support.snapshot(awaiting_mentor)[0] == State.AWAITING_MENTOR

    response = client.post(path, mentor_form(meeting_place="Personalingången"))

    assert response.status_code == 302
    awaiting_mentor.refresh_from_db()
    assert awaiting_mentor.state == State.CONFIRMED
    assert awaiting_mentor.meeting_place == "Personalingången"
    assert personas.MENTOR.email in support.sent_to("confirmed", awaiting_mentor)
    after = pages.text(client.get(path))
    assert personas.MENTOR.name in after


def test_a_reused_mentor_form_changes_nothing_and_says_so(client, awaiting_mentor):
    path = arrangements_link(awaiting_mentor)
    client.post(path, mentor_form())
    before = support.snapshot(awaiting_mentor)

    again = client.post(path, mentor_form(), follow=True)

    assert again.status_code == 200
    assert support.snapshot(awaiting_mentor) == before


def test_a_mentor_form_without_the_address_is_refused_in_swedish(client, awaiting_mentor):
    before = support.snapshot(awaiting_mentor)

    response = client.post(arrangements_link(awaiting_mentor), mentor_form(mentor_email=""))

    page = pages.html(response, 400)
    assert "Skriv arbetsplatshandledarens e-postadress." in page
    assert support.snapshot(awaiting_mentor) == before


@pytest.mark.parametrize(
    ("token", "status"),
    [("forged", 404), ("decision-token", 404)],
)
def test_a_forged_or_wrong_kind_of_token_gets_the_friendly_page(
    client, awaiting_mentor, token, status
):
    if token == "decision-token":
        token = links.approval_token(host_answer(awaiting_mentor))
    before = support.snapshot(awaiting_mentor)

    response = client.post(pages.url("exchange:arrangements-link", "sv", token=token), {})

    assert response.status_code == status
    assert "Länken fungerar inte" in response.content.decode()
    assert support.snapshot(awaiting_mentor) == before


def test_the_link_of_a_cancelled_exchange_says_who_called_it_off(client, alice, awaiting_mentor):
    path = arrangements_link(awaiting_mentor)
    workflow.cancel(awaiting_mentor.pk, by=alice, reason="Sairastuin.")

    response = client.get(path)

    assert response.status_code == 410
    text = pages.text(response)
    assert "Behövs inte längre" in text
    assert "Alice Aalto" in text


def test_once_the_visit_has_begun_the_link_says_so(client, time_machine, awaiting_mentor):
    path = arrangements_link(awaiting_mentor)
    client.post(path, mentor_form())
    awaiting_mentor.refresh_from_db()
    before = support.snapshot(awaiting_mentor)
    time_machine.move_to(
        datetime.combine(awaiting_mentor.first_day, datetime.min.time(), FINNISH_TIME)
        + timedelta(hours=12),
        tick=False,
    )

    response = client.post(path, {"meeting_place": "Huvudingången"})

    assert response.status_code == 410
    assert support.snapshot(awaiting_mentor) == before


# --- completing the first day's arrangements -------------------------------------------------


def test_the_host_completes_the_arrangements_and_the_visitor_and_mentor_are_told(
    client, awaiting_mentor
):
    path = arrangements_link(awaiting_mentor)
    client.post(path, mentor_form())
    awaiting_mentor.refresh_from_db()
    version = awaiting_mentor.version

    response = client.post(
        path,
        {
            "meeting_place": "Personalingången, Centrumvägen 1",
            "meeting_time": "9.30",
            "programme_notes": "Sagostund på tisdag.",
        },
    )

    assert response.status_code == 302
    awaiting_mentor.refresh_from_db()
    assert awaiting_mentor.meeting_time == "9.30"
    assert awaiting_mentor.version == version + 1
    step = awaiting_mentor.history.order_by("pk").last()
    assert step.actor_label == personas.HOST.name
    told = {n.recipient: n for n in support.notifications("arrangements_changed")}
    assert set(told) == {"alice@seinajoki.fi", personas.MENTOR.email}
    assert "9.30" in told["alice@seinajoki.fi"].body_text
    # The calendars get the same event with a higher sequence.
    assert f"SEQUENCE:{version + 1}" in told[personas.MENTOR.email].calendar


def test_saving_the_same_arrangements_again_tells_nobody(client, awaiting_mentor):
    path = arrangements_link(awaiting_mentor)
    client.post(path, mentor_form(meeting_time="9.00"))
    before = support.snapshot(awaiting_mentor)

    response = client.post(
        path, {"meeting_place": "", "meeting_time": "9.00", "programme_notes": ""}
    )

    assert response.status_code == 302
    assert support.snapshot(awaiting_mentor) == before


def test_the_mentor_page_says_what_is_not_agreed_yet(client, awaiting_mentor):
    answer = host_answer(awaiting_mentor)
    workflow.name_mentor(
        answer.pk,
        version=answer.version,
        mentor=personas.mentor(meeting_place="", meeting_time="", programme_notes=""),
    )
    awaiting_mentor.refresh_from_db()

    page = pages.text(client.get(support.mentor_link(awaiting_mentor)))

    assert page.count("inte överenskommet ännu") == 3


def test_before_the_visitor_takes_the_proposed_dates_the_link_says_it_waits_for_them(
    client, awaiting_host
):
    approval = support.pending(awaiting_host, "host")
    first = awaiting_host.first_day + timedelta(days=7)
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first + timedelta(days=1),
        mentor=workflow.mentor_later("sv"),
    )
    path = pages.url(
        "exchange:arrangements-link",
        "sv",
        token=links.arrangements_token(host_answer(awaiting_host)),
    )
    before = support.snapshot(awaiting_host)

    page = pages.text(client.get(path))
    posted = client.post(path, mentor_form())

    assert "Väntar på besökarens svar" in page
    assert posted.status_code == 200
    assert support.snapshot(awaiting_host) == before


def test_the_mentors_phone_rings_from_the_visitors_page_and_the_hosts(client, alice, host):
    exchange = support.confirmed_visit(alice, host)
    dialled = '<a href="tel:+358401234567">040 123 4567</a>'

    client.force_login(alice)
    assert dialled in pages.html(client.get(exchange.get_absolute_url()))

    client.logout()
    token = links.arrangements_token(host_answer(exchange))
    assert dialled in pages.html(
        client.get(pages.url("exchange:arrangements-link", "sv", token=token))
    )
