"""Two submissions or two decisions at the same moment, each in its own database connection.

The row locks make the second wait, then find the first done: one feedback, one claim,
one decision, and the emails once.
"""

from decimal import Decimal

import pytest

from exchange.models import HistoryEntry, State
from feedback import workflow
from feedback.models import ClaimState, ExpenseClaim, VisitorFeedback
from tests.exchange.support import notifications
from tests.factories import ExpenseClaimFactory
from tests.threads import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_feedback_submissions_at_once_close_the_visit_once(alice, visit):
    def give(learned):
        feedback = VisitorFeedback(
            exchange_id=visit.pk,
            rating=4,
            learned=learned,
            take_home="b",
            would_recommend=True,
            message_to_host="Kiitos!",
        )
        return lambda: workflow.give_feedback(feedback, by=alice)

    results = at_once(give("ensimmäinen"), give("toinen"))

    assert sum(isinstance(r, workflow.TransitionNotAllowed) for r in results) == 1
    assert VisitorFeedback.objects.count() == 1
    assert HistoryEntry.objects.filter(exchange=visit, to_state=State.CLOSED).count() == 1
    assert len(notifications("feedback_message_to_host")) == 2


def test_two_claims_at_once_make_one(alice, visit):
    def claim(km):
        new = ExpenseClaim(exchange_id=visit.pk, car_km=km, km_rate=Decimal("0.55"))
        return lambda: workflow.submit_claim(new, by=alice)

    results = at_once(claim(100), claim(200))

    assert sum(isinstance(r, workflow.TransitionNotAllowed) for r in results) == 1
    assert ExpenseClaim.objects.count() == 1


def test_two_approvals_at_once_tell_the_claimant_once(alice, visit, coordinator):
    claim = ExpenseClaimFactory(exchange=visit)

    results = at_once(
        lambda: workflow.approve_claim(claim.pk, by=coordinator),
        lambda: workflow.approve_claim(claim.pk, by=coordinator),
    )

    assert sum(isinstance(r, workflow.TransitionNotAllowed) for r in results) == 1
    claim.refresh_from_db()
    assert (claim.state, claim.version) == (ClaimState.APPROVED, 2)
    assert len(notifications("feedback_claim_approved")) == 1
