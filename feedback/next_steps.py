"""What is still due after a visit, for the visitor's pages: feedback and the expense claim."""

from django.urls import reverse
from django.utils.translation import gettext as _

from exchange.models import ExchangeRequest, State
from exchange.next_steps import Action, NextStep

from .models import ClaimState, ExpenseClaim, VisitorFeedback


def _claim_note(claim: ExpenseClaim | None) -> str:
    if claim is None:
        return ""
    return {
        ClaimState.SUBMITTED: _("Your expense claim is waiting for the coordinator's review."),
        ClaimState.APPROVED: _("Your expense claim has been approved and goes to payment."),
        ClaimState.PAID: _("Your expense claim has been paid."),
        ClaimState.REJECTED: _("The coordinator returned your expense claim: %(reason)s")
        % {"reason": claim.rejection_reason},
    }[claim.state]


def _text(feedback_due: bool, claim_due: bool, correct_claim: bool) -> str:
    if feedback_due and claim_due:
        return _("The visit is over. Still to do: your feedback and your expense claim.")
    if feedback_due and correct_claim:
        return _(
            "The visit is over. Still to do: your feedback, and your expense claim "
            "corrected and sent again."
        )
    if feedback_due:
        return _("The visit is over. Still to do: your feedback.")
    if claim_due:
        return _("Thank you for your feedback. Still to do: your expense claim.")
    if correct_claim:
        return _(
            "Thank you for your feedback. Still to do: your expense claim corrected and sent again."
        )
    return _("All done. Thank you for taking part!")


def after_the_visit(exchanges: list[ExchangeRequest]) -> dict[int, NextStep]:
    """The next step of each visit that is over, in two queries however many there are."""
    ids = [exchange.pk for exchange in exchanges]
    with_feedback = set(
        VisitorFeedback.objects.filter(exchange_id__in=ids).values_list("exchange_id", flat=True)
    )
    claims = {
        claim.exchange_id: claim
        for claim in ExpenseClaim.objects.filter(exchange_id__in=ids).only(
            "exchange_id", "state", "rejection_reason"
        )
    }
    steps = {}
    for exchange in exchanges:
        claim = claims.get(exchange.pk)
        feedback_due = exchange.pk not in with_feedback and exchange.state != State.CLOSED
        claim_due = claim is None
        correct_claim = claim is not None and claim.state == ClaimState.REJECTED
        actions = []
        if feedback_due:
            url = reverse("feedback:feedback-form", args=[exchange.pk])
            actions.append(Action(_("Give feedback"), url))
        claim_url = reverse("feedback:claim-form", args=[exchange.pk])
        if claim_due:
            actions.append(Action(_("Make an expense claim"), claim_url, primary=not feedback_due))
        elif correct_claim:
            actions.append(
                Action(_("Correct the expense claim"), claim_url, primary=not feedback_due)
            )
        else:
            actions.append(Action(_("See the expense claim"), claim_url, primary=False))
        note = _claim_note(claim)
        steps[exchange.pk] = NextStep(
            _text(feedback_due, claim_due, correct_claim),
            actions,
            notes=[note] if note else [],
            for_the_visitor=feedback_due or claim_due or correct_claim,
        )
    return steps
