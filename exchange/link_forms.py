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


class AnswerForm(forms.Form):
    """The one question of a decision page: which answer the supervisor gives."""

    APPROVE = "approve"
    PROPOSE = "propose"
    DECLINE = "decline"

    action = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your answer.")},
    )

    def __init__(self, *args, is_host: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if is_host:
            choices = [
                (self.APPROVE, _("The visitor is welcome on the dates asked for")),
                (self.PROPOSE, _("Propose other dates")),
                (self.DECLINE, _("Decline the request")),
            ]
        else:
            choices = [
                (self.APPROVE, _("Approve the request")),
                (self.DECLINE, _("Decline the request")),
            ]
        self.fields["action"].choices = choices

    @property
    def answer(self) -> str:
        return self.cleaned_data.get("action", "") if self.is_bound and self.is_valid() else ""


class ArrangementsForm(forms.Form):
    """The first day's practicalities: optional when approving, completed until the visit."""

    meeting_place = forms.CharField(
        label=_("Where to meet on the first day"),
        max_length=300,
        required=False,
        help_text=_("For example: the staff entrance at the back of the main library."),
    )
    meeting_time = forms.CharField(
        label=_("When to meet on the first day"),
        max_length=100,
        required=False,
        help_text=_("For example: 9.00"),
    )
    programme_notes = forms.CharField(
        label=_("Programme notes"),
        max_length=3000,
        required=False,
        help_text=_("What the visitor will do and see; anything they should bring."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MentorForm(ArrangementsForm):
    """The workplace mentor, named later through the host's own link."""

    mentor_name = forms.CharField(
        label=_("Workplace mentor's name"),
        max_length=200,
        validators=[single_line],
        error_messages={"required": _("Write the workplace mentor's name.")},
    )
    mentor_email = forms.EmailField(
        label=_("Workplace mentor's email"),
        error_messages={"required": _("Write the workplace mentor's email address.")},
    )
    mentor_phone = forms.CharField(
        label=_("Workplace mentor's phone"),
        max_length=50,
        error_messages={"required": _("Write the workplace mentor's phone number.")},
    )
    mentor_language = forms.ChoiceField(
        label=_("Workplace mentor's language"),
        choices=Language.choices,
        error_messages={"required": _("Choose the workplace mentor's language.")},
    )

    MENTOR_FIELDS = ["mentor_name", "mentor_email", "mentor_phone"]
    field_order = [*MENTOR_FIELDS, "mentor_language", "meeting_place", "meeting_time"]

    def __init__(self, *args, exchange: ExchangeRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.exchange = exchange
        language = exchange.host_contact_language or exchange.host_library.main_language
        self.fields["mentor_language"].initial = language

    def clean_mentor_email(self) -> str:
        email = self.cleaned_data["mentor_email"].strip().lower()
        if email and self.exchange.visitor.owns_mailbox(email):
            raise forms.ValidationError(_("The visitor cannot be their own workplace mentor."))
        return email

    def mentor(self) -> MentorDetails:
        data = self.cleaned_data
        return MentorDetails(
            name=data.get("mentor_name", ""),
            email=data.get("mentor_email", ""),
            phone=data.get("mentor_phone", ""),
            language=data.get("mentor_language") or self.fields["mentor_language"].initial,
            meeting_place=data["meeting_place"],
            meeting_time=data["meeting_time"],
            programme_notes=data["programme_notes"],
        )


class HostDecisionForm(MentorForm):
    """The host welcomes the visitor on the dates asked for, or proposes others (the answer
    is AnswerForm's); the mentor is named now or later, and the first day's practicalities
    are optional."""

    first_day = DayField(label=_("Proposed first day"), required=False)
    last_day = DayField(label=_("Proposed last day"), required=False)

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
        "return_name": _("Write the name of the colleague who comes back."),
        "return_email": _("Write the email address of the colleague who comes back."),
        "return_language": _("Choose the language of the colleague who comes back."),
        "return_first_day": _("Write the first day of the return visit."),
        "return_last_day": _("Write the last day of the return visit."),
    }
    DATE_FIELDS = ["first_day", "last_day"]
    RETURN_FIELDS = ["return_name", "return_email", "return_language"]
    RETURN_DATE_FIELDS = ["return_first_day", "return_last_day"]
    field_order = [*DATE_FIELDS, *MentorForm.field_order]

    def __init__(self, *args, exchange: ExchangeRequest, proposes_dates: bool = False, **kwargs):
        super().__init__(*args, exchange=exchange, **kwargs)
        self.proposes_dates = proposes_dates
        # Named now or later: the fields may all be left empty, so none is marked required
        # (nor announced so by a screen reader); the text above them says that a mentor named
        # now needs all three, and clean() asks for the one missing.
        for name in [*self.MENTOR_FIELDS, "mentor_language"]:
            self.fields[name].required = False
        if exchange.needs_return_visit:
            self.fields["return_language"].initial = self.fields["mentor_language"].initial
            for name in self.RETURN_FIELDS + self.RETURN_DATE_FIELDS:
                self.fields[name].required = True
        else:
            for name in self.RETURN_FIELDS + self.RETURN_DATE_FIELDS:
                del self.fields[name]
        for name, message in self.REQUIRED_MESSAGES.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    def mentor_fields(self):
        return [self[name] for name in [*self.MENTOR_FIELDS, "mentor_language"]]

    def arrangement_fields(self):
        return [self[name] for name in ["meeting_place", "meeting_time", "programme_notes"]]

    def return_fields(self):
        names = self.RETURN_FIELDS + self.RETURN_DATE_FIELDS
        return [self[name] for name in names if name in self.fields]

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
        # A mentor named now is named whole: name, email and phone.
        if any(cleaned.get(name) for name in self.MENTOR_FIELDS):
            messages = {
                name: self.fields[name].error_messages["required"] for name in self.MENTOR_FIELDS
            }
            for name in self.MENTOR_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, messages[name])
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
