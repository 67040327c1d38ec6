"""A host's closed days, hosting weekdays, public holidays and daily capacity: the request
form and the workflow refuse what the host cannot take, in the visitor's language.

Today is Monday 11 January 2027 (frozen_today). Alice asks to visit Korsholm.
"""

from datetime import date

import pytest
from django.utils import timezone

from exchange import workflow
from exchange.forms import ExchangeRequestForm
from exchange.models import ExchangeRequest, State
from libraries.models import ClosedPeriod
from mail.models import Notification
from tests import pages, personas
from tests.exchange import support
from tests.factories import LibraryFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

MONDAY = date(2027, 2, 1)


def request_form(host, first_day: date, last_day: date, **overrides) -> dict:
    return support.request_form(host, first_day, last_day, **overrides)


def refusal_on_form(client, language: str, data: dict) -> str:
    """The message beside the first day, after a refused submission that saved nothing."""
    response = client.post(pages.url("exchange:request-create", language), data)
    page = pages.html(response)
    assert not ExchangeRequest.objects.filter(visitor__email=personas.VISITOR.email).exists()
    return pages.text(page)


def another_visitor(**fields):
    """A librarian of a third library, who asks for Korsholm too."""
    return StaffFactory(library=LibraryFactory(), **fields)


@pytest.mark.parametrize(
    "language, message",
    [
        (
            "fi",
            "Mustasaaren pääkirjasto ei ota vierailijoita vastaan 2.2.2027 "
            "(inventaario: koko henkilökunta mukana). Valitse toiset päivät.",
        ),
        (
            "sv",
            "Korsholms huvudbibliotek tar inte emot besökare 2.2.2027 "
            "(inventering: hela personalen deltar). Välj andra dagar.",
        ),
    ],
)
def test_a_visit_on_a_closed_day_is_refused_with_the_reason(
    client, visitor, host, language, message
):
    ClosedPeriod.objects.create(
        library=host,
        reason="inventory",
        first_day=date(2027, 2, 2),
        last_day=date(2027, 2, 4),
        note_fi="koko henkilökunta mukana",
        note_sv="hela personalen deltar",
    )

    page = refusal_on_form(client, language, request_form(host, MONDAY, date(2027, 2, 2)))

    assert message in page
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "language, message",
    [
        (
            "fi",
            "Mustasaaren pääkirjasto ei voi ottaa enempää vierailijoita 2.2.2027: se ottaa "
            "vastaan 1 vierailijan päivässä, ja paikka on jo varattu. Valitse toiset päivät.",
        ),
        (
            "sv",
            "Korsholms huvudbibliotek har inte plats 2.2.2027: biblioteket tar emot 1 besökare "
            "om dagen, och den platsen är redan tagen. Välj andra dagar.",
        ),
    ],
)
def test_a_full_day_is_refused_and_the_place_comes_back_when_the_other_is_cancelled(
    client, visitor, host, language, message
):
    other = another_visitor()
    first = support.submitted(other, host, first_day=date(2027, 2, 2), last_day=date(2027, 2, 3))

    page = refusal_on_form(client, language, request_form(host, MONDAY, date(2027, 2, 2)))
    assert message in page

    workflow.cancel(first.pk, by=other, reason="Sairastuin.")
    response = client.post(
        pages.url("exchange:request-create", language),
        request_form(host, MONDAY, date(2027, 2, 2)),
    )
    assert response.status_code == 302
    assert ExchangeRequest.objects.get(visitor=visitor).state == State.AWAITING_HOME


def test_a_host_taking_two_a_day_takes_two_and_not_a_third(client, visitor, host):
    host.visitors_per_day = 2
    host.save()
    for _ in range(2):
        support.submitted(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)

    page = refusal_on_form(client, "fi", request_form(host, MONDAY, MONDAY))

    assert "ottaa vastaan 2 vierailijaa päivässä, ja kaikki paikat on jo varattu" in page


def test_every_submitted_request_holds_its_place_and_a_draft_or_a_declined_one_does_not(
    visitor, host
):
    """Awaiting either supervisor or confirmed: the days are held. Other dates proposed:
    the proposed days are held instead. A draft, a declined or a cancelled request: none."""
    support.draft(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)
    declined = support.submitted(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)
    approval = support.pending(declined, "home")
    workflow.decline(approval.pk, version=approval.version, reason="Ei nyt.")
    assert workflow.host_refusal(host, MONDAY, MONDAY) is None

    held = support.approved_at_home(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)
    assert workflow.host_refusal(host, MONDAY, MONDAY) is not None

    approval = support.pending(held, "host")
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 8),
        mentor=personas.mentor(),
    )
    assert workflow.host_refusal(host, MONDAY, MONDAY) is None
    assert workflow.host_refusal(host, date(2027, 2, 8), date(2027, 2, 8)) is not None

    support.confirmed_visit(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)
    assert workflow.host_refusal(host, MONDAY, MONDAY) is not None


@pytest.mark.parametrize(
    "first_day, last_day, language, message",
    [
        # A Friday and a Saturday: Korsholm hosts on weekdays.
        (
            date(2027, 2, 5),
            date(2027, 2, 6),
            "fi",
            "Mustasaaren pääkirjasto ei ota vierailijoita vastaan 6.2.2027 (lauantai).",
        ),
        (
            date(2027, 2, 5),
            date(2027, 2, 6),
            "sv",
            "Korsholms huvudbibliotek tar inte emot besökare 6.2.2027 (lördag).",
        ),
        # Easter Monday.
        (
            date(2027, 3, 29),
            date(2027, 3, 30),
            "fi",
            "29.3.2027 on pyhäpäivä (Toinen pääsiäispäivä). Valitse toiset päivät.",
        ),
        (
            date(2027, 3, 29),
            date(2027, 3, 30),
            "sv",
            "29.3.2027 är en helgdag (Annandag påsk). Välj andra dagar.",
        ),
    ],
)
def test_weekends_and_public_holidays_are_refused(
    client, visitor, host, first_day, last_day, language, message
):
    page = refusal_on_form(client, language, request_form(host, first_day, last_day))

    assert message in page


def test_a_weekday_the_host_does_not_host_is_refused(client, visitor, host):
    host.host_weekdays = "1234"
    host.save()

    page = refusal_on_form(client, "sv", request_form(host, date(2027, 2, 4), date(2027, 2, 5)))

    assert "Korsholms huvudbibliotek tar inte emot besökare 5.2.2027 (fredag)." in page


def test_a_draft_whose_days_closed_meanwhile_cannot_be_submitted(client, visitor, host):
    exchange = support.draft(visitor, host, first_day=MONDAY, last_day=date(2027, 2, 2))
    ClosedPeriod.objects.create(
        library=host, reason="renovation", first_day=MONDAY, last_day=date(2027, 2, 28)
    )
    before = support.snapshot(exchange)

    response = client.post(pages.url("exchange:request-submit", "sv", pk=exchange.pk))

    assert "tar inte emot besökare 1.2.2027 (renovering)" in pages.text(pages.html(response))
    with pytest.raises(workflow.TransitionNotAllowed, match="renovering|remontti"):
        workflow.submit(exchange.pk, by=visitor)
    assert support.snapshot(exchange) == before


def test_a_host_with_few_staff_gets_the_capacity_it_set_and_not_more(client, visitor, host):
    host.staff_size = 2
    host.visitors_per_day = 1
    host.save()
    support.submitted(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)

    page = pages.text(client.get(host.get_absolute_url()))
    assert "1 vierailija päivässä" in page
    assert "2 työntekijää" in page
    refused = refusal_on_form(client, "fi", request_form(host, MONDAY, MONDAY))
    assert "ottaa vastaan 1 vierailijan päivässä" in refused


def test_the_hosts_decision_page_shows_the_other_visits_on_those_days(client, alice, host):
    host.visitors_per_day = 2
    host.save()
    other = StaffFactory(name="Kalle Kirjanen", library=LibraryFactory(name_sv="Karleby bibliotek"))
    support.confirmed_visit(other, host, first_day=MONDAY, last_day=MONDAY)
    support.submitted(
        another_visitor(), host, first_day=date(2027, 2, 8), last_day=date(2027, 2, 8)
    )
    exchange = support.approved_at_home(alice, host, first_day=MONDAY, last_day=date(2027, 2, 2))

    page = pages.text(client.get(support.decision_link(exchange, "host")))

    assert (
        "Andra besök de här dagarna 1.2.2027: Kalle Kirjanen, Karleby bibliotek (bekräftat). "
        "Ert bibliotek tar emot 2 besökare om dagen."
    ) in page


def test_the_hosts_decision_page_counts_proposed_days_and_only_this_hosts_requests(
    client, alice, host
):
    host.visitors_per_day = 3
    host.save()
    proposed = support.approved_at_home(
        StaffFactory(name="Pia Pohjola", library=LibraryFactory()),
        host,
        first_day=date(2027, 2, 8),
        last_day=date(2027, 2, 8),
    )
    approval = support.pending(proposed, "host")
    workflow.propose_dates(
        approval.pk,
        version=approval.version,
        first_day=date(2027, 2, 2),
        last_day=date(2027, 2, 2),
        mentor=personas.mentor(),
    )
    elsewhere = StaffFactory(name="Eero Muualla", library=LibraryFactory())
    support.submitted(elsewhere, LibraryFactory(), first_day=MONDAY, last_day=MONDAY)
    exchange = support.approved_at_home(alice, host, first_day=MONDAY, last_day=date(2027, 2, 2))

    page = pages.text(client.get(support.decision_link(exchange, "host")))

    others = page.split("Andra besök de här dagarna")[1].split("Ert bibliotek")[0]
    assert others.strip().startswith("2.2.2027: Pia Pohjola")
    assert "Eero Muualla" not in others
    assert "Alice Aalto" not in others


def test_the_hosts_decision_page_says_when_no_one_else_comes(client, alice, host):
    exchange = support.approved_at_home(alice, host, first_day=MONDAY, last_day=MONDAY)

    page = pages.text(client.get(support.decision_link(exchange, "host")))

    assert (
        "Andra besök de här dagarna Inga andra. Ert bibliotek tar emot 1 besökare om dagen." in page
    )


def _days_refused_page(client, how: str, visitor, host) -> str:
    """The page after submitting a request for Monday, as a new request, as a resumed draft
    or from the draft's page."""
    data = request_form(host, MONDAY, MONDAY)
    if how == "new":
        response = client.post(pages.url("exchange:request-create"), data)
    else:
        exchange = ExchangeRequest.objects.get(visitor=visitor, state=State.DRAFT)
        if how == "resumed draft":
            response = client.post(pages.url("exchange:request-edit", pk=exchange.pk), data)
        else:
            response = client.post(pages.url("exchange:request-submit", pk=exchange.pk))
    return pages.without_csrf(pages.html(response))


@pytest.mark.parametrize("how", ["new", "resumed draft", "draft's page"])
@pytest.mark.parametrize("taken", ["the host's place", "the visitor's own days", "both"])
def test_days_refused_when_submitting_show_as_the_form_shows_them(
    client, monkeypatch, visitor, host, how, taken
):
    """A request being submitted has its days counted once, under the submission's locks; the
    visitor sees the refusal as the form shows it when it counts them itself (for a draft)."""
    if taken != "the visitor's own days":
        support.submitted(another_visitor(), host, first_day=MONDAY, last_day=MONDAY)
    if taken != "the host's place":
        support.submitted(visitor, LibraryFactory(), first_day=MONDAY, last_day=MONDAY)
    if how != "new":
        support.draft(
            visitor, host, first_day=MONDAY, last_day=MONDAY, privacy_accepted_at=timezone.now()
        )
    before = ExchangeRequest.objects.order_by("pk").values_list("pk", "state", "version")
    before = list(before)

    refused = _days_refused_page(client, how, visitor, host)
    monkeypatch.setattr(ExchangeRequestForm, "days_checked_on_submit", False)
    checked_by_the_form = _days_refused_page(client, how, visitor, host)

    assert refused == checked_by_the_form
    text = pages.text(refused)
    assert ("paikka on jo varattu" in text) == (taken != "the visitor's own days")
    assert ("Sinulla on jo avoin vaihtohakemus" in text) == (taken != "the host's place")
    assert list(ExchangeRequest.objects.order_by("pk").values_list("pk", "state", "version")) == (
        before
    )
