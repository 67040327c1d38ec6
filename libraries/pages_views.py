"""The accessibility statement with its feedback form, and the privacy notice."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mail import outbox
from web.security import rate_limit

from .models import (
    ACCESSIBILITY_ANSWER_WITHIN,
    AccessibilityFeedback,
    ContactDetails,
    LegalDetails,
    Staff,
)
from .pages_forms import AccessibilityFeedbackForm

# When the statement was last reviewed against the service; update it with the statement.
STATEMENT_REVIEWED = date(2026, 11, 25)


@require_http_methods(["GET", "POST"])
@rate_limit("accessibility-feedback")
def accessibility(request):
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            feedback = form.save(commit=False)
            feedback.language = get_language()
            feedback.save()
            _tell_coordinator(feedback)
        messages.success(
            request, _("Thank you for your feedback. The coordinator has received it.")
        )
        return redirect(reverse("libraries:accessibility") + "#feedback")
    context = {
        "form": form,
        "contact": ContactDetails.objects.first(),
        "legal": LegalDetails.objects.first(),
        "answer_days": ACCESSIBILITY_ANSWER_WITHIN.days,
        "reviewed": STATEMENT_REVIEWED,
    }
    return render(request, "libraries/pages/accessibility.html", context)


def _tell_coordinator(feedback: AccessibilityFeedback) -> None:
    """Email the message to the coordinator, when Kollega knows their address."""
    contact = ContactDetails.load()
    if not contact.email:
        return
    staff = Staff.objects.filter(email__iexact=contact.email).first()
    outbox.enqueue(
        kind="accessibility_feedback",
        recipient=outbox.Recipient(
            email=contact.email,
            name=contact.name,
            language=staff.language if staff else "fi",
        ),
        dedupe_key=f"accessibility_feedback:{feedback.pk}",
        context={
            "feedback": feedback,
            "answer_due": feedback.answer_due,
            "admin_url": outbox.absolute_url(
                reverse("admin:libraries_accessibilityfeedback_change", args=[feedback.pk])
            ),
        },
    )


def privacy(request):
    context = {
        "contact": ContactDetails.objects.first(),
        "legal": LegalDetails.objects.first(),
        "anonymised_after_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
    }
    return render(request, "libraries/pages/privacy.html", context)
