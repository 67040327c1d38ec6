"""The accessibility statement's feedback form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.names import single_line

from .models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["message", "page", "name", "email"]
        labels = {
            "message": _("Your message"),
            "page": _("Which page is it about? (optional)"),
            "name": _("Your name (optional)"),
            "email": _("Your email address (optional)"),
        }
        help_texts = {
            "message": _("Tell us what did not work, or what you could not reach."),
            "page": _("The page's name or address."),
            "email": _("Give it if you want an answer."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 5}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "message": {"required": _("Write your message.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(single_line)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
