"""The hosting profile as its exchange contact (the host page) and the coordinator (the
admin) edit it: what the library offers, when it hosts and its closed or busy periods."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from web.date_fields import DayField

from .models import DESK_LANGUAGES, WEEKDAYS, ClosedPeriod, FocusArea, Library


class CodesField(forms.MultipleChoiceField):
    """Checkboxes stored as a string of codes: "12345" for weekdays, "fi,sv" for languages."""

    def __init__(self, *, choices, separator: str, **kwargs):
        self.separator = separator
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in (value.split(self.separator) if self.separator else value)]
        return value

    def clean(self, value) -> str:
        codes = super().clean(value)
        order = [str(code) for code, _label in self.choices]
        return self.separator.join(sorted(codes, key=order.index))


def weekdays_field(**kwargs) -> CodesField:
    return CodesField(
        label=_("Weekdays the library can host"),
        choices=[(str(number), capfirst(name)) for number, name in WEEKDAYS.items()],
        separator="",
        error_messages={"required": _("Choose at least one weekday.")},
        **kwargs,
    )


def desk_languages_field(**kwargs) -> CodesField:
    return CodesField(
        label=_("Languages spoken at the desk"),
        choices=[(code, capfirst(name)) for code, name in DESK_LANGUAGES.items()],
        separator=",",
        required=False,
        **kwargs,
    )


class HostingFieldsMixin(forms.ModelForm):
    """The two fields kept as codes, alike on the host page and in the admin."""

    host_weekdays = weekdays_field()
    desk_languages = desk_languages_field()


# The translated texts, Finnish and Swedish side by side.
BILINGUAL = ["hosting_offer", "parking", "bus", "train", "accessibility_notes"]


class HostProfileForm(HostingFieldsMixin):
    class Meta:
        model = Library
        fields = [
            "accepts_visitors",
            "hosting_offer_fi",
            "hosting_offer_sv",
            "focus_areas",
            "desk_languages",
            "visitors_per_day",
            "host_weekdays",
            "staff_size",
            "parking_fi",
            "parking_sv",
            "bus_fi",
            "bus_sv",
            "train_fi",
            "train_sv",
            "accessibility_notes_fi",
            "accessibility_notes_sv",
        ]
        labels = {
            "accepts_visitors": _("We take visitors"),
            "hosting_offer_fi": _("What we can show a visitor, in Finnish"),
            "hosting_offer_sv": _("What we can show a visitor, in Swedish"),
            "focus_areas": _("Focus areas: what a visitor can learn here"),
            "visitors_per_day": _("Visitors at a time"),
            "staff_size": _("How many people work at the library"),
            "parking_fi": _("Parking, in Finnish"),
            "parking_sv": _("Parking, in Swedish"),
            "bus_fi": _("By bus, in Finnish"),
            "bus_sv": _("By bus, in Swedish"),
            "train_fi": _("By train, in Finnish"),
            "train_sv": _("By train, in Swedish"),
            "accessibility_notes_fi": _("Accessibility, in Finnish"),
            "accessibility_notes_sv": _("Accessibility, in Swedish"),
        }
        help_texts = {
            "visitors_per_day": _(
                "How many visitors the library can take on the same day. Kollega takes no "
                "more requests for a day once they fill it."
            ),
            "staff_size": _(
                "A visitor from a library of three people or fewer is asked how their own "
                "library stays open."
            ),
        }
        widgets = {
            "focus_areas": forms.CheckboxSelectMultiple,
            "hosting_offer_fi": forms.Textarea(attrs={"rows": 4}),
            "hosting_offer_sv": forms.Textarea(attrs={"rows": 4}),
            "accessibility_notes_fi": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes_sv": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].queryset = FocusArea.objects.all()
        self.fields["visitors_per_day"].widget.attrs.update({"min": 1, "step": 1})
        self.fields["staff_size"].widget.attrs.update({"min": 1, "step": 1})
        for name in BILINGUAL:
            self.fields[f"{name}_fi"].widget.attrs["lang"] = "fi"
            self.fields[f"{name}_sv"].widget.attrs["lang"] = "sv"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

        def pair(name):
            return Row(
                Column(f"{name}_fi", css_class="col-md-6"),
                Column(f"{name}_sv", css_class="col-md-6"),
            )

        self.helper.layout = Layout(
            Fieldset(
                _("What a visitor finds here"),
                "accepts_visitors",
                pair("hosting_offer"),
                "focus_areas",
                "desk_languages",
            ),
            Fieldset(
                _("When and how many"),
                Row(
                    Column("visitors_per_day", css_class="col-sm-6"),
                    Column("staff_size", css_class="col-sm-6"),
                ),
                "host_weekdays",
            ),
            Fieldset(_("How to get here"), pair("parking"), pair("bus"), pair("train")),
            Fieldset(_("Accessibility"), pair("accessibility_notes")),
        )


class ClosedPeriodForm(forms.ModelForm):
    class Meta:
        model = ClosedPeriod
        fields = ["reason", "first_day", "last_day", "note_fi", "note_sv"]
        labels = {"note_fi": _("Note, in Finnish"), "note_sv": _("Note, in Swedish")}
        field_classes = {"first_day": DayField, "last_day": DayField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note_fi"].widget.attrs["lang"] = "fi"
        self.fields["note_sv"].widget.attrs["lang"] = "sv"


ClosedPeriodFormSet = forms.inlineformset_factory(
    Library, ClosedPeriod, form=ClosedPeriodForm, extra=1, can_delete=True, max_num=50
)
