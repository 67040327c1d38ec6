import re
from datetime import timedelta

import pytest
from django.conf import settings

from exchange import emails, workflow
from libraries.models import ContactDetails, Municipality
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import LibraryFactory, MunicipalityFactory, StaffFactory
from web.dates import visit_dates

pytestmark = pytest.mark.django_db


def test_a_swedish_speaking_supervisor_gets_the_request_in_swedish(
    alice, home, host, home_supervisor
):
    # The home supervisor has an account of her own, in which she reads Swedish.
    StaffFactory(
        email=home_supervisor.email, name=home_supervisor.name, library=home, language="sv"
    )

    support.submitted(alice, host)

    message = support.email_to("eeva@seinajoki.fi", "decision_request")
    assert message.language == "sv"
    assert message.subject == (
        "En utbytesansökan väntar på ditt godkännande: Alice Aalto, Korsholms huvudbibliotek"
    )
    assert message.body_text.startswith("Hej Eeva Esihenkilö!")
    assert "Godkänn eller avslå ansökan senast" in message.body_text
    assert f"{settings.SITE_URL}/sv/beslut/" in message.body_text
    assert '<html lang="sv">' in message.body_html
    # Alice herself still reads Finnish.
    assert support.email_to("alice@seinajoki.fi", "submitted").language == "fi"


def test_a_swedish_speaking_visitor_gets_swedish_and_so_does_their_supervisor(alice, host):
    alice.language = "sv"
    alice.save()

    support.submitted(alice, host)

    assert support.sent_to("submitted") == {"alice@seinajoki.fi": "sv"}
    assert support.sent_to("decision_request") == {"eeva@seinajoki.fi": "sv"}
    message = support.email_to("alice@seinajoki.fi", "submitted")
    assert message.subject == "Din utbytesansökan har skickats: Korsholms huvudbibliotek"


def test_a_host_contact_without_a_language_gets_the_librarys_main_language(alice):
    swedish = LibraryFactory(
        email_domains="narpes.fi",
        contact_email="kontakt@narpes.fi",
        contact_language="",
        municipality=MunicipalityFactory(
            language_status=Municipality.LanguageStatus.BILINGUAL_SWEDISH
        ),
    )
    finnish = LibraryFactory(email_domains="kauhava.fi", contact_language="")

    sv_exchange = support.approved_at_home(alice, swedish)
    fi_exchange = support.approved_at_home(
        alice,
        finnish,
        first_day=sv_exchange.first_day + timedelta(days=7),
        last_day=sv_exchange.first_day + timedelta(days=7),
    )

    assert support.pending(sv_exchange, "host").language == "sv"
    assert support.pending(fi_exchange, "host").language == "fi"
    assert support.sent_to("decision_request", sv_exchange)["kontakt@narpes.fi"] == "sv"


def test_every_message_has_a_subject_text_and_html_and_absolute_links(
    alice, host, coordinator_contact
):
    exchange = support.confirmed_visit(alice, host)
    workflow.cancel(exchange.pk, by=alice, reason="Sairastuin.")

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"submitted", "decision_request", "approved_home", "confirmed", "cancelled"}
    messages = list(Notification.objects.all())
    assert len(messages) == 14
    for message in messages:
        support.assert_both_parts(message)
        # Each message leads somewhere, in both parts, and only by a full address.
        hrefs = re.findall(r'href="([^"]+)"', message.body_html)
        assert hrefs, message.kind
        site = settings.SITE_URL
        assert all(h == site or h.startswith((site + "/", "mailto:", "tel:")) for h in hrefs), hrefs
        assert pages.links_in(message.body_text), message.kind
        assert not re.search(r"(?<![\w.:/])/(fi|sv)/", message.body_text), message.body_text


def test_the_confirmation_tells_each_person_their_part(alice, host, coordinator_contact):
    exchange = support.confirmed_visit(alice, host)

    to_visitor = support.email_to("alice@seinajoki.fi", "confirmed")
    dates = visit_dates(exchange.first_day, exchange.last_day, language="fi")
    assert to_visitor.subject == f"Vierailusi on vahvistettu: Mustasaaren pääkirjasto, {dates}"
    assert "Maja Mentor" in to_visitor.body_text
    assert "040 123 4567" in to_visitor.body_text
    assert "Personalingången, Centrumvägen 1" in to_visitor.body_text
    assert pages.link_in(to_visitor) == pages.url("exchange:request-detail", "fi", pk=exchange.pk)

    to_mentor = support.email_to("maja.mentor@korsholm.fi", "confirmed")
    assert to_mentor.language == "sv"
    assert "arbetsplatshandledare" in to_mentor.subject
    assert pages.link_in(to_mentor).startswith("/sv/handledare/")

    to_coordinator = support.email_to("kerttu@vaasa.fi", "confirmed")
    assert to_coordinator.subject == "Vaihto vahvistettu: Alice Aalto, Mustasaaren pääkirjasto"
    assert "Sinulta ei tarvita enää mitään." in to_coordinator.body_text

    # The host is done too, unless the first day's plans change: the link below is for that.
    to_host = support.email_to(exchange.host_contact_email, "confirmed")
    text = " ".join(to_host.body_text.split())
    assert to_host.language == "sv"
    assert (
        f"Utbytet är bekräftat: Alice Aalto besöker ert bibliotek "
        f"{visit_dates(exchange.first_day, exchange.last_day, language='sv')}. Du behöver inte "
        "göra något mer, om inte arrangemangen för första dagen ändras." in text
    )
    assert "Du kan komplettera eller ändra" in text


def test_no_coordinator_address_means_no_message_to_the_coordinator(alice, host):
    ContactDetails.objects.update_or_create(pk=1, defaults={"email": ""})

    support.confirmed_visit(alice, host)

    assert set(support.sent_to("confirmed")) == {
        "alice@seinajoki.fi",
        "maja.mentor@korsholm.fi",
        "eeva@seinajoki.fi",
        "sara.sund@korsholm.fi",
    }


def test_the_declined_message_gives_the_reason(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")

    workflow.decline(approval.pk, version=approval.version, reason="Vi renoverar i maj.")

    to_visitor = support.email_to("alice@seinajoki.fi", "declined")
    assert to_visitor.subject == "Vaihtohakemuksesi hylättiin: Mustasaaren pääkirjasto"
    assert "Vi renoverar i maj." in to_visitor.body_text
    to_supervisor = support.email_to("eeva@seinajoki.fi", "declined")
    assert to_supervisor.subject == (
        "Vastaanottava kirjasto hylkäsi hyväksymäsi vaihtohakemuksen: "
        "Alice Aalto, Mustasaaren pääkirjasto"
    )
    assert "Vastaanottava kirjasto hylkäsi vaihtohakemuksen" in to_supervisor.body_text
    assert "Vi renoverar i maj." in to_supervisor.body_text


def test_the_dates_proposed_message_links_to_the_visitors_exchange_page(alice, host):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    first = exchange.first_day + timedelta(days=7)

    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first + timedelta(days=1),
        mentor=personas.mentor(),
        comment="Toukokuussa on hiljaisempaa.",
    )

    message = support.email_to("alice@seinajoki.fi", "dates_proposed")
    assert visit_dates(first, first + timedelta(days=1), language="fi") in message.body_text
    assert "Toukokuussa on hiljaisempaa." in message.body_text
    assert pages.link_in(message) == pages.url("exchange:request-detail", "fi", pk=exchange.pk)


def test_text_parts_are_not_html_escaped_and_html_parts_are(alice, host):
    alice.name = "Åsa O'Brien & <Co>"
    alice.save()

    support.submitted(alice, host)

    message = support.email_to("eeva@seinajoki.fi", "decision_request")
    assert "Åsa O'Brien & <Co>" in message.subject
    assert "Åsa O'Brien & <Co>" in message.body_text
    assert "Åsa O&#x27;Brien &amp; &lt;Co&gt;" in message.body_html
    assert "<Co>" not in message.body_html


def test_a_message_is_written_once_per_exchange_version_role_and_address(alice, host):
    exchange = support.submitted(alice, host)
    approval = support.pending(exchange, "home")
    rows = Notification.objects.count()

    emails.submitted(exchange, approval)

    assert Notification.objects.count() == rows
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == {
        f"submitted:{exchange.pk}:2:visitor:alice@seinajoki.fi",
        f"decision_request:{exchange.pk}:2:home:eeva@seinajoki.fi",
    }


def test_the_visitor_and_the_mentor_get_the_visit_for_their_calendar(
    alice, host, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        exchange = support.confirmed_visit(alice, host)

    by_recipient = {message.to[0].split("<")[-1].rstrip(">"): message for message in mailoutbox}
    (name, event, mimetype) = by_recipient["alice@seinajoki.fi"].attachments[0]
    assert (name, mimetype) == ("kollega.ics", "text/calendar; method=REQUEST")
    assert f"DTSTART;VALUE=DATE:{exchange.first_day:%Y%m%d}" in event
    assert f"DTEND;VALUE=DATE:{exchange.last_day + timedelta(days=1):%Y%m%d}" in event
    assert "SUMMARY:Työntekijävaihto: Alice Aalto\\, Mustasaaren pääkirjasto" in event
    mentor_event = by_recipient["maja.mentor@korsholm.fi"].attachments[0][1]
    assert "SUMMARY:Personalutbyte: Alice Aalto\\, Korsholms huvudbibliotek" in mentor_event
    assert by_recipient["eeva@seinajoki.fi"].attachments == []
