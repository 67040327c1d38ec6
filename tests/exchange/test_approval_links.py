import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from exchange import links, workflow
from exchange.models import Approval, State
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import ExchangeRequestFactory, FocusAreaFactory, LibraryFactory

pytestmark = pytest.mark.django_db


def in_swedish(message: str) -> str:
    """The message as the Swedish-speaking host reads it; never the English original."""
    if "5 days" in message:
        with translation.override("sv"):
            translated = gettext("A visit lasts at most %(days)s days.") % {"days": 5}
    else:
        with translation.override("sv"):
            translated = gettext(message)
    assert translated != message
    return translated


@pytest.fixture
def awaiting_home(alice, host):
    exchange = support.submitted(
        alice,
        host,
        expectations="Haluan oppia, miten bokbussen palvelee saaristoa.",
        cover_arrangements="Minna hoitaa lainaustiskin.",
        travel_car_km=95,
        accommodation_nights=1,
        accommodation_eur="89.50",
        language_practice=True,
    )
    exchange.focus_areas.add(FocusAreaFactory())
    return exchange


@pytest.fixture
def awaiting_host(alice, host):
    return support.approved_at_home(alice, host)


def home_link(exchange) -> str:
    return support.decision_link(exchange, "home")


def host_link(exchange) -> str:
    return support.decision_link(exchange, "host")


def in_language(path: str, language: str) -> str:
    """A home supervisor's link opened from the other language's page."""
    return path.replace("/fi/paatos/", f"/{language}/{'beslut' if language == 'sv' else 'paatos'}/")


def test_the_home_link_is_absolute_and_in_the_supervisors_language(awaiting_home):
    link = Notification.objects.get(kind="decision_request").body_text

    assert f"{settings.SITE_URL}/fi/paatos/" in link


def test_get_and_head_show_the_request_and_change_nothing(client, awaiting_home):
    before = support.snapshot(awaiting_home)
    path = home_link(awaiting_home)

    page = client.get(path)
    head = client.head(path)

    assert page.status_code == head.status_code == 200
    text = page.content.decode()
    assert "Alice Aalto" in text
    assert "Mustasaaren pääkirjasto" in text
    assert "Haluan oppia, miten bokbussen palvelee saaristoa." in text
    assert "Minna hoitaa lainaustiskin." in text
    assert "Lasten ja nuorten palvelut" in text
    assert "89,50 €" in text
    assert "Hyväksy hakemus" in text
    assert support.snapshot(awaiting_home) == before


def test_link_pages_send_only_the_origin_as_referrer_and_are_not_stored(client, awaiting_home):
    response = client.get(home_link(awaiting_home))

    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]


def test_home_supervisor_approves_through_the_link(client, awaiting_home):
    path = home_link(awaiting_home)

    response = client.post(path, {"action": "approve", "approve-comment": "Mene ihmeessä!"})

    assert response.status_code == 302
    awaiting_home.refresh_from_db()
    assert awaiting_home.state == State.AWAITING_HOST
    assert awaiting_home.approvals.get(role="home").comment == "Mene ihmeessä!"
    assert "Mene ihmeessä!" in support.email_to("alice@seinajoki.fi", "approved_home").body_text
    # The page after acting confirms what this link did, and what happens next.
    page = pages.text(client.get(path))
    assert "Hyväksyit vaihtohakemuksen, jonka lähetti Alice Aalto" in page
    assert "Mitä seuraavaksi" in page
    assert "Sara Sund" in page


def test_a_second_post_changes_nothing_and_sends_nothing(client, awaiting_home):
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve"})
    before = support.snapshot(awaiting_home)

    again = client.post(path, {"action": "approve"})
    other = client.post(path, {"action": "decline", "decline-reason": "Sittenkin ei."})

    assert again.status_code == other.status_code == 200
    # Opened again, the link says what was decided, when and that it was "you".
    text = pages.text(again)
    assert "Hyväksyit vaihtohakemuksen, jonka lähetti Alice Aalto" in text
    assert "Vastasit tämän linkin kautta" in text
    assert "Jo päätetty" not in text
    assert support.snapshot(awaiting_home) == before


NOT_RECORDED = (
    "This request had already been answered through this link, so the answer you just sent "
    "was not recorded. The answer that stands is shown below."
)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_an_answer_from_a_tab_left_open_says_it_was_not_recorded(client, awaiting_home, language):
    path = in_language(home_link(awaiting_home), language)
    client.post(path, {"action": "approve"})

    # The same page, left open in another tab, is sent with the other answer.
    other = client.post(path, {"action": "decline", "decline-reason": "Sittenkin ei."})

    with translation.override(language):
        said = gettext(NOT_RECORDED)
        approved = gettext("You approved the exchange request of %(visitor)s") % {
            "visitor": "Alice Aalto"
        }
    assert said != NOT_RECORDED
    text = pages.text(pages.html(other))
    assert said in text
    assert approved in text
    assert awaiting_home.approvals.get(role="home").decision == Approval.Decision.APPROVED
    # Opened again later, the link shows the answer alone.
    assert said not in pages.text(client.get(path))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fi", "Vastasit tämän linkin kautta 1.12.2026 klo 9.05."),
        ("sv", "Du svarade via den här länken 1.12.2026 kl. 9.05."),
    ],
)
def test_the_link_opened_again_tells_the_time_as_its_language_writes_it(
    client, awaiting_home, time_machine, language, said
):
    time_machine.move_to("2026-12-01 09:05 +02:00", tick=False)
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve"})

    page = pages.text(client.get(in_language(path, language)))

    assert said in page


@pytest.mark.parametrize(
    ("language", "answered", "moved_on"),
    [
        ("fi", "1.12.2026 klo 9.05", "(Sara Sund, 1.12.2026 klo 9.40)"),
        ("sv", "1.12.2026 kl. 9.05", "(Sara Sund, 1.12.2026 kl. 9.40)"),
    ],
)
def test_the_answer_and_the_step_after_it_are_timed_in_one_format(
    client, awaiting_home, time_machine, language, answered, moved_on
):
    time_machine.move_to("2026-12-01 09:05 +02:00", tick=False)
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve"})
    time_machine.move_to("2026-12-01 09:40 +02:00", tick=False)
    client.post(host_link(awaiting_home), {"action": "decline", "decline-reason": "Remont."})

    page = pages.text(client.get(in_language(path, language)))

    assert answered in page
    assert moved_on in page
    assert not re.search(r"\b\d{1,2}:\d{2}\b", page)


def test_post_without_csrf_token_changes_nothing(awaiting_home):
    before = support.snapshot(awaiting_home)
    client = Client(enforce_csrf_checks=True)

    response = client.post(home_link(awaiting_home), {"action": "approve"})

    assert response.status_code == 403
    assert support.snapshot(awaiting_home) == before


def test_the_form_posts_with_a_csrf_token(awaiting_home, home_supervisor, host_contact):
    client = Client(enforce_csrf_checks=True)
    path = home_link(awaiting_home)
    client.get(path)
    # Opened again, the page comes from the cache: the token a browser finds in it works.
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    approval = support.pending(awaiting_home, "home")

    response = client.post(path, {"action": "approve", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.decision == Approval.Decision.APPROVED
    assert approval.decided_at is not None
    awaiting_home.refresh_from_db()
    assert (awaiting_home.state, awaiting_home.version) == (State.AWAITING_HOST, 3)
    step = awaiting_home.history.order_by("pk").last()
    assert (step.actor_label, step.from_state, step.to_state) == (
        home_supervisor.name,
        State.AWAITING_HOME,
        State.AWAITING_HOST,
    )
    assert support.pending(awaiting_home, "host").email == host_contact.email


def test_declining_without_a_reason_shows_the_error_and_changes_nothing(client, awaiting_home):
    before = support.snapshot(awaiting_home)

    response = client.post(home_link(awaiting_home), {"action": "decline", "decline-reason": ""})

    assert response.status_code == 400
    assert "Kerro, miksi hylkäät hakemuksen." in response.content.decode()
    assert support.snapshot(awaiting_home) == before


def test_home_supervisor_declines_with_a_reason(client, awaiting_home):
    path = home_link(awaiting_home)

    response = client.post(path, {"action": "decline", "decline-reason": "Kevät on kiireinen."})

    assert response.status_code == 302
    awaiting_home.refresh_from_db()
    assert awaiting_home.state == State.DECLINED
    assert Notification.objects.filter(kind="declined", recipient="alice@seinajoki.fi").exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("fi", "Linkki ei toimi"), ("sv", "Länken fungerar inte")],
)
def test_a_forged_link_gets_its_page_in_the_links_language(client, language, words):
    prefix = pages.url("exchange:approval-link", language, token="forged:token")

    response = client.get(prefix)

    assert response.status_code == 404
    assert words in response.content.decode()
    assert response["Referrer-Policy"] == "strict-origin"


def test_a_tampered_link_changes_nothing(client, awaiting_home):
    before = support.snapshot(awaiting_home)
    path = home_link(awaiting_home)
    tampered = path.replace("/paatos/", "/paatos/x")

    response = client.post(tampered, {"action": "approve"})

    assert response.status_code == 404
    assert support.snapshot(awaiting_home) == before


def test_an_expired_link_gets_its_page_and_changes_nothing(client, awaiting_home):
    path = home_link(awaiting_home)
    before = support.snapshot(awaiting_home)
    later = timedelta(days=settings.DECISION_LINK_MAX_AGE_DAYS + 1)

    with time_machine.travel(awaiting_home.submitted_at + later):
        page = client.get(path)
        post = client.post(path, {"action": "approve"})

    assert page.status_code == post.status_code == 410
    assert "Linkki on vanhentunut" in page.content.decode()
    assert support.snapshot(awaiting_home) == before


def test_a_replaced_link_gets_its_page_in_swedish(client, alice, host, coordinator):
    host.contact_language = "sv"
    host.save()
    exchange = support.approved_at_home(alice, host)
    old_path = host_link(exchange)
    approval = support.pending(exchange, "host")
    workflow.change_approver(
        approval.pk,
        name="Stina Stark",
        email="stina.stark@korsholm.fi",
        language="sv",
        by=coordinator,
    )
    before = support.snapshot(exchange)

    page = client.get(old_path)
    post = client.post(old_path, support.host_form())

    assert old_path.startswith("/sv/")
    assert page.status_code == post.status_code == 410
    assert "Länken har ersatts" in page.content.decode()
    assert support.snapshot(exchange) == before


def test_the_link_of_a_cancelled_request_says_it_is_no_longer_needed(client, awaiting_home, alice):
    path = home_link(awaiting_home)
    workflow.cancel(awaiting_home.pk, by=alice, reason="Sairastuin.")

    response = client.get(path)
    swedish = pages.text(client.get(in_language(path, "sv")))

    assert response.status_code == 410
    assert "Ei enää tarpeen" in response.content.decode()
    assert "Hakemuksen tilaksi tuli ”peruttu”" in pages.text(response)
    # The state's name is a label: "ansökan blev inställt" would not agree with ansökan.
    assert "Ansökans status blev ”inställt”" in swedish


def test_a_home_link_cannot_be_read_as_a_mentor_link(client, awaiting_home):
    token = links.approval_token(support.pending(awaiting_home, "home"))

    response = client.get(pages.url("exchange:mentor-link", token=token))

    assert response.status_code == 404


# --- the host's page ------------------------------------------------------------------


def test_host_page_asks_for_the_mentor_in_swedish(client, awaiting_host):
    path = host_link(awaiting_host)

    page = client.get(path)

    assert path.startswith("/sv/beslut/")
    text = page.content.decode()
    assert "Arbetsplatshandledarens namn" in text
    assert "Föreslå andra datum" in text


def earlier_visit_to_kokkola(visitor):
    ExchangeRequestFactory(
        visitor=visitor,
        host_library=LibraryFactory(
            name_fi="Kokkolan kaupunginkirjasto", name_sv="Karleby stadsbibliotek"
        ),
        state=State.COMPLETED,
        first_day=support.weekday_ahead(20) - timedelta(days=60),
        last_day=support.weekday_ahead(20) - timedelta(days=60),
    )


def test_the_home_supervisor_sees_the_visitors_other_exchanges(client, alice, host):
    earlier_visit_to_kokkola(alice)
    exchange = support.submitted(alice, host)

    page = pages.text(client.get(home_link(exchange)))

    assert "Vierailijan muut vaihdot (1)" not in page
    assert "Vierailijan muu vaihto (1)" in page
    assert "Kokkolan kaupunginkirjasto" in page


def test_the_host_page_shows_none_of_the_visitors_dealings_with_other_libraries(
    client, alice, host
):
    earlier_visit_to_kokkola(alice)
    exchange = support.approved_at_home(alice, host)

    page = pages.text(client.get(host_link(exchange)))

    assert "Alice Aalto" in page
    assert "Karleby" not in page and "Kokkola" not in page


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("approve-mentor_name", "Skriv arbetsplatshandledarens namn."),
        ("approve-mentor_email", "Skriv arbetsplatshandledarens e-postadress."),
        ("approve-mentor_phone", "Skriv arbetsplatshandledarens telefonnummer."),
    ],
)
def test_a_mentor_named_now_is_named_whole(client, awaiting_host, missing, message):
    before = support.snapshot(awaiting_host)

    response = client.post(host_link(awaiting_host), support.host_form(**{missing: ""}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Detta fält måste fyllas i." not in response.content.decode()
    assert support.snapshot(awaiting_host) == before


def mentor_field(page: str, name: str) -> str:
    return re.search(rf'<div id="div_id_approve-{name}".*?</div>', page, re.S).group()


def marked_required(field: str) -> bool:
    """Marked as every required field is: the label's asterisk, and `required` for a screen
    reader (the form is novalidate, so the browser doesn't enforce it)."""
    return (
        'class="form-label requiredField"' in field
        and '<span class="asteriskField">*</span>' in field
        and re.search(r"<input [^>]*\brequired\b", field) is not None
    )


def test_the_host_page_says_what_a_mentor_named_now_needs_without_marking_it_required(
    client, awaiting_host
):
    page = pages.html(client.get(host_link(awaiting_host)))

    # All three may be left empty (the mentor named later): not announced as required.
    assert not any(
        marked_required(mentor_field(page, name))
        for name in ("mentor_name", "mentor_email", "mentor_phone")
    )
    assert "Om du utser handledaren nu, ange namn, e-postadress och telefonnummer." in (
        pages.text(page)
    )


def test_a_mentor_left_for_later_is_not_asked_for_when_the_page_comes_back_with_errors(
    client, awaiting_host
):
    later = {f"approve-{name}": "" for name in ("mentor_name", "mentor_email", "mentor_phone")}

    response = client.post(host_link(awaiting_host), support.host_form(action="propose", **later))

    page = pages.html(response, status=400)
    assert in_swedish("Give the dates you propose.") in page
    assert "Skriv arbetsplatshandledarens telefonnummer." not in page


def test_the_host_approves_with_the_mentor_and_first_day_left_for_later(client, awaiting_host):
    empty = {
        f"approve-{name}": ""
        for name in (
            "mentor_name",
            "mentor_email",
            "mentor_phone",
            "meeting_place",
            "meeting_time",
            "programme_notes",
        )
    }

    response = client.post(host_link(awaiting_host), support.host_form(**empty))

    assert response.status_code == 302
    awaiting_host.refresh_from_db()
    assert awaiting_host.state == State.AWAITING_MENTOR
    page = pages.text(client.get(host_link(awaiting_host)))
    assert "Du godkände utbytesansökan från Alice Aalto" in page
    assert in_swedish("Name the workplace mentor") in page


def test_an_answer_must_be_chosen(client, awaiting_host):
    before = support.snapshot(awaiting_host)

    response = client.post(host_link(awaiting_host), support.host_form(action=""))

    assert response.status_code == 400
    assert in_swedish("Choose your answer.") in response.content.decode()
    assert support.snapshot(awaiting_host) == before


def test_host_proposes_other_dates(client, awaiting_host):
    first = awaiting_host.first_day + timedelta(days=7)

    response = client.post(
        host_link(awaiting_host),
        support.host_form(
            **{
                "action": "propose",
                "approve-first_day": first.isoformat(),
                "approve-last_day": (first + timedelta(days=1)).isoformat(),
            }
        ),
    )

    assert response.status_code == 302
    awaiting_host.refresh_from_db()
    assert awaiting_host.state == State.DATES_PROPOSED
    assert awaiting_host.proposed_first_day == first


@pytest.mark.parametrize(
    ("first_offset", "length", "error"),
    [
        (-60, 2, "The first day must be in the future."),
        (7, 6, "A visit lasts at most 5 days."),
        (0, 2, "These are the dates asked for. Choose the first option to approve them."),
        (None, 0, "Give the dates you propose."),
    ],
)
def test_proposed_dates_are_checked(client, awaiting_host, first_offset, length, error):
    before = support.snapshot(awaiting_host)
    data = support.host_form(action="propose")
    if first_offset is not None:
        first = awaiting_host.first_day + timedelta(days=first_offset)
        data["approve-first_day"] = first.isoformat()
        data["approve-last_day"] = (first + timedelta(days=length - 1)).isoformat()

    response = client.post(host_link(awaiting_host), data)

    assert response.status_code == 400
    assert in_swedish(error) in response.content.decode()
    assert support.snapshot(awaiting_host) == before


def test_proposed_dates_in_year_9999_are_a_form_error(client, awaiting_host):
    before = support.snapshot(awaiting_host)
    data = support.host_form(
        **{
            "action": "propose",
            "approve-first_day": "9999-12-30",
            "approve-last_day": "9999-12-31",
        }
    )

    response = client.post(host_link(awaiting_host), data)

    assert response.status_code == 400
    message = "The first day can be at most %(years)s years ahead."
    with translation.override("sv"):
        assert gettext(message) % {"years": 2} in response.content.decode()
    assert support.snapshot(awaiting_host) == before


def test_host_declines_and_the_page_is_in_swedish(client, awaiting_host):
    path = host_link(awaiting_host)

    client.post(path, {"action": "decline", "decline-reason": "Vi renoverar i maj."})

    awaiting_host.refresh_from_db()
    assert awaiting_host.state == State.DECLINED
    page = pages.text(client.get(path))
    assert "Du avslog utbytesansökan från Alice Aalto" in page
    assert "Redan avgjort" not in page


def test_the_home_link_cannot_take_the_hosts_decision(client, awaiting_host):
    before = support.snapshot(awaiting_host)
    home_path = home_link(awaiting_host)

    response = client.post(home_path, support.host_form())

    assert response.status_code == 200
    assert support.snapshot(awaiting_host) == before


# --- query count ----------------------------------------------------------------------


@pytest.mark.parametrize("earlier", [1, 50])
def test_supervisor_page_makes_a_constant_number_of_queries(
    client, alice, host, earlier, django_assert_max_num_queries
):
    for n in range(earlier):
        ExchangeRequestFactory(
            visitor=alice,
            host_library=LibraryFactory(),
            state=State.COMPLETED,
            first_day=support.weekday_ahead(20) - timedelta(days=60 + n * 7),
            last_day=support.weekday_ahead(20) - timedelta(days=60 + n * 7),
        )
    exchange = support.submitted(alice, host)
    exchange.focus_areas.add(FocusAreaFactory())
    path = home_link(exchange)

    # The link with its request, its focus areas, the other exchanges, the year's kilometre rate.
    with django_assert_max_num_queries(4):
        response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode().count("<li>Kirjasto ") == earlier


# --- the page after answering -------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_link_opened_again_quotes_the_supervisors_words_as_finnish_and_swedish_do(
    client, awaiting_home, language
):
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve", "approve-comment": "Mene ihmeessä!"})

    page = pages.text(client.get(in_language(path, language)))

    assert "”Mene ihmeessä!”" in page
    assert "“" not in page


def test_the_home_link_later_says_who_moved_the_request_on_and_when(client, awaiting_home):
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve"})
    page = pages.text(client.get(path))
    assert "Sen jälkeen" not in page

    client.post(host_link(awaiting_home), {"action": "decline", "decline-reason": "Remont."})

    page = pages.text(client.get(path))
    swedish = pages.text(client.get(in_language(path, "sv")))
    assert "Hyväksyit vaihtohakemuksen, jonka lähetti Alice Aalto" in page
    assert "Sen jälkeen hakemus on edennyt: sen tila on nyt ”hylätty”" in page
    assert "Sara Sund" in page
    assert "Sedan dess har ansökan gått vidare: den har nu status ”avslaget”" in swedish


def test_an_answered_home_link_reads_its_approval_once(
    client, awaiting_home, django_assert_max_num_queries
):
    path = home_link(awaiting_home)
    client.post(path, {"action": "approve"})

    # The link with its request, and the history: the page shows nothing else of the request.
    with django_assert_max_num_queries(2):
        response = client.get(path)

    assert "Hyväksyit vaihtohakemuksen, jonka lähetti Alice Aalto" in pages.text(response)


def test_an_approving_post_reads_no_more_than_the_link_and_its_request(client, awaiting_home):
    path = home_link(awaiting_home)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, {"action": "approve"})

    assert response.status_code == 302
    # Nothing the page would show besides the request: the answer is not shown here.
    assert not any("focusarea" in query["sql"] for query in queries.captured_queries)
    assert awaiting_home.approvals.get(role="home").decision == Approval.Decision.APPROVED


def test_the_host_link_says_it_was_you_who_named_the_mentor_later(client, awaiting_host):
    path = host_link(awaiting_host)
    client.post(
        path,
        support.host_form(
            **{"approve-mentor_name": "", "approve-mentor_email": "", "approve-mentor_phone": ""}
        ),
    )
    answer = awaiting_host.approvals.get(role="host")
    workflow.name_mentor(answer.pk, version=answer.version, mentor=personas.mentor())

    page = pages.text(client.get(path))

    assert "Du godkände utbytesansökan från Alice Aalto" in page
    assert "Sedan dess har du fört ansökan vidare: den har nu status ”bekräftat”" in page
