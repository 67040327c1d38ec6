"""Whole exchanges in a real browser: each person through their own pages and the links in
their own emails, once in Finnish and once in Swedish, and the decline and cancel paths."""

from datetime import timedelta

import pytest
from django.utils import translation
from playwright.sync_api import expect

from exchange.models import State
from feedback.models import ClaimState, ExpenseClaim, VisitorFeedback
from libraries.models import Staff
from mail.models import Notification
from tests.exchange.support import weekday_ahead

from .journeys import Journey, Mentor, Person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A librarian new to Kollega, at Seinäjoki, who wants to see a bilingual city library.
AINO = Person("Aino Aaltonen", "aino.aaltonen@seinajoki.fi")
EEVA = Person("Eeva Esimerkki", "demo.eeva.esimerkki@seinajoki.fi")
VILLE = Person("Ville Vaihtaja", "demo.ville.vaihtaja@vaasa.fi")
MAIJA = Mentor(
    "Maija Mentori",
    "maija.mentori@vaasa.fi",
    language="fi",
    meeting_place="Henkilökunnan sisäänkäynti, Kirjastonkatu 13",
    programme_notes="Asiakaspalvelua molemmilla kielillä, tiistaina satutunti.",
)
# A Swedish-speaking librarian at Jakobstad, already known to Kollega, who visits Närpes.
STINA = Person("Stina Sidvik", "demo.stina.sidvik@jakobstad.fi")
BO = Person("Bo Bokström", "demo.bo.bokstrom@jakobstad.fi")
SIV = Person("Siv Sagoberg", "demo.siv.sagoberg@narpes.fi")
MAJA = Mentor(
    "Maja Mentor",
    "maja.mentor@narpes.fi",
    language="sv",
    meeting_place="Personalingången, Kyrkvägen 2",
    programme_notes="Kundtjänst och samlingsarbete, bokbussen på onsdag.",
)


KERTTU = Person("Kerttu Koordinaattori", "demo.kerttu.koordinaattori@vaasa.fi")
KERTTU_PASSWORD = "a-long-admin-password"


@pytest.fixture
def coordinator(settings):
    """The coordinator signs in to the admin with a password (the one-time code is off here)."""
    settings.OTP_ADMIN = False
    Staff.objects.create_superuser(KERTTU.email, KERTTU_PASSWORD, name=KERTTU.name)
    return KERTTU


def after_the_visit(journey: Journey, clock, exchange, visitor: Person, story: str) -> None:
    """The visit passes; feedback and the expense claim; the coordinator reviews, publishes
    the story and approves the claim; the story is on the experiences page."""
    exchange = journey.visit_passes(exchange, clock)
    assert exchange.state == State.COMPLETED

    journey.visitor_gives_feedback(visitor, exchange, story)
    exchange.refresh_from_db()
    assert exchange.state == State.CLOSED
    page = journey.visitor_claims_costs(visitor, exchange)
    expect(page.get_by_role("main")).to_contain_text("kuitti.pdf")
    claim = ExpenseClaim.objects.get(exchange=exchange)
    assert claim.state == ClaimState.SUBMITTED and claim.car_km == 190

    journey.coordinator_signs_in_to_admin(KERTTU, KERTTU_PASSWORD)
    with translation.override(journey.language):
        row = str(exchange)  # as the admin in this language names it
    journey.coordinator_acts_on(
        KERTTU, "feedback_visitorfeedback_changelist", row, "Mark as reviewed"
    )
    journey.coordinator_acts_on(
        KERTTU, "feedback_visitorfeedback_changelist", row, "Publish the stories"
    )
    journey.coordinator_acts_on(
        KERTTU, "feedback_expenseclaim_changelist", row, "Approve the claims"
    )
    feedback = VisitorFeedback.objects.get(exchange=exchange)
    assert feedback.reviewed_at is not None and feedback.published_at is not None
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    assert Notification.objects.filter(
        recipient=visitor.email, kind="feedback_claim_approved"
    ).exists()

    journey.reader_finds_the_story(story)


@pytest.fixture
def journey(request, browser, site):
    journey = Journey(browser, site, request.param)
    yield journey
    journey.close()


def finnish_visit_requested(journey: Journey):
    """Aino signs in for the first time, finds Vaasa by the filters and asks to visit."""
    journey.signs_in(AINO)
    journey.completes_details(
        AINO,
        library="Seinäjoen pääkirjasto, Aallon kirjasto (Seinäjoki)",
        supervisor=EEVA,
        job_title="kirjastovirkailija",
    )
    journey.finds_library(
        AINO,
        filters={
            "Region": "Pohjanmaa",
            "Language": journey.t("Bilingual libraries, for language practice"),
            "What you can learn": "Monikielinen kirjastotyö",
        },
        library="Vaasan pääkirjasto",
    )
    first_day = weekday_ahead(21)
    return journey.requests_visit(
        AINO,
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        expectations="Haluan nähdä, miten kaksikielinen asiakaspalvelu toimii.",
        cover="Minna hoitaa lainaustiskin.",
        focus_area="Monikielinen kirjastotyö",
        supervisor=EEVA,
    )


def swedish_visit_requested(journey: Journey):
    """Stina signs in, finds Närpes by the filters and asks to visit."""
    page = journey.signs_in(STINA)
    expect(page.get_by_role("navigation", name=journey.t("Main menu"))).to_contain_text(STINA.name)
    journey.finds_library(
        STINA,
        filters={
            "Region": "Österbotten",
            "Language": journey.t("Bilingual libraries, for language practice"),
            "What you can learn": "Kundtjänst",
        },
        library="Stadsbiblioteket i Närpes",
    )
    first_day = weekday_ahead(28)
    return journey.requests_visit(
        STINA,
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        expectations="Jag vill se hur ett litet stadsbibliotek ordnar kundtjänsten.",
        cover="Mats sköter utlåningsdisken.",
        focus_area="Kundtjänst",
        supervisor=BO,
    )


@pytest.mark.parametrize("journey", ["fi"], indirect=True)
def test_a_new_librarian_requests_a_visit_accepts_other_dates_and_tells_how_it_went(
    journey, coordinator, time_machine
):
    exchange = finnish_visit_requested(journey)
    assert exchange.state == State.AWAITING_HOME
    assert exchange.host_library.slug == "vaasan-paakirjasto"

    journey.home_supervisor_approves(EEVA, AINO, comment="Hyvä idea, mene vain!")
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOST

    proposed = (exchange.first_day + timedelta(days=7), exchange.first_day + timedelta(days=8))
    journey.host_decides(VILLE, AINO, MAIJA, proposed=proposed, comment="Viikkoa myöhemmin sopii.")
    exchange.refresh_from_db()
    assert exchange.state == State.DATES_PROPOSED

    page = journey.visitor_accepts_dates(AINO)
    expect(page.get_by_role("main")).to_contain_text(MAIJA.name)
    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert (exchange.first_day, exchange.last_day) == proposed
    assert exchange.mentor_email == MAIJA.email

    page = journey.mentor_opens_visit(MAIJA)
    expect(page.get_by_role("main")).to_contain_text(exchange.expectations)
    confirmed_to = set(
        Notification.objects.filter(exchange=exchange, kind="confirmed").values_list(
            "recipient", "language"
        )
    )
    assert {(AINO.email, "fi"), (MAIJA.email, "fi"), (VILLE.email, "fi")} <= confirmed_to

    story = "Kaksi päivää Vaasassa opetti, miten asiakasta palvellaan kahdella kielellä."
    after_the_visit(journey, time_machine, exchange, AINO, story)


@pytest.mark.parametrize("journey", ["sv"], indirect=True)
def test_a_swedish_speaking_librarian_requests_a_visit_the_host_approves_and_she_tells_how_it_went(
    journey, coordinator, time_machine
):
    exchange = swedish_visit_requested(journey)
    assert exchange.state == State.AWAITING_HOME

    journey.home_supervisor_approves(BO, STINA)
    # Siv does not know yet who will receive Stina: she approves now, names Maja from her email.
    journey.host_decides(SIV, STINA, None, comment="Välkommen!")
    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_MENTOR
    journey.host_names_mentor(SIV, MAJA)
    exchange.refresh_from_db()
    assert exchange.state == State.CONFIRMED
    assert exchange.mentor_name == MAJA.name

    page = journey.follow_email(STINA, "confirmed")
    expect(page.get_by_role("main")).to_contain_text(MAJA.name)
    expect(page.get_by_role("main")).to_contain_text("Välkommen!")
    page = journey.mentor_opens_visit(MAJA)
    expect(page.get_by_role("main")).to_contain_text(MAJA.meeting_place)
    assert set(
        Notification.objects.filter(exchange=exchange, kind="confirmed").values_list(
            "recipient", "language"
        )
    ) >= {(STINA.email, "sv"), (MAJA.email, "sv"), (SIV.email, "sv")}

    story = "Två dagar i Närpes visade hur ett litet bibliotek klarar allt med få händer."
    after_the_visit(journey, time_machine, exchange, STINA, story)


@pytest.mark.parametrize("journey", ["fi"], indirect=True)
def test_the_home_supervisor_declines_and_the_visitor_sees_the_reason(journey):
    exchange = finnish_visit_requested(journey)
    reason = "Syksyllä on liian kiireistä."

    journey.declines(EEVA, AINO, reason)
    exchange.refresh_from_db()
    assert exchange.state == State.DECLINED

    page = journey.follow_email(AINO, "declined")
    expect(page.get_by_role("main")).to_contain_text(reason)
    # The link cannot be used twice: it now says what this link decided, and when.
    page = journey.follow_email(EEVA, "decision_request")
    journey.decided(page, "You declined the exchange request of %(visitor)s", AINO)
    expect(page.get_by_role("main")).to_contain_text(
        journey.t("You answered through this link on %(when)s.").split("%")[0].strip()
    )
    assert not Notification.objects.filter(exchange=exchange, recipient=VILLE.email).exists()


@pytest.mark.parametrize("journey", ["sv"], indirect=True)
def test_the_visitor_cancels_a_confirmed_visit_and_everyone_is_told(journey):
    exchange = swedish_visit_requested(journey)
    journey.home_supervisor_approves(BO, STINA)
    journey.host_decides(SIV, STINA, MAJA)
    reason = "Jag blev sjuk."

    page = journey.visitor_cancels(STINA, reason)
    expect(page.get_by_role("main")).to_contain_text(reason)
    exchange.refresh_from_db()
    assert exchange.state == State.CANCELLED
    told = set(
        Notification.objects.filter(exchange=exchange, kind="cancelled").values_list(
            "recipient", flat=True
        )
    )
    assert {BO.email, SIV.email, MAJA.email} <= told
    # The mentor's page now says the visit is off.
    page = journey.follow_email(MAJA, "confirmed")
    expect(page.get_by_role("heading", level=1)).to_have_text(journey.t("No longer needed"))
