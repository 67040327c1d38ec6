"""Every email says who sends it, why this reader gets it, what is asked and by when.

Supervisors, hosts and mentors have no account and may never have heard of Kollega, so each
message introduces the staff exchange and its organiser, gives the reason it was sent and the
day an answer is due, says what the programme pays and what the visit counts as, and signs off
with the coordinator's name, email and phone. The main messages are played through for a
one-day and a two-day visit, with every reader in Finnish and then in Swedish, among the
regions' real libraries (whose names must never follow an inflected Finnish noun).
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from exchange import ical, reminders, workflow
from exchange.models import ExchangeRequest
from libraries.models import Library
from mail.models import Notification
from mail.outbox import Recipient, deliver
from tests import personas
from tests.exchange import support

pytestmark = pytest.mark.django_db

FINNISH_TIME = ZoneInfo("Europe/Helsinki")
PHONE = "040 555 1234"

# The host libraries, from the shipped list: a Finnish-speaking reader gets Kokkola's city
# library (the issue's own example), a Swedish-speaking one the Jakobstad city library.
HOSTS = {"fi": "Kokkolan kaupunginkirjasto", "sv": "Pietarsaaren kirjasto"}

# What each language writes for the two visits.
DATES = {
    ("fi", 1): "8.2.2027",
    ("fi", 2): "8.–9.2.2027",
    ("sv", 1): "8.2.2027",
    ("sv", 2): "8–9.2.2027",
}

WORDS = {
    "fi": {
        "sender": "Kollega on Etelä-Pohjanmaan, Keski-Pohjanmaan ja Pohjanmaan yleisten "
        "kirjastojen työntekijävaihto. Sitä järjestää yleisten kirjastojen alueellinen "
        "kehittämistehtävä, jota hoitaa Vaasan kaupunginkirjasto.",
        "sign_off": "Ystävällisin terveisin",
        "paid": "Kulut: Yleisten kirjastojen alueellinen kehittämistehtävä maksaa matka- ja "
        "majoituskulut.",
        "counts_as": "Vaihdon muoto: koulutuspäivä",
        "why_home": "Sait tämän viestin, koska vierailija nimesi sinut vaihtohakemuksessaan "
        "esihenkilökseen.",
        "why_host": "Sait tämän viestin, koska olet tämän vaihdon yhteyshenkilö "
        "vastaanottavassa kirjastossa.",
        "why_mentor": "Sait tämän viestin, koska vastaanottava kirjasto nimesi sinut "
        "vierailijan työpaikkaohjaajaksi.",
        "why_visitor": "Sait tämän viestin, koska teit vaihtohakemuksen Kollegassa.",
        "why_home_approved": "Sait tämän viestin, koska hyväksyit hakemuksen vierailijan "
        "esihenkilönä.",
        "decide_home": "Hyväksy tai hylkää hakemus viimeistään 14.1.2027.",
        "decide_host": "Vastaathan viimeistään 19.1.2027",
        "first_reminder": "Tämä on ensimmäinen muistutus.",
        "second_reminder": "Tämä on toinen ja viimeinen muistutus.",
        "decide_reminded": "viimeistään 22.1.2027",
        "link_until": "Linkki on henkilökohtainen ja toimii 10.2.2027 asti.",
        "no_accommodation": "Majoitus: ei tarvita",
        "one_night": "Majoitus: 1 yö",
        "feedback_by": "Teethän molemmat viimeistään",
    },
    "sv": {
        "sender": "Kollega är personalutbytet mellan de allmänna biblioteken i Södra "
        "Österbotten, Mellersta Österbotten och Österbotten. Det ordnas av de allmänna "
        "bibliotekens regionala utvecklingsuppdrag, som sköts av Vasa stadsbibliotek.",
        "sign_off": "Med vänlig hälsning",
        "paid": "Kostnader: De allmänna bibliotekens regionala utvecklingsuppdrag betalar "
        "rese- och logikostnaderna.",
        "counts_as": "Utbytet räknas som: utbildningsdag",
        "why_home": "Du får det här meddelandet eftersom besökaren har angett dig som sin "
        "förman i utbytesansökan.",
        "why_host": "Du får det här meddelandet eftersom du är värdbibliotekets "
        "kontaktperson för det här utbytet.",
        "why_mentor": "Du får det här meddelandet eftersom värdbiblioteket har utsett dig "
        "till besökarens arbetsplatshandledare.",
        "why_visitor": "Du får det här meddelandet eftersom du har gjort en utbytesansökan "
        "i Kollega.",
        "why_home_approved": "Du får det här meddelandet eftersom du godkände ansökan som "
        "besökarens förman.",
        "decide_home": "Godkänn eller avslå ansökan senast 14.1.2027.",
        "decide_host": "Svara senast 19.1.2027",
        "first_reminder": "Det här är den första påminnelsen.",
        "second_reminder": "Det här är den andra och sista påminnelsen.",
        "decide_reminded": "senast 22.1.2027",
        "link_until": "Länken är personlig och fungerar till och med 10.2.2027.",
        "no_accommodation": "Logi: behövs inte",
        "one_night": "Logi: 1 natt",
        "feedback_by": "Gör gärna båda senast",
    },
}


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=FINNISH_TIME)


def _host(language: str) -> Library:
    """A shipped library as the host, its exchange contact reading the given language."""
    host = Library.objects.get(name_fi=HOSTS[language])
    host.contact_name = "Sara Sund" if language == "sv" else "Helmi Hakala"
    host.contact_email = f"vaihto@{host.domain_list[0]}"
    host.contact_language = language
    host.save()
    return host


def _name(library: Library, language: str) -> str:
    """The library's name as a reader of the language sees it (Finnish when no other)."""
    return getattr(library, f"name_{language}") or library.name_fi


def _play(alice, language: str, days: int, time_machine) -> ExchangeRequest:
    """Submit, remind the home supervisor, approve at home, remind the host twice, confirm.

    Monday 11 January 2027 the request goes; the supervisor has three working days.
    """
    alice.language = language
    alice.save()
    host = _host(language)
    time_machine.move_to(_at(date(2027, 1, 11)), tick=False)
    exchange = support.submitted(
        alice,
        host,
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 8 + days - 1),
        trip_type=ExchangeRequest.TripType.TRAINING_DAY,
        accommodation_nights=days - 1,
        accommodation_eur="89.00" if days > 1 else None,
    )
    time_machine.move_to(_at(date(2027, 1, 14), 10), tick=False)
    reminders.run(steps=["decision_reminders"])
    approval = support.pending(exchange, "home")
    exchange = workflow.approve_home(approval.pk, version=approval.version)
    for day in (date(2027, 1, 19), date(2027, 1, 22)):
        time_machine.move_to(_at(day, 10), tick=False)
        reminders.run(steps=["decision_reminders"])
    approval = support.pending(exchange, "host")
    mentor = personas.mentor() if language == "sv" else personas.finnish_mentor()
    return workflow.approve_host(approval.pk, version=approval.version, mentor=mentor)


@pytest.fixture
def contact(coordinator_contact):
    coordinator_contact.phone = PHONE
    coordinator_contact.title_fi = "Aluekoordinaattori"
    coordinator_contact.title_sv = "Regional koordinator"
    coordinator_contact.save()
    return coordinator_contact


def _message(kind: str, role: str) -> Notification:
    """The latest message of a kind to the person in a role."""
    rows = [n for n in support.notifications(kind) if f":{role}:" in n.dedupe_key]
    assert rows, f"no {kind} to the {role}"
    return rows[-1]


def _text(part: str) -> str:
    """A part as one line of words, the HTML without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def _assert_introduces_itself(message: Notification, language: str, why: str) -> None:
    """Who sends it, why this reader, and the coordinator's sign-off, in both parts."""
    words = WORDS[language]
    assert message.language == language, message.kind
    for part in (message.body_text, message.body_html):
        text = _text(part)
        assert _text(words["sender"]) in text, message.kind
        assert words[why] in text, (message.kind, why)
        assert words["sign_off"] in text, message.kind
        assert personas.COORDINATOR.name in text, message.kind
        assert personas.COORDINATOR.email in text, message.kind
        assert PHONE in text, message.kind


def _assert_dates_written_once(days: int) -> None:
    """Every message names the visit's days in its reader's form, never a day twice."""
    for message in Notification.objects.all():
        dates = DATES[(message.language, days)]
        for part in (message.body_text, message.body_html):
            assert dates in _text(part), (message.kind, dates)
            assert not re.search(r"\b(\d+\.\d+\.\d{4})–\1\b", part), message.kind


def _assert_no_name_after_an_inflected_noun() -> None:
    """No Finnish message writes "kirjastoon Kokkolan kaupunginkirjasto": a name stays in
    the nominative, so it stands on a label line or in apposition, never after such a noun."""
    names = set()
    for library in Library.objects.all():
        names.update(name for name in (library.name_fi, library.name_sv) if name)
    finnish = list(Notification.objects.filter(language="fi"))
    assert finnish
    for message in finnish:
        text = " ".join([message.subject, _text(message.body_text), _text(message.body_html)])
        for noun in ("kirjastoon", "kirjastossa", "kirjastosta"):
            for name in names:
                assert f"{noun} {name}" not in text, (message.kind, noun, name)


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("days", [1, 2])
def test_the_requests_and_reminders_say_who_asks_why_and_by_when(
    alice, shipped_libraries, contact, time_machine, language, days
):
    words = WORDS[language]
    _play(alice, language, days, time_machine)
    host = _name(Library.objects.get(name_fi=HOSTS[language]), language)

    to_home = _message("decision_request", "home")
    _assert_introduces_itself(to_home, language, "why_home")
    assert to_home.subject.endswith(f": {alice.name}, {host}")
    text = to_home.body_text
    assert words["decide_home"] in text
    assert words["decide_home"] in text
    assert words["link_until"] in text
    assert words["paid"] in text
    assert words["counts_as"] in text
    assert words["one_night" if days == 2 else "no_accommodation"] in text

    reminded = _message("decision_reminder", "home")
    _assert_introduces_itself(reminded, language, "why_home")
    assert words["first_reminder"] in reminded.body_text
    assert words["decide_reminded"].replace("22.1.", "19.1.") in reminded.body_text
    assert reminded.subject.endswith(f": {alice.name}, {host}")

    to_host = _message("decision_request", "host")
    _assert_introduces_itself(to_host, language, "why_host")
    assert words["decide_host"] in to_host.body_text
    assert words["paid"] in to_host.body_text
    assert words["counts_as"] in to_host.body_text
    assert to_host.subject.endswith(f": {alice.name}, {host}")
    to_host_again = [
        n for n in support.notifications("decision_reminder") if ":host:" in n.dedupe_key
    ]
    assert [words["first_reminder"] in n.body_text for n in to_host_again] == [True, False]
    assert words["second_reminder"] in to_host_again[1].body_text
    assert words["decide_reminded"] in to_host_again[0].body_text
    assert all("(" not in n.subject for n in Notification.objects.all())

    _assert_dates_written_once(days)
    if language == "fi":
        _assert_no_name_after_an_inflected_noun()


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("days", [1, 2])
def test_the_confirmation_carries_the_practicalities_and_the_visit_ends_with_a_request(
    alice, shipped_libraries, contact, time_machine, language, days
):
    words = WORDS[language]
    exchange = _play(alice, language, days, time_machine)
    host = Library.objects.get(name_fi=HOSTS[language])

    confirmed = _message("confirmed", "visitor")
    _assert_introduces_itself(confirmed, language, "why_visitor")
    assert _name(host, language) in confirmed.subject
    assert DATES[(language, days)] in confirmed.subject
    # What the visitor needs on the first day is in the message, not only in the calendar.
    for part in (confirmed.body_text, _text(confirmed.body_html)):
        assert (getattr(host, f"street_{language}") or host.street_fi) in part
        for detail in ("meeting_place", "meeting_time", "mentor_name", "mentor_email"):
            assert getattr(exchange, detail) in part, detail
        assert exchange.mentor_phone in part
    _assert_introduces_itself(_message("confirmed", "mentor"), language, "why_mentor")

    time_machine.move_to(_at(date(2027, 2, 8 + days)), tick=False)
    reminders.run(steps=["completed"])
    request = _message("feedback_request", "visitor")
    assert _text(WORDS[language]["sender"]) in _text(request.body_text)
    assert PHONE in request.body_text
    assert words["feedback_by"] in request.body_text
    assert "(" not in request.subject

    _assert_dates_written_once(days)
    if language == "fi":
        _assert_no_name_after_an_inflected_noun()


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("days", [1, 2])
def test_a_decline_and_a_cancellation_say_so_and_why(
    alice, shipped_libraries, contact, time_machine, language, days
):
    host = _host(language)
    time_machine.move_to(_at(date(2027, 1, 11)), tick=False)
    alice.language = language
    alice.save()
    declined = support.approved_at_home(
        alice, host, first_day=date(2027, 2, 8), last_day=date(2027, 2, 8 + days - 1)
    )
    approval = support.pending(declined, "host")
    workflow.decline(approval.pk, version=approval.version, reason="Remontti / Renovering.")
    cancelled = support.confirmed_visit(
        alice,
        Library.objects.get(name_fi=HOSTS[language]),
        first_day=date(2027, 3, 8),
        last_day=date(2027, 3, 8 + days - 1),
        mentor=personas.mentor(language=language),
    )
    workflow.cancel(cancelled.pk, by=alice, reason="Sairastuin / Jag blev sjuk.")

    to_visitor = _message("declined", "visitor")
    _assert_introduces_itself(to_visitor, language, "why_visitor")
    assert "Remontti / Renovering." in to_visitor.body_text
    to_home = _message("declined", "home")
    _assert_introduces_itself(to_home, language, "why_home_approved")
    assert to_home.subject.endswith(f": {alice.name}, {_name(host, language)}")

    cancelled_words = {"fi": "Vierailusi on peruttu.", "sv": "Ditt besök har ställts in."}
    to_visitor = _message("cancelled", "visitor")
    _assert_introduces_itself(to_visitor, language, "why_visitor")
    assert cancelled_words[language] in to_visitor.body_text
    assert "Sairastuin / Jag blev sjuk." in to_visitor.body_text
    _assert_introduces_itself(_message("cancelled", "mentor"), language, "why_mentor")
    _assert_introduces_itself(_message("cancelled", "home"), language, "why_home")
    _assert_introduces_itself(_message("cancelled", "host"), language, "why_host")

    for message in Notification.objects.all():
        assert not re.search(r"\b(\d+\.\d+\.\d{4})–\1\b", message.body_text), message.kind
    if language == "fi":
        _assert_no_name_after_an_inflected_noun()


def test_the_request_arrives_through_a_real_mail_server_as_written(
    alice, home, shipped_libraries, contact, time_machine, mail_server
):
    time_machine.move_to(_at(date(2027, 1, 11)), tick=False)
    host = _host("fi")
    support.submitted(alice, host, first_day=date(2027, 2, 8), last_day=date(2027, 2, 9))
    message = _message("decision_request", "home")

    assert deliver(message.pk) is True

    [received] = mail_server.received
    assert received["To"].addresses[0].addr_spec == personas.HOME_SUPERVISOR.email
    # Answering the message asks the coordinator, who signs it.
    [reply_to] = received["Reply-To"].addresses
    assert (reply_to.display_name, reply_to.addr_spec) == (
        personas.COORDINATOR.name,
        personas.COORDINATOR.email,
    )
    # The parser keeps the space that folds a long encoded header onto its next line.
    assert received["Subject"].strip() == (
        f"Vaihtohakemus odottaa hyväksyntääsi: {alice.name}, Kokkolan kaupunginkirjasto"
    )
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    for part in (text, _text(html)):
        assert "Alice Aalto haluaisi vierailla työntekijävaihdossa" in part
        assert "Hyväksy tai hylkää hakemus viimeistään 14.1.2027." in part
        assert "Päivät: 8.–9.2.2027" in _text(part) or "8.–9.2.2027" in part
        assert _text(WORDS["fi"]["sender"]) in _text(part)
        assert WORDS["fi"]["why_home"] in _text(part)
        assert f"{personas.COORDINATOR.name}" in part and PHONE in part


@pytest.mark.parametrize(
    ("language", "written"), [("fi", "Päivät: 8.–9.2.2027"), ("sv", "Datum: 8–9.2.2027")]
)
def test_the_calendar_file_writes_the_dates_as_the_reader_does_and_no_empty_detail(
    alice, host, language, written
):
    exchange = support.confirmed_visit(
        alice,
        host,
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 9),
        mentor=personas.mentor(meeting_time=""),
    )
    reader = Recipient(email=alice.email, name=alice.name, language=language)

    event = Calendar.from_ical(ical.visit_event(exchange, reader)).walk("VEVENT")[0]

    description = str(event["description"]).splitlines()
    assert description[0] == written
    assert exchange.meeting_place in description[2]
    # The host has not said yet when to meet: the calendar says so instead of an empty label.
    with translation.override(language):
        assert description[3].endswith(": " + gettext("not agreed yet"))
    assert len(description) == 4
