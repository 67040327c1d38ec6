"""The visit in the visitor's and the mentor's calendars: an invitation with the
confirmation, an update of the same event when the dates change, and its cancellation."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from exchange import reminders, workflow
from exchange.models import State
from exchange.workdays import FINNISH_TIME
from mail.models import Notification
from tests.exchange import support

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning(time_machine):
    time_machine.move_to(datetime(2027, 1, 11, 10, 0, tzinfo=FINNISH_TIME), tick=False)


@pytest.fixture
def visit(alice, host):
    """Alice's confirmed visit to Korsholm on Monday–Tuesday 1.–2.2.2027."""
    return support.confirmed_visit(alice, host)


def event_of(notification: Notification):
    calendar = Calendar.from_ical(notification.calendar)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def invitation_to(mailoutbox, address: str):
    (message,) = [m for m in mailoutbox if m.to[0].endswith(f"<{address}>") and m.attachments]
    return message


def test_the_confirmation_carries_an_invitation_with_the_days_the_place_and_a_uid(visit):
    calendar, event = event_of(support.email_to("alice@seinajoki.fi", "confirmed"))

    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == date(2027, 2, 1)
    assert event.decoded("dtend") == date(2027, 2, 3)  # all day, the end is exclusive
    assert str(event["location"]) == "Mustasaaren pääkirjasto, Kirjastonkatu 1, 65100 Vaasa"
    assert str(event["uid"]) == f"exchange-{visit.pk}@127.0.0.1"
    assert event["sequence"] == visit.version
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "Työntekijävaihto: Alice Aalto, Mustasaaren pääkirjasto"
    assert str(event["attendee"]) == "mailto:alice@seinajoki.fi"
    assert str(event["organizer"]) == "mailto:kollega@localhost"
    assert "Maja Mentor" in str(event["description"])


def test_the_mentor_gets_the_same_event_in_their_own_language(visit):
    _calendar, visitor_event = event_of(support.email_to("alice@seinajoki.fi", "confirmed"))
    _calendar, mentor_event = event_of(support.email_to("maja.mentor@korsholm.fi", "confirmed"))

    assert mentor_event["uid"] == visitor_event["uid"]
    assert str(mentor_event["summary"]) == "Personalutbyte: Alice Aalto, Korsholms huvudbibliotek"
    assert str(mentor_event["attendee"]) == "mailto:maja.mentor@korsholm.fi"
    assert support.email_to("eeva@seinajoki.fi", "confirmed").calendar == ""


def test_the_invitation_goes_out_as_a_calendar_request(
    alice, host, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        support.confirmed_visit(alice, host)

    message = invitation_to(mailoutbox, "alice@seinajoki.fi")
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == ("kollega.ics", "text/calendar; method=REQUEST")
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert Calendar.from_ical(content).walk("VEVENT")[0].decoded("dtstart") == date(2027, 2, 1)


def test_new_dates_update_the_same_event_with_a_higher_sequence(visit, coordinator):
    _calendar, before = event_of(support.email_to("alice@seinajoki.fi", "confirmed"))

    workflow.change_dates(
        visit.pk,
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 10),
        by=coordinator,
        reason="Kirjastoauton huolto siirtyi.",
    )

    for address in ["alice@seinajoki.fi", "maja.mentor@korsholm.fi"]:
        calendar, after = event_of(support.email_to(address, "dates_changed"))
        assert str(calendar["method"]) == "REQUEST"
        assert after["uid"] == before["uid"]
        assert after["sequence"] > before["sequence"]
        assert (after.decoded("dtstart"), after.decoded("dtend")) == (
            date(2027, 2, 8),
            date(2027, 2, 11),
        )
    assert support.sent_to("dates_changed") == {
        "alice@seinajoki.fi": "fi",
        "maja.mentor@korsholm.fi": "sv",
        "eeva@seinajoki.fi": "fi",
        "sara.sund@korsholm.fi": "sv",
    }
    to_supervisor = support.email_to("eeva@seinajoki.fi", "dates_changed")
    assert to_supervisor.calendar == ""
    assert "8.–10.2.2027" in to_supervisor.body_text
    assert "1.–2.2.2027" in to_supervisor.body_text
    assert "Kirjastoauton huolto siirtyi." in to_supervisor.body_text


def test_new_dates_send_the_practicalities_again_before_the_new_first_day(
    visit, coordinator, time_machine
):
    time_machine.move_to(datetime(2027, 1, 29, 8, 0, tzinfo=FINNISH_TIME), tick=False)
    reminders.run()
    workflow.change_dates(
        visit.pk, first_day=date(2027, 2, 15), last_day=date(2027, 2, 16), by=coordinator
    )
    assert reminders.run().practicalities == 0

    time_machine.move_to(datetime(2027, 2, 12, 8, 0, tzinfo=FINNISH_TIME), tick=False)
    assert reminders.run().practicalities == 1

    to_alice = [n for n in support.notifications("visit_near") if n.recipient.startswith("alice")]
    assert ["1.–2.2.2027" in n.subject for n in to_alice] == [True, False]
    assert "15.–16.2.2027" in to_alice[1].subject


def test_a_cancelled_visit_is_cancelled_in_the_calendars(visit, alice, mailoutbox):
    _calendar, before = event_of(support.email_to("alice@seinajoki.fi", "confirmed"))

    workflow.cancel(visit.pk, by=alice, reason="Sairastuin.")

    for address in ["alice@seinajoki.fi", "maja.mentor@korsholm.fi"]:
        calendar, after = event_of(support.email_to(address, "cancelled"))
        assert str(calendar["method"]) == "CANCEL"
        assert str(after["status"]) == "CANCELLED"
        assert after["uid"] == before["uid"]
        assert after["sequence"] > before["sequence"]
    assert support.email_to("eeva@seinajoki.fi", "cancelled").calendar == ""


def test_a_request_cancelled_before_confirmation_sends_no_calendar(alice, host):
    exchange = support.approved_at_home(alice, host)

    workflow.cancel(exchange.pk, by=alice, reason="Suunnitelmat muuttuivat.")

    assert [n.calendar for n in support.notifications("cancelled")] == ["", "", ""]


def test_the_coordinator_moves_a_confirmed_visit_in_the_admin(
    coordinator_client, coordinator, visit, django_capture_on_commit_callbacks
):
    path = reverse("admin:exchange_exchangerequest_change", args=[visit.pk])
    page = coordinator_client.get(path).context
    form = page["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value is not None and key != "focus_areas"
    }
    for inline in page["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update({"first_day": "2027-02-09", "last_day": "2027-02-09"})

    response = coordinator_client.post(path, data)

    assert response.status_code == 302, [
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        response.context["errors"],
    ]
    visit.refresh_from_db()
    assert (visit.state, visit.first_day, visit.last_day) == (
        State.CONFIRMED,
        date(2027, 2, 9),
        date(2027, 2, 9),
    )
    _calendar, event = event_of(support.email_to("alice@seinajoki.fi", "dates_changed"))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1)
    assert visit.history.last().actor == coordinator
