"""The coordinator follows every exchange in the admin, cancels through the workflow, exports."""

import csv
import io
from datetime import date

import pytest

from exchange.models import ExchangeRequest, State
from libraries.models import Municipality
from mail.models import Notification
from tests.exchange.support import approved_at_home, draft, submitted
from tests.factories import LibraryFactory, MunicipalityFactory, RegionFactory
from tests.pages import admin_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def exchanges(alice, bertil, home, host):
    """Alice at Seinäjoki (Etelä-Pohjanmaa) asks Korsholm (Pohjanmaa) twice; Bertil asks Kokkola."""
    home.municipality.region = RegionFactory(
        slug="etela-pohjanmaa", name_fi="Etelä-Pohjanmaa", name_sv="Södra Österbotten"
    )
    home.municipality.save()
    kokkola = LibraryFactory(
        name_fi="Kokkolan kaupunginkirjasto",
        municipality=MunicipalityFactory(
            name_fi="Kokkola",
            region=RegionFactory(
                slug="keski-pohjanmaa", name_fi="Keski-Pohjanmaa", name_sv="Mellersta Österbotten"
            ),
            language_status=Municipality.LanguageStatus.BILINGUAL_FINNISH,
        ),
        email_domains="kokkola.fi",
    )
    return {
        "waiting": submitted(
            alice,
            host,
            first_day=date(2027, 2, 1),
            last_day=date(2027, 2, 2),
        ),
        "at_host": approved_at_home(
            alice,
            host,
            first_day=date(2027, 3, 1),
            last_day=date(2027, 3, 2),
            kind=ExchangeRequest.Kind.RECIPROCAL,
        ),
        "draft": draft(
            bertil,
            kokkola,
            first_day=date(2027, 2, 10),
            last_day=date(2027, 2, 10),
        ),
    }


def listed(response) -> set[int]:
    return {exchange.pk for exchange in response.context["cl"].result_list}


def test_the_changelist_and_a_change_page_open(coordinator_client, exchanges):
    exchange = exchanges["at_host"]

    changelist = coordinator_client.get(admin_url("exchange_exchangerequest_changelist"))
    change = coordinator_client.get(admin_url("exchange_exchangerequest_change", exchange.pk))

    assert changelist.status_code == 200
    assert listed(changelist) == {e.pk for e in exchanges.values()}
    assert change.status_code == 200
    content = change.content.decode()
    history = list(exchange.history.all())
    assert [entry.to_state for entry in history] == [State.AWAITING_HOME, State.AWAITING_HOST]
    for entry in history:
        assert entry.actor_label in content
    recipients = {notification.recipient for notification in exchange.notifications.all()}
    assert recipients == {"alice@seinajoki.fi", "eeva@seinajoki.fi", "sara.sund@korsholm.fi"}
    for recipient in recipients:
        assert recipient in content
    assert "eeva@seinajoki.fi" in content


def test_the_state_cannot_be_edited_by_hand(coordinator_client, exchanges):
    exchange = exchanges["waiting"]

    content = coordinator_client.get(
        admin_url("exchange_exchangerequest_change", exchange.pk)
    ).content.decode()

    assert 'name="state"' not in content
    assert 'name="version"' not in content
    assert 'name="first_day"' in content


def test_requests_are_not_added_in_the_admin(coordinator_client):
    assert coordinator_client.get(admin_url("exchange_exchangerequest_add")).status_code == 403


@pytest.mark.parametrize(
    "query, expected",
    [
        ("state=awaiting_home", {"waiting"}),
        ("state=draft", {"draft"}),
        ("home_region=etela-pohjanmaa", {"waiting", "at_host"}),
        ("host_region=keski-pohjanmaa", {"draft"}),
        ("kind=reciprocal", {"at_host"}),
        ("first_day__year=2027&first_day__month=3", {"at_host"}),
        ("q=alice", {"waiting", "at_host"}),
        ("q=kokkolan", {"draft"}),
    ],
)
def test_the_changelist_filters(coordinator_client, exchanges, query, expected):
    response = coordinator_client.get(admin_url("exchange_exchangerequest_changelist", query=query))

    assert response.status_code == 200
    assert listed(response) == {exchanges[name].pk for name in expected}


def test_the_library_filters_narrow_the_list(coordinator_client, exchanges):
    host = exchanges["draft"].host_library

    by_host = coordinator_client.get(
        admin_url("exchange_exchangerequest_changelist", query=f"host_library__id__exact={host.pk}")
    )
    home = exchanges["waiting"].home_library
    by_home = coordinator_client.get(
        admin_url("exchange_exchangerequest_changelist", query=f"home_library__id__exact={home.pk}")
    )

    assert listed(by_host) == {exchanges["draft"].pk}
    assert listed(by_home) == {exchanges["waiting"].pk, exchanges["at_host"].pk}


def _cancel_action(client, pks, **extra):
    return client.post(
        admin_url("exchange_exchangerequest_changelist"),
        {"action": "cancel_with_reason", "_selected_action": pks, **extra},
    )


def test_the_cancel_action_first_asks_for_a_reason(coordinator_client, exchanges):
    exchange = exchanges["waiting"]

    response = _cancel_action(coordinator_client, [exchange.pk])

    exchange.refresh_from_db()
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert exchange.state == State.AWAITING_HOME


def test_the_cancel_action_cancels_through_the_workflow(coordinator_client, coordinator, exchanges):
    waiting, at_host = exchanges["waiting"], exchanges["at_host"]
    before = Notification.objects.count()

    response = _cancel_action(
        coordinator_client, [waiting.pk, at_host.pk], apply="1", reason="Määräraha on käytetty."
    )

    assert response.status_code == 302
    for exchange in (waiting, at_host):
        exchange.refresh_from_db()
        assert exchange.state == State.CANCELLED
        last = exchange.history.last()
        assert (last.to_state, last.actor, last.comment) == (
            State.CANCELLED,
            coordinator,
            "Määräraha on käytetty.",
        )
    cancelled = Notification.objects.filter(kind="cancelled")
    assert Notification.objects.count() > before
    assert {"alice@seinajoki.fi", "eeva@seinajoki.fi", "sara.sund@korsholm.fi"} <= {
        n.recipient for n in cancelled
    }


def test_the_cancel_action_without_a_reason_changes_nothing(coordinator_client, exchanges):
    exchange = exchanges["waiting"]
    before = Notification.objects.count()

    response = _cancel_action(coordinator_client, [exchange.pk], apply="1", reason="")

    exchange.refresh_from_db()
    assert response.status_code == 200
    assert exchange.state == State.AWAITING_HOME
    assert Notification.objects.count() == before


def test_the_cancel_action_leaves_a_closed_request_alone(coordinator_client, exchanges):
    exchange = exchanges["waiting"]
    _cancel_action(coordinator_client, [exchange.pk], apply="1", reason="Ensimmäinen kerta.")
    history = exchange.history.count()

    response = _cancel_action(coordinator_client, [exchange.pk], apply="1", reason="Toinen kerta.")

    assert response.status_code == 302
    assert exchange.history.count() == history


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_the_csv_export_has_the_filtered_rows(coordinator_client, exchanges):
    response = coordinator_client.get(
        admin_url("exchange_exchangerequest_export_csv", query="home_region=etela-pohjanmaa")
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = _csv_rows(response)
    assert header[0] == "numero"
    assert {int(row[0]) for row in rows} == {exchanges["waiting"].pk, exchanges["at_host"].pk}
    waiting = next(row for row in rows if int(row[0]) == exchanges["waiting"].pk)
    assert "Alice Aalto" in waiting
    assert "Mustasaaren pääkirjasto" in waiting
    assert "2027-02-01" in waiting


def test_the_csv_export_writes_euros_as_the_other_exports_do(coordinator_client, exchanges):
    response = coordinator_client.get(admin_url("exchange_exchangerequest_export_csv"))

    header, *rows = _csv_rows(response)
    waiting = next(row for row in rows if int(row[0]) == exchanges["waiting"].pk)
    columns = dict(zip(header, waiting, strict=True))
    assert columns["majoitus, euroa"] == "89,00"
    assert columns["oma auto, kilometrit"] == "120"
    assert columns["julkinen liikenne, euroa"] == ""


def test_the_changelist_links_to_the_export_with_its_filters(coordinator_client, exchanges):
    response = coordinator_client.get(
        admin_url("exchange_exchangerequest_changelist", query="state=draft")
    )

    assert admin_url("exchange_exchangerequest_export_csv", query="state=draft") in (
        response.content.decode()
    )


def test_the_csv_action_exports_the_selected(coordinator_client, exchanges):
    response = coordinator_client.post(
        admin_url("exchange_exchangerequest_changelist"),
        {"action": "export_selected_csv", "_selected_action": [exchanges["draft"].pk]},
    )

    _header, *rows = _csv_rows(response)
    assert [int(row[0]) for row in rows] == [exchanges["draft"].pk]


def test_a_librarian_cannot_export(client, exchanges):
    client.force_login(exchanges["waiting"].visitor)

    response = client.get(admin_url("exchange_exchangerequest_export_csv"))

    assert response.status_code == 302
    assert "csv" not in response["Content-Type"]


# --- notifications ------------------------------------------------------------------------


def test_the_notifications_list_filters_and_shows_each_read_only(coordinator_client, exchanges):
    submitted_mail = Notification.objects.filter(kind="submitted").first()

    changelist = coordinator_client.get(
        admin_url("mail_notification_changelist", query="kind=submitted")
    )
    change = coordinator_client.get(admin_url("mail_notification_change", submitted_mail.pk))

    assert changelist.status_code == 200
    kinds = {n.kind for n in changelist.context["cl"].result_list}
    assert kinds == {"submitted"}
    assert change.status_code == 200
    assert 'name="subject"' not in change.content.decode()
    assert submitted_mail.subject in change.content.decode()
    assert coordinator_client.get(admin_url("mail_notification_add")).status_code == 403


def test_notifications_filter_by_status_and_date(coordinator_client, exchanges):
    Notification.objects.filter(kind="submitted").update(status=Notification.Status.SENT)
    by_status = coordinator_client.get(
        admin_url("mail_notification_changelist", query="status=sent")
    )
    by_day = coordinator_client.get(
        admin_url(
            "mail_notification_changelist",
            query="created_at__year=2027&created_at__month=1&created_at__day=11",
        )
    )
    by_other_day = coordinator_client.get(
        admin_url(
            "mail_notification_changelist",
            query="created_at__year=2027&created_at__month=1&created_at__day=12",
        )
    )

    assert {n.kind for n in by_status.context["cl"].result_list} == {"submitted"}
    assert len(by_day.context["cl"].result_list) == Notification.objects.count()
    assert len(by_other_day.context["cl"].result_list) == 0
