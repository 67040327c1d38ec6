from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from web import personal_data

        from .personal_data import AfterTheVisit

        personal_data.register(AfterTheVisit())

        from mail.kinds import name_kinds

        name_kinds(
            {
                "feedback_message_to_host": _("visitor's message to the host library"),
                "feedback_claim_approved": _("expense claim approved"),
                "feedback_claim_rejected": _("expense claim rejected"),
                "feedback_claim_paid": _("expense claim paid"),
            }
        )

        from exchange import costs, next_steps, reminders
        from libraries import public_pages

        from . import models
        from .next_steps import after_the_visit, facts
        from .views import library_stories

        # Published stories show on their host library's page.
        public_pages.watch("feedback.VisitorFeedback")
        public_pages.add_library_section(library_stories)
        # The supervisors' pages total the estimate with the year's kilometre rate.
        costs.provide_km_rate(models.YearSettings.km_rate_for)
        # The reminder sweep asks whether the visitor has given feedback and claimed costs.
        reminders.provide_after_the_visit(
            reminders.AfterTheVisit(
                has_feedback=models.has_feedback, has_expense_claim=models.has_expense_claim
            )
        )
        # The visitor's pages ask what is still due after the visit.
        next_steps.provide_after_the_visit(after_the_visit, facts)

        from libraries import signin

        signin.provide_reason(
            "feedback:feedback-form", _("To give feedback on your visit, sign in.")
        )
        for name in ["feedback:claim-form", "feedback:claim-check"]:
            signin.provide_reason(name, _("To make the expense claim of your visit, sign in."))
