"""The coordinator's desk: the admin's front page says what needs action today, and each
figure links to the list of exactly those rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exchange import workflow
from exchange.models import Approval, ExchangeRequest
from libraries.models import AccessibilityFeedback
from mail.models import Notification
from tests.exchange import support
from tests.factories import ExpenseClaimFactory, LibraryFactory, StaffFactory
from tests.pages import admin_url, html

pytestmark = pytest.mark.django_db


def more_work(alice, host, *, times: int = 1):
    """Something for every line of the desk, `times` over, on Monday 2.11.2026."""
    for _round in range(times):
        visitor = StaffFactory(library=alice.library)
        late = support.submitted(
            visitor, LibraryFactory(), first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)
        )
        Approval.objects.filter(exchange=late).update(reminders_sent=1)
        stalled = support.submitted(
            visitor, LibraryFactory(), first_day=date(2026, 12, 3), last_day=date(2026, 12, 3)
        )
        Approval.objects.filter(exchange=stalled).update(reminders_sent=2, next_reminder_at=None)
        support.confirmed_visit(
            visitor,
            LibraryFactory(),
            mentor=workflow.mentor_later(),
            first_day=date(2026, 11, 10),
            last_day=date(2026, 11, 10),
        )
        ExpenseClaimFactory(exchange__visitor=visitor, state="approved")
        Notification.objects.filter(pk=late.notifications.first().pk).update(status="failed")
        AccessibilityFeedback.objects.create(
            message="Fokus ei näy.",
            page="/fi/",
            language="fi",
            created_at=timezone.now() - timedelta(days=12),
        )


def desk_items(response) -> dict[str, dict]:
    return {item["key"]: item for section in response.context["desk"] for item in section["items"]}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_figure_equals_the_rows_of_the_list_it_links_to(
    coordinator_client, programme, alice, host, language
):
    more_work(alice, host)

    front = coordinator_client.get(admin_url("index", language=language))
    items = desk_items(front)

    assert set(items) == {
        "supervisor-late",
        "stalled",
        "visits-soon",
        "mentor",
        "claims-to-decide",
        "claims-to-pay",
        "visitor-feedback",
        "host-feedback",
        "budget",
        "failed-emails",
        "accessibility",
    }
    page = html(front)
    for key, item in items.items():
        assert f'href="{item["url"]}"' in page.replace("&amp;", "&")
        if key == "budget":
            continue
        listed = coordinator_client.get(item["url"])
        assert listed.context["cl"].result_count == item["figure"] > 0, key
    assert items["supervisor-late"]["figure"] == 1
    assert items["stalled"]["figure"] == 1
    assert items["visits-soon"]["figure"] == 1
    assert items["mentor"]["figure"] == 1
    # The accessibility statement's message of two days ago is not near its deadline yet.
    assert items["accessibility"]["figure"] == 1


def test_the_budget_line_reads_the_years_approved_claims_against_the_budget(
    coordinator_client, programme
):
    programme["claim"].state = "approved"
    programme["claim"].save()
    ExchangeRequest.objects.filter(pk=programme["claim"].exchange_id).update(
        submitted_at=timezone.now() - timedelta(days=300)
    )
    total = programme["claim"].total_eur

    items = desk_items(coordinator_client.get(admin_url("index")))

    assert items["budget"]["figure"] == f"{round(total * 100 / 4000)} %"
    label = str(items["budget"]["label"])
    assert "4000,00 €" in label and f"{total:.2f}".replace(".", ",") in label
    assert items["budget"]["url"] == admin_url("feedback_yearstatistics_changelist")


def test_the_front_page_asks_the_same_number_of_queries_for_more_work(
    coordinator_client, programme, alice, host
):
    more_work(alice, host)
    coordinator_client.get(admin_url("index"))
    with CaptureQueriesContext(connection) as few:
        coordinator_client.get(admin_url("index"))

    more_work(alice, host, times=4)
    with CaptureQueriesContext(connection) as many:
        response = coordinator_client.get(admin_url("index"))

    assert desk_items(response)["stalled"]["figure"] == 5
    assert len(many) == len(few)


def test_a_staff_member_without_the_coordinators_rights_sees_no_desk(client, programme):
    helper = StaffFactory(is_staff=True, password="a-long-admin-password")
    client.force_login(helper)

    response = client.get(admin_url("index"))

    assert response.status_code == 200
    assert response.context["desk"] == []
