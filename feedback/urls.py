from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "feedback"
urlpatterns = [
    # The visitor's pages after the visit; the reminders link to these two.
    path(_("exchanges/<int:pk>/feedback/"), views.feedback_form, name="feedback-form"),
    path(_("exchanges/<int:pk>/expense-claim/"), views.claim_form, name="claim-form"),
    path(_("exchanges/<int:pk>/expense-claim/check/"), views.claim_check, name="claim-check"),
    path(_("receipts/<int:pk>/"), views.receipt_file, name="receipt"),
    # The workplace mentor's host feedback, behind the mentor's signed link.
    path(_("mentor/<str:token>/feedback/"), views.host_feedback, name="host-feedback"),
    # Public.
    path(_("experiences/"), views.experiences, name="experiences"),
]
