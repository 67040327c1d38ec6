"""A person's name is one line wherever it is typed: it goes onto pages and into the
headers of the emails Kollega writes, where a line break would start a header of its own."""

from datetime import timedelta

import pytest

from exchange import workflow
from exchange.models import ExchangeRequest
from libraries.models import AccessibilityFeedback, Staff
from tests import pages, personas
from tests.exchange import support

pytestmark = pytest.mark.django_db

ONE_LINE = {"fi": "Kirjoita nimi yhdelle riville.", "sv": "Skriv namnet på en rad."}
BREAKS = ["\n", "\r", "\r\n"]
LANGUAGES = ["fi", "sv"]


def broken(name: str, line_break: str) -> str:
    first, last = name.split(" ", 1)
    return f"{first}{line_break}Bcc: {last}"


def refused(response, language: str) -> None:
    assert response.status_code in (200, 400)
    assert ONE_LINE[language] in pages.text(response)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_break", BREAKS)
@pytest.mark.parametrize("field", ["name", "supervisor_name"])
def test_the_profile_refuses_a_name_on_two_lines(client, home, language, line_break, field):
    newcomer = Staff.objects.create_user("uusi@seinajoki.fi", language=language)
    client.force_login(newcomer)
    data = {
        "name": "Ulla Uusi",
        "library": home.pk,
        "job_title": "kirjastonhoitaja",
        "language": language,
        "supervisor_name": "Eeva Esihenkilö",
        "supervisor_email": "eeva@seinajoki.fi",
    }
    data[field] = broken(data[field], line_break)

    response = client.post(pages.url("accounts:profile", language), data)

    refused(response, language)
    newcomer.refresh_from_db()
    assert (newcomer.name, newcomer.supervisor_name, newcomer.library_id) == ("", "", None)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_break", BREAKS)
def test_the_request_form_refuses_a_host_contact_on_two_lines(
    client, visitor, host, language, line_break
):
    first = support.weekday_ahead(30)
    data = support.request_form(
        host,
        first,
        first + timedelta(days=1),
        host_contact_name=broken("Sara Saari", line_break),
        host_contact_email="sara.saari@korsholm.fi",
    )

    response = client.post(pages.url("exchange:request-create", language), data)

    refused(response, language)
    assert not ExchangeRequest.objects.exists()


def _host_page(exchange: ExchangeRequest, language: str) -> str:
    """The host's decision page in a language (the link in the email is in the host's)."""
    token = support.decision_link(exchange, "host").rstrip("/").rsplit("/", 1)[1]
    return pages.url("exchange:approval-link", language, token=token)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_break", BREAKS)
def test_the_host_refuses_a_mentor_on_two_lines(client, alice, host, language, line_break):
    exchange = support.approved_at_home(alice, host)
    before = support.snapshot(exchange)
    data = support.host_form(**{"approve-mentor_name": broken("Maja Mentor", line_break)})

    response = client.post(_host_page(exchange, language), data)

    refused(response, language)
    assert support.snapshot(exchange) == before
    assert exchange.mentor_name == ""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_break", BREAKS)
def test_the_host_refuses_a_return_visitor_on_two_lines(client, alice, host, language, line_break):
    exchange = support.approved_at_home(alice, host, kind=ExchangeRequest.Kind.RECIPROCAL)
    before = support.snapshot(exchange)
    first = support.weekday_ahead(50)
    data = support.host_form(
        **{
            "approve-return_name": broken("Bertil Berg", line_break),
            "approve-return_email": "bertil@korsholm.fi",
            "approve-return_language": "sv",
            "approve-return_first_day": first.isoformat(),
            "approve-return_last_day": (first + timedelta(days=1)).isoformat(),
        }
    )

    response = client.post(_host_page(exchange, language), data)

    refused(response, language)
    assert support.snapshot(exchange) == before
    assert not Staff.objects.filter(email="bertil@korsholm.fi").exists()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("line_break", BREAKS)
def test_accessibility_feedback_refuses_a_name_on_two_lines(client, language, line_break):
    data = {"message": "Linkit ovat liian vaaleita.", "name": broken("Ulla Uusi", line_break)}

    response = client.post(pages.url("libraries:accessibility", language), data)

    refused(response, language)
    assert not AccessibilityFeedback.objects.exists()


@pytest.mark.parametrize("character", ["\t", "\x1b", "\x85", "\u2028", "\u2029"])
def test_other_control_characters_and_line_separators_are_refused_too(client, character):
    data = {"message": "Linkit ovat liian vaaleita.", "name": f"Ulla{character}Uusi"}

    response = client.post(pages.url("libraries:accessibility", "fi"), data)

    refused(response, "fi")
    assert not AccessibilityFeedback.objects.exists()


@pytest.mark.parametrize("line_break", BREAKS)
def test_the_workflow_refuses_a_mentor_on_two_lines_from_any_path(alice, host, line_break):
    exchange = support.approved_at_home(alice, host)
    approval = support.pending(exchange, "host")
    before = support.snapshot(exchange)
    mentor = personas.mentor()
    mentor.name = broken(mentor.name, line_break)

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.approve_host(approval.pk, version=approval.version, mentor=mentor)

    assert support.snapshot(exchange) == before


@pytest.mark.parametrize("line_break", BREAKS)
def test_the_workflow_refuses_a_return_visitor_on_two_lines_from_any_path(alice, host, line_break):
    exchange = support.approved_at_home(alice, host, kind=ExchangeRequest.Kind.RECIPROCAL)
    approval = support.pending(exchange, "host")
    before = support.snapshot(exchange)
    first = support.weekday_ahead(50)
    back = workflow.ReturnVisit(
        name=broken("Bertil Berg", line_break),
        email="bertil@korsholm.fi",
        language="sv",
        first_day=first,
        last_day=first + timedelta(days=1),
    )

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.approve_host(
            approval.pk, version=approval.version, mentor=personas.mentor(), return_visit=back
        )

    assert support.snapshot(exchange) == before


def test_the_workflow_refuses_a_host_contact_on_two_lines_from_any_path(alice, host):
    exchange = support.draft(
        alice, host, host_contact_name="Sara\nSaari", host_contact_email="sara@korsholm.fi"
    )

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit(exchange.pk, by=alice)

    exchange.refresh_from_db()
    assert exchange.state == "draft"
