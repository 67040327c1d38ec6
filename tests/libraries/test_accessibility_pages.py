"""The accessibility statement with its feedback channel, the privacy notice, and the
coordinator's view of accessibility feedback that waits for an answer."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from libraries.models import AccessibilityFeedback, ContactDetails, LegalDetails
from mail.models import Notification
from tests import pages
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

STATEMENT = {"fi": "/fi/saavutettavuus/", "sv": "/sv/tillganglighet/"}
PRIVACY = {"fi": "/fi/tietosuoja/", "sv": "/sv/dataskydd/"}


def test_statement_follows_the_finnish_model(client, coordinator_contact):
    html = pages.html(client.get(STATEMENT["fi"]))

    assert "<h1>Saavutettavuusseloste</h1>" in html
    assert "(306/2019)" in html
    assert "Digipalvelun saavutettavuuden tila" in html
    assert "täyttää WCAG 2.1 -ohjeiden AA-tason saavutettavuusvaatimukset osittain" in html
    assert "Ei-saavutettava sisältö" in html
    assert "Tämä seloste on laadittu 25.11.2026." in html
    assert "Koordinaattori vastaa 14 päivän kuluessa." in html
    assert 'href="mailto:kerttu@vaasa.fi"' in html
    assert "Liikenne- ja viestintävirasto Traficom, saavutettavuusvalvonta" in html
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in html
    assert "tillganglighetskrav" not in html
    assert 'name="message"' in html


def test_statement_in_swedish(client, coordinator_contact):
    html = pages.html(client.get(STATEMENT["sv"]))

    assert "<h1>Tillgänglighetsutlåtande</h1>" in html
    assert "lagen om tillhandahållande av digitala tjänster (306/2019)" in html
    assert "uppfyller delvis tillgänglighetskraven i WCAG 2.1 på nivå AA" in html
    assert "Koordinatorn svarar inom 14 dagar." in html
    assert "tillsynsmyndigheten för tillgänglighet" in html
    assert "Vasa stadsbibliotek" in html
    # The authority in Swedish, with a link to its Swedish pages.
    assert "Transport- och kommunikationsverket Traficom, tillgänglighetstillsynen" in html
    assert 'href="https://www.tillganglighetskrav.fi/"' in html
    assert "saavutettavuusvaatimukset" not in html


def test_feedback_is_stored_and_emailed_to_the_coordinator(client, coordinator_contact):
    response = client.post(
        STATEMENT["sv"],
        {
            "message": "Kalendern går inte att använda med skärmläsare.",
            "page": "Ny utbytesansökan",
            "name": "Stina Sidvik",
            "email": "Stina@Jakobstad.fi",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == STATEMENT["sv"] + "#feedback"
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.name, feedback.email, feedback.page, feedback.language) == (
        "Stina Sidvik",
        "stina@jakobstad.fi",
        "Ny utbytesansökan",
        "sv",
    )
    assert feedback.answered_at is None
    message = Notification.objects.get(kind="accessibility_feedback")
    assert message.recipient == "kerttu@vaasa.fi"
    assert message.language == "fi"
    assert message.subject == "Saavutettavuuspalaute Kollegasta"
    assert "Kalendern går inte att använda med skärmläsare." in message.body_text
    due = (feedback.created_at + timedelta(days=14)).astimezone(timezone.get_current_timezone())
    assert f"viimeistään {due:%-d.%-m.%Y}" in message.body_text
    assert f"/admin/libraries/accessibilityfeedback/{feedback.pk}/change/" in message.body_text
    assert "&lt;" not in message.body_text
    page = pages.html(client.get(response["Location"]))
    assert "Tack för din respons. Koordinatorn har fått den." in page


def test_feedback_email_is_in_the_coordinators_own_language(client, coordinator_contact):
    StaffFactory(email="kerttu@vaasa.fi", library=None, language="sv")

    client.post(STATEMENT["fi"], {"message": "Linkit ovat liian vaaleita."})

    message = Notification.objects.get(kind="accessibility_feedback")
    assert message.language == "sv"
    assert message.subject == "Respons om Kollegas tillgänglighet"


def test_feedback_without_a_coordinator_address_is_stored_without_an_email(client):
    ContactDetails.objects.update_or_create(pk=1, defaults={"name": "Kerttu", "email": ""})

    response = client.post(STATEMENT["fi"], {"message": "Kontrasti on heikko."})

    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().message == "Kontrasti on heikko."
    assert not Notification.objects.exists()


def test_feedback_needs_a_message_and_a_valid_address_if_one_is_given(client):
    response = client.post(STATEMENT["fi"], {"message": "  ", "email": "not-an-address"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'href="#id_message"' in html
    assert "Kirjoita viestisi." in html
    assert 'href="#id_email"' in html
    assert not AccessibilityFeedback.objects.exists()


def test_privacy_notice_says_what_is_kept_why_who_sees_it_and_for_how_long(
    client, coordinator_contact
):
    html = pages.html(client.get(PRIVACY["fi"]))

    assert "<h1>Tietosuojaseloste</h1>" in html
    assert "Rekisterinpitäjä on Vaasan kaupunki, joka hoitaa" in html
    assert "Y-tunnus 0209602-6" in html
    assert "PL 3, 65101 Vaasa" in html
    assert "<h3" in html and "Tietosuojavastaava</h3>" in html
    assert 'href="mailto:tietosuojavastaava@vaasa.fi"' in html
    assert "Vaasan kaupunginkirjasto" in html
    assert "Mitä tietoja Kollega tallentaa" in html
    assert "Miksi tietoja käsitellään" in html
    assert "(1492/2016)" in html
    assert "Kuka tietoja näkee" in html
    assert "anonymisoidaan 24 kuukauden kuluttua vierailun päättymisestä" in html
    assert "tietosuojavaltuutetun" in html
    assert 'href="https://tietosuoja.fi/"' in html


def test_privacy_notice_in_swedish(client):
    html = pages.html(client.get(PRIVACY["sv"]))

    assert "<h1>Dataskyddsbeskrivning</h1>" in html
    assert "anonymiseras 24 månader efter att besöket har avslutats" in html
    assert "dataombudsmannens byrå" in html
    assert "Personuppgiftsansvarig är Vasa stad, som sköter" in html
    assert "FO-nummer 0209602-6" in html
    assert "PB 3, 65101 Vasa" in html
    assert 'href="mailto:tietosuojavastaava@vaasa.fi"' in html
    assert "Dataombudsmannens byrå" in html
    assert 'href="https://tietosuoja.fi/sv"' in html


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_page_links_to_the_statement_and_the_privacy_notice(client, language):
    for page in [f"/{language}/", STATEMENT[language], PRIVACY[language]]:
        html = pages.html(client.get(page))
        footer = html.split("<footer", 1)[1]
        assert f'href="{STATEMENT[language]}"' in footer
        assert f'href="{PRIVACY[language]}"' in footer


def test_request_form_links_its_privacy_text_to_the_privacy_notice(client):
    visitor = StaffFactory()
    client.force_login(visitor)

    html = pages.html(client.get("/fi/vaihdot/uusi/"))

    assert f'<a href="{PRIVACY["fi"]}">Lue koko tietosuojaseloste.</a>' in html
    # The same retention period as the privacy notice, from the same setting.
    assert "anonymisoidaan 24 kuukauden kuluttua vierailusi päättymisestä" in html


def test_the_coordinator_edits_the_controller_and_the_authorities(coordinator_client, client):
    details = LegalDetails.objects.get()
    change = f"/fi/admin/libraries/legaldetails/{details.pk}/change/"
    form = pages.form_fields(pages.html(coordinator_client.get(change)))
    form.update(
        {
            "dpo_name": "Tiina Tietosuoja",
            "accessibility_authority_email": "saavutettavuus@example.fi",
            "accessibility_authority_website_sv": "https://www.tillganglighetskrav.fi/sv/",
        }
    )

    assert coordinator_client.post(change, form).status_code == 302

    details.refresh_from_db()
    assert details.dpo_name == "Tiina Tietosuoja"
    assert "Tiina Tietosuoja" in pages.html(client.get(PRIVACY["fi"]))
    swedish = pages.html(client.get(STATEMENT["sv"]))
    assert 'href="mailto:saavutettavuus@example.fi"' in swedish
    assert 'href="https://www.tillganglighetskrav.fi/sv/"' in swedish
    assert coordinator_client.get("/fi/admin/libraries/legaldetails/").status_code == 302
    assert coordinator_client.get("/fi/admin/libraries/legaldetails/add/").status_code == 403


def test_without_the_details_the_legal_pages_still_say_who_answers(client):
    LegalDetails.objects.all().delete()

    html = pages.html(client.get(PRIVACY["fi"]))
    assert "Rekisterinpitäjä on kaupunki, joka hoitaa" in html
    assert pages.html(client.get(STATEMENT["sv"]))


def _feedback(days_ago: int, **fields) -> AccessibilityFeedback:
    return AccessibilityFeedback.objects.create(
        message=f"Viesti {days_ago} päivää sitten",
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def test_overdue_means_unanswered_for_14_days():
    late = _feedback(15)
    _feedback(13)
    _feedback(20, answered_at=timezone.now())

    assert list(AccessibilityFeedback.objects.overdue()) == [late]
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert AccessibilityFeedback.objects.overdue().count() == 2


def test_admin_highlights_and_filters_the_feedback_not_answered_in_14_days(coordinator_client):
    late = _feedback(15)
    fresh = _feedback(3)
    answered = _feedback(30, answered_at=timezone.now(), answer_note="Vastattu sähköpostilla.")
    base = "/fi/admin/libraries/accessibilityfeedback/"

    html = pages.html(coordinator_client.get(base))
    assert html.count('class="overdue"') == 1
    assert "myöhässä" in html

    overdue = pages.html(coordinator_client.get(base + "?answer=overdue"))
    assert late.message in overdue
    assert fresh.message not in overdue and answered.message not in overdue
    waiting = pages.html(coordinator_client.get(base + "?answer=waiting"))
    assert late.message in waiting and fresh.message in waiting
    assert answered.message not in waiting


def test_coordinator_marks_feedback_answered(coordinator_client):
    late = _feedback(15)

    response = coordinator_client.post(
        "/fi/admin/libraries/accessibilityfeedback/",
        {"action": "mark_answered", "_selected_action": [late.pk]},
    )

    assert response.status_code == 302
    late.refresh_from_db()
    assert late.answered_at is not None
    assert not AccessibilityFeedback.objects.overdue().exists()
