"""A message to the coordinator herself does not tell her to ask the coordinator; everyone
else's message still does, in their own language."""

import pytest
from django.core import mail

from mail import outbox
from tests import personas
from tests.exchange import support

pytestmark = pytest.mark.django_db

ASK = {
    "fi": "Jos jokin tässä viestissä on epäselvää, kysy koordinaattorilta.",
    "sv": "Fråga koordinatorn om något i meddelandet är oklart.",
}
SENDER = {
    "fi": "Sitä järjestää yleisten kirjastojen alueellinen kehittämistehtävä, jota hoitaa",
    "sv": "Det ordnas av de allmänna bibliotekens regionala utvecklingsuppdrag, som sköts av",
}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_coordinators_own_message_does_not_send_her_to_herself(
    alice, host, coordinator_contact, language
):
    personas.coordinator(language=language)

    support.confirmed_visit(alice, host, mentor=personas.mentor(language=language))

    to_coordinator = support.email_to(personas.COORDINATOR.email, "confirmed")
    to_mentor = support.email_to(personas.MENTOR.email, "confirmed")
    for part in (to_coordinator.body_text, to_coordinator.body_html):
        text = " ".join(part.split())
        assert SENDER[language] in text
        assert ASK[language] not in text
    for part in (to_mentor.body_text, to_mentor.body_html):
        text = " ".join(part.split())
        assert SENDER[language] in text
        assert ASK[language] in text


def test_the_coordinators_new_details_sign_the_next_messages_at_once(alice, host):
    contact = personas.coordinator_contact()
    support.confirmed_visit(alice, host, mentor=personas.mentor())
    assert contact.email in support.email_to(alice.email, "confirmed").body_text

    # The coordinator hands the programme over and edits the contact in the admin.
    contact.name, contact.email = "Kaisa Uusi", "kaisa.uusi@vaasa.fi"
    contact.save()
    day = support.weekday_ahead(60)
    later = support.confirmed_visit(
        alice, host, mentor=personas.mentor(), first_day=day, last_day=day
    )

    signed = support.email_to(alice.email, "confirmed")
    assert signed.about_id == later.pk
    assert "kaisa.uusi@vaasa.fi" in signed.body_text
    assert personas.COORDINATOR.email not in signed.body_text
    assert support.email_to("kaisa.uusi@vaasa.fi", "confirmed").about_id == later.pk


def test_a_reply_reaches_the_coordinator_but_hers_goes_nowhere_new(alice, host):
    personas.coordinator_contact()
    support.confirmed_visit(alice, host, mentor=personas.mentor())
    to_visitor = support.email_to(alice.email, "confirmed")
    to_coordinator = support.email_to(personas.COORDINATOR.email, "confirmed")

    assert outbox.deliver(to_visitor.pk) and outbox.deliver(to_coordinator.pk)

    sent = {message.to[0]: message for message in mail.outbox}
    assert sent[f'"{alice.name}" <{alice.email}>'].reply_to == [
        f'"{personas.COORDINATOR.name}" <{personas.COORDINATOR.email}>'
    ]
    assert sent[f'"{personas.COORDINATOR.name}" <{personas.COORDINATOR.email}>'].reply_to == []


def test_without_the_coordinators_address_a_reply_goes_to_the_sender(alice, host):
    support.confirmed_visit(alice, host, mentor=personas.mentor())

    assert outbox.deliver(support.email_to(alice.email, "confirmed").pk)

    assert mail.outbox[0].reply_to == []
