"""The visitor's feedback and expense claim, the mentor's host feedback, the coordinator's forms."""

from decimal import Decimal
from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from exchange.models import ExchangeRequest
from libraries.forms import slug_choice
from libraries.models import Language, Library, Region

from .models import ExpenseClaim, HostFeedback, Receipt, StoryConsent, VisitorFeedback

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

MAX_CAR_KM = 3000
MAX_EUROS = Decimal("3000")
MAX_NIGHTS = 6
MAX_RECEIPTS = 10

# What a receipt may be: the file must start with the type's signature and carry one of
# its extensions. Browsers' declared content types are not trusted.
RECEIPT_TYPES = {
    Receipt.Kind.PDF: ([b"%PDF-"], {".pdf"}),
    Receipt.Kind.JPEG: ([b"\xff\xd8\xff"], {".jpg", ".jpeg"}),
    Receipt.Kind.PNG: ([b"\x89PNG\r\n\x1a\n"], {".png"}),
}


def receipt_kind(upload) -> str | None:
    """The receipt's type from its first bytes and its extension, or None when they disagree."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    suffix = Path(upload.name or "").suffix.lower()
    for kind, (signatures, suffixes) in RECEIPT_TYPES.items():
        if suffix in suffixes and any(head.startswith(sign) for sign in signatures):
            return kind
    return None


def _yes_no_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


def _helper(*fieldsets) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fieldsets:
        helper.layout = Layout(*fieldsets)
    return helper


class VisitorFeedbackForm(forms.ModelForm):
    """A few minutes' feedback on the visit."""

    would_recommend = _yes_no_field(_("Would you recommend this library to a colleague?"))

    class Meta:
        model = VisitorFeedback
        fields = [
            "rating",
            "learned",
            "take_home",
            "would_recommend",
            "message_to_host",
            "message_to_coordinator",
            "story_consent",
            "story",
            "story_language",
        ]
        labels = {
            "rating": _("How was the visit overall?"),
            "learned": _("What did you learn?"),
            "take_home": _("What will you take home to your own library?"),
            "message_to_host": _("A message to the host library"),
            "message_to_coordinator": _("A message to the coordinator only"),
            "story_consent": _("May we publish a short story of your visit for future visitors?"),
            "story": _("Your story"),
            "story_language": _("Language of the story"),
        }
        help_texts = {
            "message_to_host": _(
                "Goes by email to the library's exchange contact and your workplace mentor."
            ),
            "message_to_coordinator": _("Only the regional coordinator reads this."),
            "story": _(
                "A few sentences for colleagues thinking of an exchange: what you did and what "
                "it gave you. It appears on the experiences page once the coordinator publishes it."
            ),
        }
        widgets = {
            "rating": forms.RadioSelect,
            "learned": forms.Textarea(attrs={"rows": 3}),
            "take_home": forms.Textarea(attrs={"rows": 3}),
            "message_to_host": forms.Textarea(attrs={"rows": 3}),
            "message_to_coordinator": forms.Textarea(attrs={"rows": 2}),
            "story_consent": forms.RadioSelect,
            "story": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "rating": {"required": _("Choose a rating from 1 to 5.")},
            "learned": {"required": _("Tell us briefly what you learned.")},
            "take_home": {"required": _("Tell us briefly what you take home.")},
            "story_consent": {
                "required": _("Choose whether we may publish a story of your visit.")
            },
        }

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = VisitorFeedback.Rating.choices
        self.fields["story_language"].choices = Language.choices
        self.fields["story_language"].initial = language
        self.fields["story_language"].required = False
        self.helper = _helper(
            Fieldset(
                _("Your visit"),
                "rating",
                "learned",
                "take_home",
                "would_recommend",
            ),
            Fieldset(_("Messages"), "message_to_host", "message_to_coordinator"),
            Fieldset(
                _("Experiences for future visitors"), "story_consent", "story", "story_language"
            ),
        )

    def clean(self):
        data = super().clean()
        consent = data.get("story_consent")
        story = (data.get("story") or "").strip()
        if consent and consent != StoryConsent.NO:
            if not story:
                self.add_error(
                    "story",
                    _("Write the story you allow us to publish, or choose not to publish."),
                )
            if not data.get("story_language"):
                self.add_error("story_language", _("Choose the language of the story."))
        else:
            # Without consent nothing of a story is kept.
            data["story"] = ""
            data["story_language"] = ""
        return data


class HostFeedbackForm(forms.ModelForm):
    would_host_again = _yes_no_field(_("Would your library host a visitor again?"))

    class Meta:
        model = HostFeedback
        fields = ["how_it_went", "would_host_again"]
        labels = {"how_it_went": _("How did the visit go?")}
        widgets = {"how_it_went": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"how_it_went": {"required": _("Tell us briefly how the visit went.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReceiptsField(forms.FileField):
    """Any number of files from one file input."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(ReceiptsField, self).clean(upload, initial) for upload in files]


def _bound(field: forms.Field, maximum) -> None:
    field.validators += [MinValueValidator(0), MaxValueValidator(maximum)]
    field.widget.attrs.update({"min": 0, "max": maximum})


class ExpenseClaimForm(forms.ModelForm):
    """Travel and accommodation costs with their receipts."""

    receipts = ReceiptsField(label=_("Receipts"), required=False)

    class Meta:
        model = ExpenseClaim
        fields = [
            "car_km",
            "public_transport_eur",
            "other_travel_eur",
            "other_travel_description",
            "accommodation_nights",
            "accommodation_eur",
            "notes",
        ]
        labels = {
            "car_km": _("Own car, kilometres (there and back)"),
            "public_transport_eur": _("Public transport, euros"),
            "other_travel_eur": _("Other travel, euros"),
            "other_travel_description": _("What was the other travel?"),
            "accommodation_nights": _("Accommodation, nights"),
            "accommodation_eur": _("Accommodation, euros"),
            "notes": _("Anything the coordinator should know"),
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self,
        *args,
        exchange: ExchangeRequest,
        km_rate: Decimal | None,
        kept_receipts: int = 0,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.exchange = exchange
        self.km_rate = km_rate
        # Receipts added earlier and kept while the visitor checks the claim.
        self.kept_receipts = kept_receipts
        for name in ["car_km", "public_transport_eur", "other_travel_eur", "accommodation_eur"]:
            self.fields[name].required = False
        self.fields["accommodation_nights"].required = False
        self.fields["receipts"].help_text = _(
            "PDF, JPEG or PNG files, at most %(size)s each. You can choose several at once."
        ) % {"size": filesizeformat(settings.RECEIPT_MAX_BYTES)}
        _bound(self.fields["car_km"], MAX_CAR_KM)
        _bound(self.fields["accommodation_nights"], MAX_NIGHTS)
        for name in ["public_transport_eur", "other_travel_eur", "accommodation_eur"]:
            _bound(self.fields[name], MAX_EUROS)
        if km_rate is not None:
            self.fields["car_km"].help_text = _(
                "Paid at %(rate)s € per kilometre, the rate of %(year)s."
            ) % {"rate": number_format(km_rate, 2), "year": exchange.first_day.year}
        self.helper = _helper(
            Fieldset(_("Travel"), "car_km", "public_transport_eur", "other_travel_eur"),
            Fieldset("", "other_travel_description"),
            Fieldset(_("Accommodation"), "accommodation_nights", "accommodation_eur"),
            Fieldset(_("Receipts and notes"), "receipts", "notes"),
        )

    def _amount(self, name: str):
        return self.cleaned_data.get(name) or 0

    def clean_receipts(self):
        uploads = self.cleaned_data.get("receipts") or []
        if len(uploads) + self.kept_receipts > MAX_RECEIPTS:
            raise forms.ValidationError(
                _("Send at most %(count)s receipts.") % {"count": MAX_RECEIPTS}
            )
        errors = []
        for upload in uploads:
            if upload.size > settings.RECEIPT_MAX_BYTES:
                errors.append(
                    forms.ValidationError(
                        _("“%(name)s” is too large (%(size)s). A receipt can be at most %(max)s."),
                        params={
                            "name": upload.name,
                            "size": filesizeformat(upload.size),
                            "max": filesizeformat(settings.RECEIPT_MAX_BYTES),
                        },
                    )
                )
            elif receipt_kind(upload) is None:
                errors.append(
                    forms.ValidationError(
                        _("“%(name)s” is not a PDF, JPEG or PNG file. Send the receipt as one."),
                        params={"name": upload.name},
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return uploads

    def clean(self):
        data = super().clean()
        for name in ["car_km", "public_transport_eur", "other_travel_eur", "accommodation_eur"]:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        if data.get("accommodation_nights") is None and "accommodation_nights" not in self.errors:
            data["accommodation_nights"] = 0
        if self.errors:
            return data
        euro_costs = [
            self._amount("public_transport_eur"),
            self._amount("other_travel_eur"),
            self._amount("accommodation_eur"),
        ]
        if not self._amount("car_km") and not any(euro_costs):
            raise forms.ValidationError(_("Fill in at least one cost."))
        if self._amount("car_km") and self.km_rate is None:
            self.add_error(
                "car_km",
                _(
                    "The kilometre allowance for %(year)s has not been set yet. "
                    "Ask the coordinator, or try again in a few days."
                )
                % {"year": self.exchange.first_day.year},
            )
        if self._amount("other_travel_eur") and not data.get("other_travel_description"):
            self.add_error("other_travel_description", _("Tell us what the other travel was."))
        if self._amount("accommodation_eur") and not self._amount("accommodation_nights"):
            self.add_error("accommodation_nights", _("How many nights did you stay?"))
        already = self.kept_receipts or (self.instance.pk and self.instance.receipts.exists())
        if any(euro_costs) and not (data.get("receipts") or already):
            self.add_error("receipts", _("Add the receipts of the costs in euros."))
        return data


class RejectClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The claimant gets it by email."),
        error_messages={"required": _("Give a reason for rejecting.")},
    )


class ExperienceFilterForm(forms.Form):
    region = slug_choice(_("Region"), Region.objects.all(), _("All regions"))
    library = slug_choice(_("Library"), Library.objects.none(), _("All libraries"))

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        for name in ["region", "library"]:
            self.fields[name].widget.attrs["class"] = "form-select"

    def filter(self, stories):
        if not self.is_valid():
            return stories
        region = self.cleaned_data.get("region")
        library = self.cleaned_data.get("library")
        if region:
            stories = stories.filter(exchange__host_library__municipality__region=region)
        if library:
            stories = stories.filter(exchange__host_library=library)
        return stories
