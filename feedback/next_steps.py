"""What is still due after a visit, for the visitor's pages: feedback and the expense claim."""

from django.db.models import Expression, F
from django.urls import reverse
from django.utils.translation import gettext as _

from exchange.models import ExchangeRequest, State
from exchange.next_steps import Action, NextStep

from .models import ClaimState


def facts() -> dict[str, Expression]:
    """What the step reads beside the exchange, annotated into the query that reads it:
    a visit has one feedback and one expense claim at the most, so a join each."""
    return {
        "feedback_id": F("feedback__id"),
        "claim_state": F("expense_claim__state"),
        "claim_rejection_reason": F("expense_claim__rejection_reason"),
    }


def _claim_note(state: str | None, rejection_reason: str | None) -> str:
    if state is None:
        return ""
    return {
        ClaimState.SUBMITTED: _("Your expense claim is waiting for the coordinator's review."),
        ClaimState.APPROVED: _("Your expense claim has been approved and goes to payment."),
        ClaimState.PAID: _("Your expense claim has been paid."),
        ClaimState.REJECTED: _("The coordinator returned your expense claim: %(reason)s")
        % {"reason": rejection_reason},
    }[state]


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


def after_the_visit(exchange: ExchangeRequest) -> NextStep:
    """The next step of a visit that is over, read with `facts`; it makes no query."""
    claim_state = exchange.claim_state
    feedback_due = exchange.feedback_id is None and exchange.state != State.CLOSED
    claim_due = claim_state is None
    correct_claim = claim_state == ClaimState.REJECTED
    actions = []
    if feedback_due:
        url = reverse("feedback:feedback-form", args=[exchange.pk])
        actions.append(Action(_("Give feedback"), url))
    claim_url = reverse("feedback:claim-form", args=[exchange.pk])
    if claim_due:
        actions.append(Action(_("Make an expense claim"), claim_url, primary=not feedback_due))
    elif correct_claim:
        actions.append(Action(_("Correct the expense claim"), claim_url, primary=not feedback_due))
    else:
        actions.append(Action(_("See the expense claim"), claim_url, primary=False))
    note = _claim_note(claim_state, exchange.claim_rejection_reason)
    return NextStep(
        _text(feedback_due, claim_due, correct_claim),
        actions,
        notes=[note] if note else [],
        for_the_visitor=feedback_due or claim_due or correct_claim,
    )
