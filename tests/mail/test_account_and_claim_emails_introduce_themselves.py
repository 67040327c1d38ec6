"""The expense claim's answers, the sign-in link and the accessibility feedback introduce
Kollega as the exchange emails do, in the reader's language, and end with the coordinator's
contact details; the coordinator's own message is not signed off to herself and does not send
her to ask the coordinator."""

import pytest

from feedback import workflow
from feedback.models import ExpenseClaim
from mail.models import Notification
from tests import personas
from tests.exchange.support import email_to
from tests.feedback import support
from tests.mail.test_emails_introduce_themselves import PHONE, WORDS, _text
from tests.pages import url

pytestmark = pytest.mark.django_db

ASK = {
    "fi": "Jos jokin tässä viestissä on epäselvää, kysy koordinaattorilta.",
    "sv": "Fråga koordinatorn om något i meddelandet är oklart.",
}
WHY = {
    "claim": {
        "fi": "Sait tämän viestin, koska teit Kollegassa matkalaskun työntekijävaihdon "
        "vierailustasi.",
        "sv": "Du får det här meddelandet eftersom du har gjort en reseräkning i Kollega för "
        "ditt besök i personalutbytet.",
    },
    "sign_in": {
        "fi": "Sait tämän viestin, koska tähän sähköpostiosoitteeseen pyydettiin "
        "kirjautumislinkkiä Kollegaan.",
        "sv": "Du får det här meddelandet eftersom någon har begärt en inloggningslänk till "
        "Kollega för den här e-postadressen.",
    },
    "accessibility": {
        "fi": "Sait tämän viestin, koska olet työntekijävaihdon koordinaattori.",
        "sv": "Du får det här meddelandet eftersom du är koordinator för personalutbytet.",
    },
}
PAID = {
    "fi": "Matkalaskusi vierailusta",
    "sv": "Din reseräkning för besöket",
}
SIGN_IN = {
    "fi": "Joku – toivottavasti sinä – pyysi kirjautumista Kollegaan tällä sähköpostiosoitteella.",
    "sv": "Någon – förhoppningsvis du – bad om att få logga in i Kollega med den här "
    "e-postadressen.",
}
ACCESSIBILITY = {
    "fi": "Kollegan saavutettavuusselosteen lomakkeella on lähetetty palautetta.",
    "sv": "Någon har skickat respons med formuläret i Kollegas tillgänglighetsutlåtande.",
}
STATEMENT = {"fi": "/fi/saavutettavuus/", "sv": "/sv/tillganglighet/"}


@pytest.fixture
def contact(coordinator_contact):
    coordinator_contact.phone = PHONE
    coordinator_contact.save()
    return coordinator_contact


def _assert_signed_by_the_coordinator(message: Notification, language: str, why: str) -> None:
    """Who sends it and why this reader, and after the message the coordinator's sign-off
    with her name, email and phone, in both parts and in the reader's language."""
    words = WORDS[language]
    assert message.language == language, message.kind
    for part in (message.body_text, message.body_html):
        text = _text(part)
        assert _text(words["sender"]) in text, message.kind
        assert ASK[language] in text, message.kind
        assert WHY[why][language] in text, message.kind
        signed = text.index(words["sign_off"])
        for detail in (personas.COORDINATOR.name, personas.COORDINATOR.email, PHONE):
            assert text.index(detail, signed) > signed, (message.kind, detail)
        # The sign-off ends the message; what follows is the note on why and who sends it.
        assert signed < text.index(WHY[why][language]), message.kind


def _claim(client, visitor, visit) -> ExpenseClaim:
    """The visitor fills in the claim with a receipt and sends it from the check page."""
    client.force_login(visitor)
    path = url("feedback:claim-form", pk=visit.pk)
    response = client.post(path, {**support.claim_form(), "receipts": [support.pdf()]})
    client.post(response["Location"])
    return ExpenseClaim.objects.get(exchange=visit)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_claims_answers_say_who_writes_and_end_with_the_coordinator(
    client, time_machine, alice, host, coordinator, contact, language
):
    alice.language = language
    alice.save()
    visit = support.completed_visit(time_machine, alice, host)
    claim = _claim(client, alice, visit)

    workflow.reject_claim(claim.pk, by=coordinator, reason="Kuitti puuttuu / Kvittot saknas.")
    rejected = email_to(alice.email, "feedback_claim_rejected")
    claim = _claim(client, alice, visit)
    workflow.approve_claim(claim.pk, by=coordinator)
    workflow.mark_claim_paid(claim.pk, by=coordinator)

    approved = email_to(alice.email, "feedback_claim_approved")
    paid = email_to(alice.email, "feedback_claim_paid")
    for message in (rejected, approved, paid):
        _assert_signed_by_the_coordinator(message, language, "claim")
    assert "Kuitti puuttuu / Kvittot saknas." in rejected.body_text
    assert PAID[language] in paid.body_text


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_sign_in_link_says_who_writes_and_ends_with_the_coordinator(
    client, django_capture_on_commit_callbacks, alice, contact, language
):
    alice.language = language
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accounts:sign-in", language), {"email": alice.email})

    message = email_to(alice.email, "sign_in")
    _assert_signed_by_the_coordinator(message, language, "sign_in")
    assert SIGN_IN[language] in _text(message.body_text)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_accessibility_feedback_says_who_writes_but_does_not_send_her_to_herself(
    client, contact, language
):
    personas.coordinator(language=language)

    client.post(STATEMENT[language], {"message": "Linkit ovat liian vaaleita."})

    message = email_to(personas.COORDINATOR.email, "accessibility_feedback")
    assert message.language == language
    for part in (message.body_text, message.body_html):
        text = _text(part)
        assert ACCESSIBILITY[language] in text
        assert _text(WORDS[language]["sender"]) in text
        assert WHY["accessibility"][language] in text
        # Written to the coordinator: no sign-off with her own details, no "ask the coordinator".
        assert WORDS[language]["sign_off"] not in text
        assert PHONE not in text
        assert ASK[language] not in text
