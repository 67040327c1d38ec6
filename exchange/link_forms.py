"""Forms on the supervisors' decision pages (people without an account, behind a signed link)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from libraries.models import Language
from web.date_fields import DayField
from web.mailboxes import same_mailbox
from web.names import single_line

from .models import ExchangeRequest
from .workflow import OWN_APPROVAL, MentorDetails, ReturnVisit, visit_date_errors


def check_visit_dates(form: forms.Form, first_field: str, last_field: str) -> None:
    """Add the workflow's errors on a visit's dates to the form's two date fields."""
    fields = {"first_day": first_field, "last_day": last_field}
    errors = visit_date_errors(
        form.cleaned_data.get(first_field), form.cleaned_data.get(last_field)
    )
    for day, error in errors.items():
        form.add_error(fields[day], error)


class HomeApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the visitor (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        help_text=_("The visitor sees this reason."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for declining.")},
    )


class HostDecisionForm(forms.Form):
    """The host approves the dates asked for, or proposes others; either way names the mentor."""

    APPROVE = "approve"
    PROPOSE = "propose"

    dates = forms.ChoiceField(
        label=_("Dates"),
        choices=[
            (APPROVE, _("The visitor is welcome on the dates asked for")),
            (PROPOSE, _("Propose other dates")),
        ],
        initial=APPROVE,
        widget=forms.RadioSelect,
    )
    first_day = DayField(label=_("Proposed first day"), required=False)
    last_day = DayField(label=_("Proposed last day"), required=False)

    mentor_name = forms.CharField(
        label=_("Workplace mentor's name"), max_length=200, validators=[single_line]
    )
    mentor_email = forms.EmailField(label=_("Workplace mentor's email"))
    mentor_phone = forms.CharField(label=_("Workplace mentor's phone"), max_length=50)
    mentor_language = forms.ChoiceField(
        label=_("Workplace mentor's language"), choices=Language.choices
    )
    meeting_place = forms.CharField(
        label=_("Where to meet on the first day"),
        max_length=300,
        help_text=_("For example: the staff entrance at the back of the main library."),
    )
    meeting_time = forms.CharField(
        label=_("When to meet on the first day"),
        max_length=100,
        help_text=_("For example: 9.00"),
    )
    programme_notes = forms.CharField(
        label=_("Programme notes"),
        max_length=3000,
        help_text=_("What the visitor will do and see; anything they should bring."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    return_name = forms.CharField(
        label=_("Who comes back: name"), max_length=200, required=False, validators=[single_line]
    )
    return_email = forms.EmailField(label=_("Who comes back: email"), required=False)
    return_language = forms.ChoiceField(
        label=_("Who comes back: language"), choices=Language.choices, required=False
    )
    return_first_day = DayField(label=_("Return visit's first day"), required=False)
    return_last_day = DayField(label=_("Return visit's last day"), required=False)

    comment = forms.CharField(
        label=_("Comment for the visitor (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # What a field left empty says, in words that name it (the summary links to the field).
    REQUIRED_MESSAGES = {
        "dates": _("Choose whether the visitor is welcome on the dates asked for."),
        "mentor_name": _("Write the workplace mentor's name."),
        "mentor_email": _("Write the workplace mentor's email address."),
        "mentor_phone": _("Write the workplace mentor's phone number."),
        "mentor_language": _("Choose the workplace mentor's language."),
        "meeting_place": _("Write where to meet on the first day."),
        "meeting_time": _("Write when to meet on the first day."),
        "programme_notes": _("Write a few words about the visitor's programme."),
        "return_name": _("Write the name of the colleague who comes back."),
        "return_email": _("Write the email address of the colleague who comes back."),
        "return_language": _("Choose the language of the colleague who comes back."),
        "return_first_day": _("Write the first day of the return visit."),
        "return_last_day": _("Write the last day of the return visit."),
    }
    RETURN_FIELDS = ["return_name", "return_email", "return_language"]
    RETURN_DATE_FIELDS = ["return_first_day", "return_last_day"]

    def __init__(self, *args, exchange: ExchangeRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.exchange = exchange
        language = exchange.host_contact_language or exchange.host_library.main_language
        self.fields["mentor_language"].initial = language
        if exchange.needs_return_visit:
            self.fields["return_language"].initial = language
            for name in self.RETURN_FIELDS + self.RETURN_DATE_FIELDS:
                self.fields[name].required = True
        else:
            for name in self.RETURN_FIELDS + self.RETURN_DATE_FIELDS:
                del self.fields[name]
        for name, message in self.REQUIRED_MESSAGES.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    @property
    def proposes_dates(self) -> bool:
        return self.cleaned_data.get("dates") == self.PROPOSE

    def clean_return_email(self) -> str:
        email = self.cleaned_data["return_email"].strip().lower()
        if email and not self.exchange.host_library.owns_email(email):
            raise forms.ValidationError(
                _("Give the work address at %(library)s (%(domains)s)."),
                params={
                    "library": self.exchange.host_library,
                    "domains": ", ".join(self.exchange.host_library.domain_list),
                },
            )
        # The host's decider approves the return visit too: they cannot be its visitor.
        if same_mailbox(email, self.exchange.host_contact_email):
            raise forms.ValidationError(OWN_APPROVAL, code="own")
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.proposes_dates:
            for name in ("first_day", "last_day"):
                if not cleaned.get(name):
                    self.add_error(name, _("Give the dates you propose."))
            check_visit_dates(self, "first_day", "last_day")
            same = (cleaned.get("first_day"), cleaned.get("last_day")) == (
                self.exchange.first_day,
                self.exchange.last_day,
            )
            if same:
                self.add_error(
                    "first_day",
                    _("These are the dates asked for. Choose the first option to approve them."),
                )
        if self.exchange.needs_return_visit:
            check_visit_dates(self, "return_first_day", "return_last_day")
        return cleaned

    def mentor(self) -> MentorDetails:
        data = self.cleaned_data
        return MentorDetails(
            name=data["mentor_name"],
            email=data["mentor_email"],
            phone=data["mentor_phone"],
            language=data["mentor_language"],
            meeting_place=data["meeting_place"],
            meeting_time=data["meeting_time"],
            programme_notes=data["programme_notes"],
        )

    def return_visit(self) -> ReturnVisit | None:
        if not self.exchange.needs_return_visit:
            return None
        data = self.cleaned_data
        return ReturnVisit(
            name=data["return_name"],
            email=data["return_email"],
            language=data["return_language"],
            first_day=data["return_first_day"],
            last_day=data["return_last_day"],
        )
