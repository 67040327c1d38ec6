"""The coordinator works as a staff member of the Coordinator group, not as a superuser."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from exchange.models import HistoryEntry
from feedback.models import ExpenseClaim, VisitorFeedback, YearSettings
from libraries.models import Municipality
from tests.factories import (
    ExchangeRequestFactory,
    ExpenseClaimFactory,
    LibraryFactory,
    MunicipalityFactory,
    RegionFactory,
    VisitorFeedbackFactory,
)
from tests.pages import url

pytestmark = pytest.mark.django_db


def test_the_coordinator_group_has_no_delete_permission_at_all():
    group = Group.objects.get(name="Coordinator")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert not [name for name in codenames if name.startswith("delete_")]
    assert {
        "view_exchangerequest",
        "change_exchangerequest",
        "view_notification",
        "change_visitorfeedback",
        "change_expenseclaim",
        "view_receipt",
        "add_yearsettings",
        "change_yearsettings",
        "view_yearstatistics",
        "change_library",
        "change_staff",
        "add_contactdetails",
        "add_totpdevice",
        "change_totpdevice",
    } <= codenames
    assert "change_group" not in codenames and "change_permission" not in codenames


def test_a_coordinator_can_do_the_review_tasks_without_being_a_superuser(
    coordinator_client, coordinator
):
    assert not coordinator.is_superuser
    feedback = VisitorFeedbackFactory(exchange__first_day=date(2026, 3, 2))
    claim = ExpenseClaimFactory(exchange=feedback.exchange)

    for name, kwargs in [
        ("admin:feedback_visitorfeedback_changelist", {}),
        ("admin:feedback_visitorfeedback_change", {"object_id": feedback.pk}),
        ("admin:feedback_hostfeedback_changelist", {}),
        ("admin:feedback_expenseclaim_changelist", {}),
        ("admin:feedback_expenseclaim_change", {"object_id": claim.pk}),
        ("admin:feedback_yearstatistics_changelist", {}),
        ("admin:feedback_yearsettings_add", {}),
        ("admin:exchange_exchangerequest_change", {"object_id": feedback.exchange_id}),
        ("admin:libraries_library_changelist", {}),
    ]:
        assert coordinator_client.get(url(name, **kwargs)).status_code == 200, name

    coordinator_client.post(
        url("admin:feedback_visitorfeedback_change", object_id=feedback.pk),
        {"reviewed": "on", "published": "on", "coordinator_note": "Hyvä tarina uutiskirjeeseen."},
    )
    feedback.refresh_from_db()
    assert feedback.reviewed_at is not None
    assert feedback.published_at is not None
    assert feedback.coordinator_note == "Hyvä tarina uutiskirjeeseen."

    coordinator_client.post(
        url("admin:feedback_yearsettings_add"),
        {"year": "2027", "km_rate": "0.56", "budget": "12000"},
    )
    assert YearSettings.objects.get(year=2027).km_rate == Decimal("0.56")

    coordinator_client.post(
        url("admin:feedback_expenseclaim_decide", pk=claim.pk), {"decision": "approve"}
    )
    claim.refresh_from_db()
    assert claim.state == "approved"


def test_a_coordinator_cannot_delete_history_or_feedback(coordinator_client, coordinator):
    feedback = VisitorFeedbackFactory()
    entry = HistoryEntry.objects.create(exchange=feedback.exchange, to_state="closed")

    assert not coordinator.has_perm("exchange.delete_historyentry")
    assert not coordinator.has_perm("exchange.delete_exchangerequest")
    for name, pk in [
        ("admin:feedback_visitorfeedback_delete", feedback.pk),
        ("admin:exchange_exchangerequest_delete", feedback.exchange_id),
    ]:
        assert coordinator_client.post(url(name, object_id=pk), {"post": "yes"}).status_code == 403
    assert HistoryEntry.objects.filter(pk=entry.pk).exists()
    assert VisitorFeedback.objects.filter(pk=feedback.pk).exists()


def test_a_staff_member_outside_the_group_sees_no_feedback(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(email="someone@vaasa.fi", is_staff=True))

    assert client.get(url("admin:feedback_visitorfeedback_changelist")).status_code == 403
    assert client.get(url("admin:feedback_yearstatistics_changelist")).status_code == 403
    assert client.get(url("admin:feedback_yearstatistics_csv")).status_code == 403


@pytest.fixture
def spread():
    """Feedback on visits in two years, two regions, with ratings and review states."""
    pohjanmaa = RegionFactory(slug="pohjanmaa", name_fi="Pohjanmaa")
    keski = RegionFactory(slug="keski-pohjanmaa", name_fi="Keski-Pohjanmaa")
    vaasa = LibraryFactory(name_fi="Vaasan kaupunginkirjasto", municipality__region=pohjanmaa)
    kokkola = LibraryFactory(
        name_fi="Kokkolan kaupunginkirjasto",
        municipality=MunicipalityFactory(
            region=keski, language_status=Municipality.LanguageStatus.BILINGUAL_FINNISH
        ),
    )
    rows = {
        "vaasa_2026_5": (vaasa, date(2026, 3, 2), 5, True),
        "vaasa_2025_2": (vaasa, date(2025, 9, 1), 2, False),
        "kokkola_2026_3": (kokkola, date(2026, 4, 6), 3, False),
    }
    made = {}
    for key, (host, first_day, rating, reviewed) in rows.items():
        exchange = ExchangeRequestFactory(host_library=host, state="closed", first_day=first_day)
        made[key] = VisitorFeedbackFactory(
            exchange=exchange,
            rating=rating,
            reviewed_at=timezone.now() if reviewed else None,
        )
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2026"}, {"vaasa_2026_5", "kokkola_2026_3"}),
        ({"region": "keski-pohjanmaa"}, {"kokkola_2026_3"}),
        ({"rating__exact": "2"}, {"vaasa_2025_2"}),
        ({"reviewed": "yes"}, {"vaasa_2026_5"}),
        ({"reviewed": "no"}, {"vaasa_2025_2", "kokkola_2026_3"}),
        ({"year": "2026", "reviewed": "no"}, {"kokkola_2026_3"}),
    ],
)
def test_the_feedback_list_filters(coordinator_client, spread, query, expected):
    response = coordinator_client.get(url("admin:feedback_visitorfeedback_changelist"), query)

    shown = {row.pk for row in response.context["cl"].result_list}
    assert shown == {spread[key].pk for key in expected}


def test_the_feedback_list_filters_by_host_library(coordinator_client, spread):
    kokkola = spread["kokkola_2026_3"].exchange.host_library

    response = coordinator_client.get(
        url("admin:feedback_visitorfeedback_changelist"),
        {"exchange__host_library__id__exact": kokkola.pk},
    )

    assert [row.pk for row in response.context["cl"].result_list] == [spread["kokkola_2026_3"].pk]


def test_marking_reviewed_from_the_list(coordinator_client, spread):
    coordinator_client.post(
        url("admin:feedback_visitorfeedback_changelist"),
        {"action": "mark_reviewed", "_selected_action": [f.pk for f in spread.values()]},
    )

    assert not VisitorFeedback.objects.filter(reviewed_at__isnull=True).exists()


def test_the_exchange_in_the_admin_leads_to_its_feedback_and_claim(coordinator_client):
    feedback = VisitorFeedbackFactory()
    claim = ExpenseClaimFactory(exchange=feedback.exchange)

    page = coordinator_client.get(
        url("admin:exchange_exchangerequest_change", object_id=feedback.exchange_id)
    ).content.decode()

    assert url("admin:feedback_visitorfeedback_change", object_id=feedback.pk) in page
    assert url("admin:feedback_expenseclaim_change", object_id=claim.pk) in page
    assert not ExpenseClaim.objects.exclude(pk=claim.pk).exists()


def test_a_coordinator_cannot_give_anyone_admin_rights(coordinator_client, coordinator):
    from tests.factories import StaffFactory

    person = StaffFactory(email="pekka@vaasa.fi", name="Pekka")
    change = url("admin:libraries_staff_change", object_id=person.pk)
    form = coordinator_client.get(change).context["adminform"].form

    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "email": "pekka@vaasa.fi",
            "name": "Pekka Päivitetty",
            "language": "fi",
            "library": person.library_id,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "1.1.2026",
            "date_joined_1": "10.00",
        }
    )
    coordinator_client.post(change, data)
    coordinator_client.post(
        url("admin:libraries_staff_change", object_id=coordinator.pk),
        {**data, "email": coordinator.email, "is_superuser": "on"},
    )

    person.refresh_from_db()
    coordinator.refresh_from_db()
    assert person.name == "Pekka Päivitetty"
    assert not person.is_staff and not person.is_superuser
    assert not coordinator.is_superuser
