"""What the after-visit records hold about people: the visitor's feedback and story, the
host's feedback, and the expense claim with its receipts."""

from django.db import transaction
from django.utils.translation import gettext as _

from web.personal_data import PersonalData, as_row, blank, blank_log_entries, numbers

from . import pending_claims
from .models import ClaimState, ExpenseClaim, HostFeedback, Receipt, StoryConsent, VisitorFeedback

# Claims still to be handled keep their visit's data, whatever its age.
UNSETTLED_CLAIMS = [ClaimState.SUBMITTED, ClaimState.APPROVED]

FEEDBACK_TEXTS = [
    "learned",
    "take_home",
    "message_to_host",
    "message_to_coordinator",
    "coordinator_note",
]
HOST_FEEDBACK_FIELDS = ["author_name", "author_email", "how_it_went"]
CLAIM_TEXTS = ["other_travel_description", "notes", "rejection_reason", "coordinator_note"]


class AfterTheVisit(PersonalData):
    def expired(self, now, cutoff) -> dict:
        # Receipts of claims never sent are files, not rows: they go once the nightly run
        # commits (so never in a dry run), as deleted receipts' files do.
        transaction.on_commit(pending_claims.sweep)
        return {}

    def visits_on_hold(self, visit_ids) -> set[int]:
        return set(
            ExpenseClaim.objects.filter(
                exchange_id__in=visit_ids, state__in=UNSETTLED_CLAIMS
            ).values_list("exchange_id", flat=True)
        )

    def anonymise_visit(self, visit, *, now, withdraw_story) -> dict[str, int]:
        feedback = VisitorFeedback.objects.filter(exchange=visit).first()
        if feedback is not None:
            blank(feedback, FEEDBACK_TEXTS)
            if withdraw_story or not feedback.is_published:
                feedback.published_at = None
                feedback.story = ""
                feedback.story_consent = StoryConsent.NO
            elif feedback.story_consent == StoryConsent.NAMED:
                # The name is gone: the story stays, told by an anonymous visitor.
                feedback.story_consent = StoryConsent.ANONYMOUS
            feedback.save()
            blank_log_entries(VisitorFeedback, [feedback.pk])
        host_feedback = HostFeedback.objects.filter(exchange=visit).first()
        if host_feedback is not None:
            blank(host_feedback, HOST_FEEDBACK_FIELDS)
            host_feedback.save(update_fields=HOST_FEEDBACK_FIELDS)
            blank_log_entries(HostFeedback, [host_feedback.pk])
        receipts = 0
        claim = ExpenseClaim.objects.filter(exchange=visit).first()
        if claim is not None:
            blank(claim, CLAIM_TEXTS)
            claim.save(update_fields=CLAIM_TEXTS)
            receipt_ids = list(claim.receipts.values_list("pk", flat=True))
            receipts = Receipt.objects.filter(pk__in=receipt_ids).delete_with_files()
            blank_log_entries(Receipt, receipt_ids)
            blank_log_entries(ExpenseClaim, [claim.pk])
        return {"receipts": receipts}

    def visits_naming(self, email: str) -> set[int]:
        return set(
            HostFeedback.objects.filter(author_email__iexact=email).values_list(
                "exchange_id", flat=True
            )
        )

    def export_visit(self, visit, email: str, roles: list[str]) -> dict:
        item = {}
        if "visitor" in roles:
            feedback = VisitorFeedback.objects.filter(exchange=visit).first()
            claim = ExpenseClaim.objects.filter(exchange=visit).first()
            item["feedback"] = as_row(feedback) if feedback else None
            item["expense_claim"] = (
                {**as_row(claim), "receipts": [as_row(r) for r in claim.receipts.all()]}
                if claim
                else None
            )
        host_feedback = HostFeedback.objects.filter(exchange=visit).first()
        if host_feedback and ("visitor" in roles or host_feedback.author_email.lower() == email):
            item["host_feedback"] = as_row(host_feedback)
        return item

    def erasure_obstacles(self, email: str, person, visit_ids) -> list[str]:
        unsettled = ExpenseClaim.objects.filter(claimant=person, state__in=UNSETTLED_CLAIMS)
        if person and (ids := numbers(unsettled.values_list("exchange_id", flat=True))):
            return [_("Expense claims not yet paid or rejected: %(ids)s.") % {"ids": ids}]
        return []

    def erase_mentions(self, visit, email: str) -> set[str] | None:
        names = set()
        for host_feedback in HostFeedback.objects.filter(
            exchange=visit, author_email__iexact=email
        ):
            names.add(host_feedback.author_name)
            blank(host_feedback, HOST_FEEDBACK_FIELDS)
            host_feedback.save(update_fields=HOST_FEEDBACK_FIELDS)
        return names or None
