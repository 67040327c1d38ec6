"""A date change the workflow refuses, made in the admin, says only why and changes nothing."""

from datetime import date

import pytest
from django.contrib import messages as django_messages
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from exchange.admin import ExchangeAdminForm
from tests.exchange import support
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def visit(alice, host):
    """Alice's confirmed visit to Korsholm, 1.–2.2.2027."""
    return support.confirmed_visit(
        alice, host, first_day=date(2027, 2, 1), last_day=date(2027, 2, 2)
    )


def _change(client, exchange, language: str = "fi", **changes):
    """The coordinator saves the exchange's admin page with these fields changed."""
    path = reverse("admin:exchange_exchangerequest_change", args=[exchange.pk])
    with_language = f"/{language}{path.removeprefix('/fi')}"
    page = client.get(with_language).context
    form = page["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value is not None and key != "focus_areas"
    }
    for inline in page["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return client.post(with_language, data, follow=True)


def _said(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Ensimmäisen päivän täytyy olla tulevaisuudessa."),
        ("sv", "Den första dagen måste vara i framtiden."),
    ],
)
def test_new_dates_in_the_past_show_only_their_error_and_change_nothing(
    coordinator_client, visit, language, expected
):
    before = support.snapshot(visit)

    response = _change(
        coordinator_client,
        visit,
        language,
        first_day="2026-12-01",
        last_day="2026-12-02",
        expectations="Muutettu samalla kertaa.",
    )

    assert response.status_code == 200
    page = text(response)
    assert "onnistuneesti" not in page and "har ändrats" not in page
    assert not [said for level, said in _said(response) if level == django_messages.SUCCESS]
    assert expected in page
    assert support.snapshot(visit) == before
    visit.refresh_from_db()
    assert visit.expectations != "Muutettu samalla kertaa."
    assert not LogEntry.objects.exists()


def test_a_refusal_at_saving_time_keeps_nothing_and_says_no_success(
    coordinator_client, visit, monkeypatch
):
    """The form's check passed, but the workflow refuses when it saves (someone moved the
    request meanwhile): the page says why, nothing of the change is kept."""
    monkeypatch.setattr(ExchangeAdminForm, "clean", lambda form: form.cleaned_data)
    before = support.snapshot(visit)

    response = _change(
        coordinator_client,
        visit,
        first_day="2026-12-01",
        last_day="2026-12-02",
        expectations="Muutettu samalla kertaa.",
    )

    said = _said(response)
    assert [level for level, _ in said] == [django_messages.ERROR]
    assert "onnistuneesti" not in text(response)
    assert support.snapshot(visit) == before
    visit.refresh_from_db()
    assert visit.expectations != "Muutettu samalla kertaa."
    assert not LogEntry.objects.exists()


def test_new_dates_the_workflow_allows_are_saved_and_sent(coordinator_client, visit):
    response = _change(coordinator_client, visit, first_day="2027-02-09", last_day="2027-02-09")

    levels = [level for level, _ in _said(response)]
    assert django_messages.ERROR not in levels
    visit.refresh_from_db()
    assert (visit.first_day, visit.last_day) == (date(2027, 2, 9), date(2027, 2, 9))
    assert support.email_to("alice@seinajoki.fi", "dates_changed")


def test_the_dates_of_a_cancelled_request_stay_as_they_were(coordinator_client, alice, host):
    from exchange import workflow

    exchange = support.submitted(alice, host, first_day=date(2027, 2, 1), last_day=date(2027, 2, 2))
    workflow.cancel(exchange.pk, by=alice, reason="Suunnitelmat muuttuivat.")

    response = _change(coordinator_client, exchange, first_day="2027-03-01", last_day="2027-03-01")

    assert not [said for level, said in _said(response) if level == django_messages.SUCCESS]
    exchange.refresh_from_db()
    assert exchange.first_day == date(2027, 2, 1)
