"""Every step after the visit: feedback, host feedback, expense claims and their review.

As in exchange.workflow, every step is one transaction that locks the row, checks the
state, changes it and writes its emails to the outbox, so a second click, a second tab or
a second coordinator changes nothing.

An expense claim:

    submitted ─approve→ approved ─mark paid→ paid
        └──reject→ rejected ─the claimant corrects it→ submitted
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange import workflow
from exchange.models import ExchangeRequest, State
from exchange.workflow import TransitionNotAllowed
from libraries.models import Staff

from . import emails
from .models import ClaimState as S
from .models import ExpenseClaim, HostFeedback, Receipt, VisitorFeedback


def visit_is_over(exchange: ExchangeRequest) -> bool:
    """Completed (or closed by feedback), or confirmed with its last day past.

    The hourly sweep completes a confirmed visit after its last day; a visitor who comes
    before the sweep is not turned away.
    """
    if exchange.has_taken_place:
        return True
    return (
        exchange.state == State.CONFIRMED
        and exchange.last_day is not None
        and exchange.last_day < timezone.localdate()
    )


def _lock_visit(exchange_id: int) -> ExchangeRequest:
    try:
        return ExchangeRequest.objects.select_for_update().get(pk=exchange_id)
    except ExchangeRequest.DoesNotExist:
        raise TransitionNotAllowed(_("This exchange request does not exist.")) from None


# --- feedback ------------------------------------------------------------------------


def give_feedback(feedback: VisitorFeedback, *, by: Staff) -> VisitorFeedback:
    """The visitor's feedback (unsaved, as the form left it) closes the visit.

    The message to the host goes to the host's exchange contact and the mentor.
    """
    with transaction.atomic():
        exchange = _lock_visit(feedback.exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can give feedback on this visit."))
        if VisitorFeedback.objects.filter(exchange=exchange).exists():
            raise TransitionNotAllowed(_("You have already given feedback on this visit."))
        if not visit_is_over(exchange):
            raise TransitionNotAllowed(_("Feedback can be given once the visit is over."))
        if exchange.state == State.CONFIRMED:
            workflow.complete(exchange.pk)
        workflow.close(exchange.pk, by=by)
        feedback.exchange = ExchangeRequest.objects.with_related().get(pk=exchange.pk)
        feedback.published_at = None
        feedback.reviewed_at = None
        feedback.save()
        emails.message_to_host(feedback)
        return feedback


def give_host_feedback(host_feedback: HostFeedback) -> HostFeedback:
    """The mentor's feedback for the host library: once per visit, after the visit."""
    with transaction.atomic():
        exchange = _lock_visit(host_feedback.exchange_id)
        if not visit_is_over(exchange):
            raise TransitionNotAllowed(_("Feedback can be given once the visit is over."))
        if HostFeedback.objects.filter(exchange=exchange).exists():
            raise TransitionNotAllowed(_("The host library's feedback has been given already."))
        host_feedback.save()
        return host_feedback


def publish_story(feedback_id: int) -> VisitorFeedback:
    """Put the story on the experiences page; only a story the visitor allowed."""
    with transaction.atomic():
        feedback = VisitorFeedback.objects.select_for_update().get(pk=feedback_id)
        if not feedback.can_be_published:
            raise TransitionNotAllowed(_("The visitor did not allow this story to be published."))
        if feedback.published_at is None:
            feedback.published_at = timezone.now()
            feedback.save(update_fields=["published_at"])
        return feedback


def unpublish_story(feedback_id: int) -> VisitorFeedback:
    with transaction.atomic():
        feedback = VisitorFeedback.objects.select_for_update().get(pk=feedback_id)
        feedback.published_at = None
        feedback.save(update_fields=["published_at"])
        return feedback


# --- expense claims --------------------------------------------------------------------


def _lock_claim(claim_id: int) -> ExpenseClaim:
    try:
        return (
            ExpenseClaim.objects.select_for_update()
            .select_related("claimant", "exchange__host_library", "exchange__home_library")
            .get(pk=claim_id)
        )
    except ExpenseClaim.DoesNotExist:
        raise TransitionNotAllowed(_("This expense claim does not exist.")) from None


def _require_claim_state(claim: ExpenseClaim, *states: str) -> None:
    if claim.state not in states:
        raise TransitionNotAllowed(
            _("This step is no longer possible: the claim is now “%(state)s”.")
            % {"state": claim.get_state_display()}
        )


def _save_receipts(claim: ExpenseClaim, uploads, kinds: list[str]) -> None:
    for upload, kind in zip(uploads, kinds, strict=True):
        Receipt.objects.create(
            claim=claim,
            file=upload,
            original_name=upload.name[:255],
            content_type=kind,
            size=upload.size,
        )


def submit_claim(claim: ExpenseClaim, *, by: Staff, uploads=(), kinds=()) -> ExpenseClaim:
    """A new claim, or a rejected one corrected, goes to the coordinator for review.

    ``claim`` is the unsaved new claim or the corrected rejected one, as the form left it.
    """
    with transaction.atomic():
        exchange = _lock_visit(claim.exchange_id)
        if exchange.visitor_id != by.pk:
            raise TransitionNotAllowed(_("Only the visitor can claim the costs of this visit."))
        if not visit_is_over(exchange):
            raise TransitionNotAllowed(_("The costs can be claimed once the visit is over."))
        existing = ExpenseClaim.objects.select_for_update().filter(exchange=exchange).first()
        if existing is None:
            if claim.pk is not None:
                raise TransitionNotAllowed(_("This expense claim does not exist."))
            claim.claimant = by
            claim.state = S.SUBMITTED
            claim.submitted_at = timezone.now()
            claim.save()
        else:
            if claim.pk != existing.pk:
                raise TransitionNotAllowed(
                    _("You have already made an expense claim for this visit.")
                )
            _require_claim_state(existing, S.REJECTED)
            claim.state = S.SUBMITTED
            claim.version = existing.version + 1
            claim.submitted_at = timezone.now()
            claim.decided_at = None
            claim.decided_by = None
            claim.save()
        _save_receipts(claim, uploads, list(kinds))
        return claim


def approve_claim(claim_id: int, *, by: Staff) -> ExpenseClaim:
    """submitted → approved: the claimant is told the claim goes to payment."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        _require_claim_state(claim, S.SUBMITTED)
        _decide_claim(claim, S.APPROVED, by)
        emails.claim_approved(claim)
        return claim


def reject_claim(claim_id: int, *, by: Staff, reason: str) -> ExpenseClaim:
    """submitted → rejected with a reason; the claimant may correct the claim and send it again."""
    if not reason.strip():
        raise TransitionNotAllowed(_("Give a reason for rejecting."))
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        _require_claim_state(claim, S.SUBMITTED)
        claim.rejection_reason = reason.strip()
        _decide_claim(claim, S.REJECTED, by, "rejection_reason")
        emails.claim_rejected(claim)
        return claim


def mark_claim_paid(claim_id: int, *, by: Staff) -> ExpenseClaim:
    """approved → paid."""
    with transaction.atomic():
        claim = _lock_claim(claim_id)
        _require_claim_state(claim, S.APPROVED)
        claim.paid_at = timezone.now()
        claim.state = S.PAID
        claim.version += 1
        claim.save(update_fields=["state", "version", "paid_at"])
        emails.claim_paid(claim)
        return claim


def _decide_claim(claim: ExpenseClaim, state: str, by: Staff, *fields: str) -> None:
    claim.state = state
    claim.version += 1
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.save(update_fields=["state", "version", "decided_at", "decided_by", *fields])
