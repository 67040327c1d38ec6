"""A completed visit, walked through feedback and claim to a published story and a paid claim.

Once for a Finnish-speaking visitor at a Swedish-speaking host, once the other way round:
each person reads their own language, and each sees and receives what is theirs.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from exchange.models import HistoryEntry, State
from feedback.models import ClaimState, ExpenseClaim, VisitorFeedback
from mail.models import Notification
from tests import personas
from tests.exchange.support import assert_both_parts, email_to, sent_to
from tests.feedback import support
from tests.pages import link_in, url

pytestmark = pytest.mark.django_db


def translated(language: str, message: str, **params) -> str:
    """The message in a language; fails when it has no translation there."""
    with translation.override(language):
        text = gettext(message)
    assert text != message or language == "en", f"no {language} translation: {message}"
    return text % params if params else text


@dataclass
class Case:
    visitor_language: str
    host_language: str
    host_contact: str
    mentor: str
    story: str
    story_language: str


def _alice_to_korsholm(time_machine):
    visitor = personas.alice(personas.seinajoki())
    visit = support.completed_visit(
        time_machine,
        visitor,
        personas.korsholm(),
        travel_car_km=180,
        accommodation_nights=1,
        accommodation_eur="89.00",
    )
    case = Case(
        visitor_language="fi",
        host_language="sv",
        host_contact="sara.sund@korsholm.fi",
        mentor="maja.mentor@korsholm.fi",
        story="Kaksi päivää Mustasaaressa opetti enemmän kuin moni koulutus.",
        story_language="fi",
    )
    return visitor, visit, case


def _bertil_to_seinajoki(time_machine):
    visitor = personas.bertil(personas.korsholm())
    visit = support.completed_visit(
        time_machine,
        visitor,
        personas.seinajoki(),
        mentor=personas.finnish_mentor(),
        travel_car_km=180,
        accommodation_nights=1,
        accommodation_eur="89.00",
    )
    case = Case(
        visitor_language="sv",
        host_language="fi",
        host_contact="seppo@seinajoki.fi",
        mentor="mikko.mentori@seinajoki.fi",
        story="Två dagar i Seinäjoki gav mig fler idéer än en hel kurs.",
        story_language="sv",
    )
    return visitor, visit, case


@pytest.mark.parametrize("arrange", [_alice_to_korsholm, _bertil_to_seinajoki])
def test_a_completed_visit_goes_from_feedback_and_claim_to_a_published_story_and_a_paid_claim(
    client, time_machine, arrange, coordinator
):
    time_machine.move_to(support.START, tick=False)
    visitor, visit, case = arrange(time_machine)
    lang = case.visitor_language
    client.force_login(visitor)

    # The visitor's exchange page leads to both forms.
    page = client.get(url("exchange:request-detail", lang, pk=visit.pk)).content.decode()
    feedback_path = url("feedback:feedback-form", lang, pk=visit.pk)
    claim_path = url("feedback:claim-form", lang, pk=visit.pk)
    assert feedback_path in page and claim_path in page

    # Feedback: a few minutes, and the visit is closed.
    form = support.feedback_form(story=case.story, story_language=case.story_language)
    response = client.post(feedback_path, form, follow=True)
    assert translated(lang, "Thank you for your feedback! The visit is now closed.") in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.state == State.CLOSED
    last = HistoryEntry.objects.filter(exchange=visit).last()
    assert (last.from_state, last.to_state, last.actor) == (State.COMPLETED, State.CLOSED, visitor)

    # The host hears back: the contact and the mentor, in their language, and only the
    # message meant for them.
    assert sent_to("feedback_message_to_host") == {
        case.host_contact: case.host_language,
        case.mentor: case.host_language,
    }
    for address in [case.host_contact, case.mentor]:
        message = email_to(address, "feedback_message_to_host")
        assert_both_parts(message)
        assert message.subject == translated(
            case.host_language,
            "A message after the visit: %(visitor)s, %(host)s",
            visitor=visitor.name,
            host=getattr(visit.host_library, f"name_{case.host_language}"),
        )
        assert "Kiitos lämpimästä vastaanotosta, Maja ja koko talo!" in message.body_text
        assert "Matkakorvausohjeet" not in message.body_text + message.body_html
    # The mentor is asked for the host's feedback, through their own link.
    mentor_message = email_to(case.mentor, "feedback_message_to_host")
    host_path = link_in(mentor_message)
    assert host_path.startswith(f"/{case.host_language}/")
    assert translated(case.host_language, "How did the visit go?") in (
        client.get(host_path).content.decode()
    )
    client.post(
        host_path, {"how_it_went": "Sujui hienosti / Det gick fint.", "would_host_again": "yes"}
    )

    # The expense claim, with the estimate beside it.
    page = client.get(claim_path).content.decode()
    assert translated(lang, "Your estimate in the request") in page
    response = support.send_claim(client, visit, follow=True, language=lang)
    assert response.status_code == 200
    claim = ExpenseClaim.objects.get(exchange=visit)
    assert claim.state == ClaimState.SUBMITTED
    assert claim.km_rate == Decimal("0.55")
    assert claim.total_eur == Decimal("197.00")  # 190 km × 0.55 € + 92.50 €
    page = response.content.decode()
    assert "197,00 €" in page
    assert translated(lang, "waiting for review").capitalize() in page

    # The coordinator reviews, publishes the story and approves the claim.
    client.force_login(coordinator)
    feedback = VisitorFeedback.objects.get(exchange=visit)
    changelist = client.get(url("admin:feedback_visitorfeedback_changelist")).content.decode()
    assert str(visit) in changelist
    change = client.get(url("admin:feedback_visitorfeedback_change", object_id=feedback.pk))
    assert "Matkakorvausohjeet olisi hyvä saada jo hakemusvaiheessa." in change.content.decode()
    hosts = client.get(url("admin:feedback_hostfeedback_changelist")).content.decode()
    assert str(visit) in hosts
    client.post(
        url("admin:feedback_visitorfeedback_changelist"),
        {"action": "publish_stories", "_selected_action": [feedback.pk]},
    )
    client.post(
        url("admin:feedback_expenseclaim_changelist"),
        {"action": "approve_claims", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    approved = email_to(visitor.email, "feedback_claim_approved")
    assert approved.language == lang
    assert_both_parts(approved)
    assert "197,00 €" in approved.body_text
    assert link_in(approved) == claim_path

    # The accounts office gets the approved claims as CSV.
    export = client.get(url("admin:feedback_expenseclaim_export_approved"))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[2] for row in rows[1:]] == [visitor.name]
    assert rows[1][-2] == "197,00"

    client.post(url("admin:feedback_expenseclaim_decide", pk=claim.pk), {"decision": "paid"})
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    paid = email_to(visitor.email, "feedback_claim_paid")
    with translation.override(lang):
        host_name = visit.host_library.name
    assert paid.subject == translated(
        lang, "Your expense claim has been paid: %(host)s", host=host_name
    )

    # Future visitors read the story in both languages, marked with its own language.
    client.logout()
    for language in ["fi", "sv"]:
        page = client.get(url("feedback:experiences", language)).content.decode()
        assert case.story in page
        assert f'lang="{case.story_language}"' in page
        with translation.override(language):
            written = "Written in Swedish" if case.story_language == "sv" else "Written in Finnish"
            assert translated(language, written) in page
            assert visit.host_library.get_absolute_url() in page
    library_page = client.get(visit.host_library.get_absolute_url()).content.decode()
    assert case.story in library_page

    # The visitor sees the claim paid.
    client.force_login(visitor)
    page = client.get(claim_path).content.decode()
    assert translated(lang, "paid").capitalize() in page
    assert Notification.objects.filter(kind__startswith="feedback_claim").count() == 2
