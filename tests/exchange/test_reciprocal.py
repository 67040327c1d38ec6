from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from exchange import workflow
from exchange.models import Approval, ExchangeRequest, State
from libraries.models import Staff
from tests import personas
from tests.exchange import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def reciprocal(alice, host):
    """Alice's reciprocal request, approved by her supervisor, waiting for Korsholm."""
    return support.approved_at_home(alice, host, kind=ExchangeRequest.Kind.RECIPROCAL)


def bertil_comes_back(first_day=None, **fields) -> workflow.ReturnVisit:
    first_day = first_day or support.weekday_ahead(50)
    fields = {
        "name": "Bertil Berg",
        "email": "Bertil@Korsholm.fi",
        "language": "sv",
        "first_day": first_day,
        "last_day": first_day + timedelta(days=1),
        **fields,
    }
    return workflow.ReturnVisit(**fields)


def return_form(**overrides) -> dict:
    first = support.weekday_ahead(50)
    data = support.host_form(
        **{
            "approve-return_name": "Bertil Berg",
            "approve-return_email": "bertil@korsholm.fi",
            "approve-return_language": "sv",
            "approve-return_first_day": first.isoformat(),
            "approve-return_last_day": (first + timedelta(days=1)).isoformat(),
        }
    )
    data.update(overrides)
    return data


def host_path(exchange) -> str:
    return support.decision_link(exchange, "host")


def test_the_host_approval_creates_the_return_visit_the_other_way_round(reciprocal, alice, host):
    approval = support.pending(reciprocal, "host")

    workflow.approve_host(
        approval.pk,
        version=approval.version,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )

    back = ExchangeRequest.objects.get(return_of=reciprocal)
    bertil = Staff.objects.get(email="bertil@korsholm.fi")
    assert (back.visitor, back.home_library, back.host_library) == (bertil, host, alice.library)
    assert (bertil.name, bertil.language, bertil.library) == ("Bertil Berg", "sv", host)
    assert back.state == State.AWAITING_HOME
    assert back.kind == ExchangeRequest.Kind.RECIPROCAL
    assert not back.needs_return_visit
    # Sara, who approved, is Bertil's supervisor here; Eeva, who approved Alice, hosts him.
    assert (back.home_supervisor_email, back.home_supervisor_language) == (
        "sara.sund@korsholm.fi",
        "sv",
    )
    assert (back.host_contact_email, back.host_contact_language) == ("eeva@seinajoki.fi", "fi")
    home_approval = back.approvals.get()
    assert (home_approval.role, home_approval.email) == ("home", "sara.sund@korsholm.fi")
    assert [e.to_state for e in back.history.all()] == ["draft", "awaiting_home"]


def test_an_existing_librarian_is_the_return_visitor_without_a_duplicate(reciprocal, bertil):
    approval = support.pending(reciprocal, "host")

    workflow.approve_host(
        approval.pk,
        version=approval.version,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )

    assert reciprocal.return_visit.visitor == bertil
    assert Staff.objects.filter(email="bertil@korsholm.fi").count() == 1


def test_a_return_visitor_whose_account_has_no_library_gets_the_host_library(
    reciprocal, host, host_contact
):
    # Bertil signed in once and never finished his profile: no library, no supervisor.
    bertil = Staff.objects.create_user("bertil@korsholm.fi", language="sv")
    approval = support.pending(reciprocal, "host")

    workflow.approve_host(
        approval.pk,
        version=approval.version,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )

    bertil.refresh_from_db()
    assert bertil.library == host
    assert (bertil.supervisor_name, bertil.supervisor_email) == (
        host_contact.name,
        host_contact.email,
    )
    back = reciprocal.return_visit
    assert (back.visitor, back.home_library, back.state) == (bertil, host, State.AWAITING_HOME)
    assert Staff.objects.filter(email__iexact="bertil@korsholm.fi").count() == 1


@pytest.mark.parametrize("step", ["approve", "propose"])
def test_the_workflow_refuses_a_return_visitor_from_outside_the_host_library(
    reciprocal, host, step
):
    approval = support.pending(reciprocal, "host")
    before = support.snapshot(reciprocal)
    outsider = bertil_comes_back(email="bertil@gmail.com")

    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        if step == "approve":
            workflow.approve_host(
                approval.pk,
                version=approval.version,
                mentor=personas.mentor(),
                return_visit=outsider,
            )
        else:
            first = reciprocal.first_day + timedelta(days=7)
            workflow.propose_dates(
                approval.pk,
                version=approval.version,
                first_day=first,
                last_day=first,
                mentor=personas.mentor(),
                return_visit=outsider,
            )

    with translation.override("fi"):
        expected = gettext("The return visitor's email address must belong to %(library)s.")
    assert refused.value.message == expected % {"library": "Mustasaaren pääkirjasto"}
    assert support.snapshot(reciprocal) == before
    assert not Staff.objects.filter(email="bertil@gmail.com").exists()


def test_the_return_visit_goes_through_its_own_approvals(reciprocal):
    approval = support.pending(reciprocal, "host")
    workflow.approve_host(
        approval.pk,
        version=approval.version,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )
    back = reciprocal.return_visit

    home = support.pending(back, "home")
    workflow.approve_home(home.pk, version=home.version)
    host = support.pending(back, "host")
    assert host.email == "eeva@seinajoki.fi"
    back = workflow.approve_host(
        host.pk,
        version=host.version,
        mentor=personas.mentor(name="Minna Mentori", email="minna@seinajoki.fi", language="fi"),
    )

    assert back.state == State.CONFIRMED
    assert not ExchangeRequest.objects.filter(return_of=back).exists()
    assert ExchangeRequest.objects.count() == 2


def test_the_host_must_name_who_comes_back(client, reciprocal):
    path = host_path(reciprocal)
    data = {k: v for k, v in return_form().items() if "return_" not in k}

    response = client.post(path, data)

    assert response.status_code == 400
    reciprocal.refresh_from_db()
    assert reciprocal.state == State.AWAITING_HOST
    assert not ExchangeRequest.objects.filter(return_of=reciprocal).exists()


def test_the_return_visitor_must_have_an_address_of_the_host_library(client, reciprocal):
    before = support.snapshot(reciprocal)

    response = client.post(
        host_path(reciprocal), return_form(**{"approve-return_email": "bertil@gmail.com"})
    )

    assert response.status_code == 400
    with translation.override("sv"):
        start = gettext("Give the work address at %(library)s (%(domains)s).").split("%")[0]
    assert start in response.content.decode()
    assert "korsholm.fi" in response.content.decode()
    assert support.snapshot(reciprocal) == before
    assert reciprocal.state == State.AWAITING_HOST


def test_the_return_visit_dates_are_checked(client, reciprocal):
    first = support.weekday_ahead(50)
    response = client.post(
        host_path(reciprocal),
        return_form(
            **{
                "approve-return_first_day": first.isoformat(),
                "approve-return_last_day": (first + timedelta(days=5)).isoformat(),
            }
        ),
    )

    assert response.status_code == 400
    with translation.override("sv"):
        assert gettext("A visit lasts at most %(days)s days.") % {"days": 5} in (
            response.content.decode()
        )


def test_the_return_visit_cannot_begin_in_year_9999(client, reciprocal):
    before = support.snapshot(reciprocal)
    response = client.post(
        host_path(reciprocal),
        return_form(
            **{
                "approve-return_first_day": "9999-12-30",
                "approve-return_last_day": "9999-12-31",
            }
        ),
    )

    assert response.status_code == 400
    with translation.override("sv"):
        assert gettext("The first day can be at most %(years)s years ahead.") % {"years": 2} in (
            response.content.decode()
        )
    assert support.snapshot(reciprocal) == before


def test_the_host_cannot_name_themselves_as_the_return_visitor(client, reciprocal):
    before = support.snapshot(reciprocal)

    response = client.post(
        host_path(reciprocal), return_form(**{"approve-return_email": "Sara.Sund+ut@korsholm.fi"})
    )

    assert response.status_code == 400
    assert "En besökare kan inte godkänna sin egen ansökan." in response.content.decode()
    assert support.snapshot(reciprocal) == before
    assert reciprocal.state == State.AWAITING_HOST


def test_the_workflow_refuses_a_reciprocal_approval_without_a_return_visitor(reciprocal):
    approval = support.pending(reciprocal, "host")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.approve_host(approval.pk, version=approval.version, mentor=personas.mentor())

    approval.refresh_from_db()
    assert approval.decision == Approval.Decision.PENDING


def test_with_other_dates_the_return_visit_starts_only_when_the_visitor_accepts(reciprocal, alice):
    approval = support.pending(reciprocal, "host")
    first = reciprocal.first_day + timedelta(days=7)
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )
    assert not ExchangeRequest.objects.filter(return_of=reciprocal).exists()

    workflow.accept_dates(reciprocal.pk, by=alice)

    back = ExchangeRequest.objects.get(return_of=reciprocal)
    assert back.state == State.AWAITING_HOME
    assert back.home_supervisor_email == "sara.sund@korsholm.fi"


def test_refused_dates_start_no_return_visit(reciprocal, alice):
    approval = support.pending(reciprocal, "host")
    first = reciprocal.first_day + timedelta(days=7)
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=first,
        last_day=first,
        mentor=personas.mentor(),
        return_visit=bertil_comes_back(),
    )

    workflow.refuse_dates(reciprocal.pk, by=alice, reason="En pääse.")

    assert not ExchangeRequest.objects.filter(return_of=reciprocal).exists()
    assert not Staff.objects.filter(email="bertil@korsholm.fi").exists()
