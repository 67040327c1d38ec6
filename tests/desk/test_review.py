"""Review as a workflow: feedback with its excerpt and a mark, a library's feedback from all
its visits in one place, claims decided with buttons, and the payment list."""

import csv
import io
from datetime import date

import pytest

from feedback.models import ExpenseClaim, VisitorFeedback
from tests.factories import ExpenseClaimFactory, VisitorFeedbackFactory
from tests.pages import admin_url, html

pytestmark = pytest.mark.django_db


def test_the_feedback_list_shows_rating_excerpt_and_whether_reviewed(coordinator_client, programme):
    page = html(coordinator_client.get(admin_url("feedback_visitorfeedback_changelist")))

    assert "Satutuntien rakenteen ja kirjastoauton reittisuunnittelun." in page
    assert "column-rating" in page and "column-excerpt" in page and "column-is_reviewed" in page

    response = coordinator_client.post(
        admin_url("feedback_visitorfeedback_changelist"),
        {"action": "mark_reviewed", "_selected_action": [programme["feedback"].pk]},
    )
    assert response.status_code == 302
    assert VisitorFeedback.objects.get(pk=programme["feedback"].pk).reviewed_at is not None


def test_a_librarys_page_gathers_the_feedback_of_all_its_visits(
    coordinator_client, programme, host
):
    other = VisitorFeedbackFactory(
        exchange__host_library=host,
        exchange__first_day=date(2025, 9, 1),
        exchange__last_day=date(2025, 9, 1),
        learned="Kirjastoauton aikataulut ja pysäkit.",
        rating=5,
    )

    page = html(coordinator_client.get(admin_url("libraries_library_change", host.pk)))

    assert "Satutuntien rakenteen" in page
    assert "Kirjastoauton aikataulut ja pysäkit." in page
    assert admin_url("feedback_visitorfeedback_change", other.pk) in page
    assert "Ett fint besök." in page  # the host's own feedback
    assert "2 vierailijan palautetta, arvosana keskimäärin 4,5 / 5." in page


def test_a_claim_is_decided_with_buttons_on_its_page(coordinator_client, programme):
    claim = programme["claim"]
    path = admin_url("feedback_expenseclaim_change", claim.pk)

    page = html(coordinator_client.get(path))
    assert 'class="decision-button decision-approve">Hyväksy</button>' in page
    assert admin_url("feedback_expenseclaim_reject", claim.pk) in page

    coordinator_client.post(
        admin_url("feedback_expenseclaim_decide", claim.pk), {"decision": "approve"}
    )
    assert ExpenseClaim.objects.get(pk=claim.pk).state == "approved"
    page = html(coordinator_client.get(path))
    assert 'value="paid" class="decision-button decision-approve">Merkitse maksetuksi' in page


def test_the_payment_list_has_the_approved_claims_not_yet_paid(coordinator_client, programme):
    approved = ExpenseClaimFactory(state="approved")
    ExpenseClaimFactory(state="paid")
    ExpenseClaimFactory(state="submitted")

    response = coordinator_client.get(admin_url("feedback_expenseclaim_export_approved"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [int(row[0]) for row in rows[1:]] == [approved.pk]
    listing = html(coordinator_client.get(admin_url("feedback_expenseclaim_changelist")))
    assert "Maksulista: hyväksytyt, maksamattomat matkalaskut (CSV)" in listing
