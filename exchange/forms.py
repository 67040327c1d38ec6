"""The visitor's exchange request form, and the small forms of the visitor's actions."""

import json
from decimal import Decimal
from itertools import groupby

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext_lazy as _

from libraries import distance, public_pages
from libraries.models import FocusArea, Library, Staff, library_by_id, shown_name
from web.date_fields import DayField
from web.names import single_line

from . import workflow
from .models import MAX_VISIT_DAYS, ExchangeRequest

MAX_CAR_KM = 3000
MAX_EUROS = Decimal("3000")
# A visit of five days with arrival the evening before and departure the morning after.
MAX_NIGHTS = MAX_VISIT_DAYS + 1

# Fields whose rules the form checks itself, each with its own message, and the database
# holds as CheckConstraints too: the own library in clean_host_library, the dates in clean
# (workflow.visit_date_errors), the costs by their fields' bounds (_bound_number).
FIELDS_CHECKED_BY_THE_FORM = {
    "host_library",
    "first_day",
    "last_day",
    "travel_public_eur",
    "travel_other_eur",
    "accommodation_eur",
}

# Filled in when the visitor presses "Submit"; a draft may leave them empty.
REQUIRED_TO_SUBMIT = ["first_day", "last_day", "expectations", "cover_arrangements"]


def _bound_number(field: forms.Field, maximum) -> None:
    """Not negative and not absurd; the browser's number input gets the same bounds."""
    if getattr(field, "min_value", None) is None:
        field.validators.append(MinValueValidator(0))
    field.validators.append(MaxValueValidator(maximum))
    field.widget.attrs.update({"min": 0, "max": maximum})


class HostLibraryField(forms.ModelChoiceField):
    """The library chosen to visit, read with its municipality by a query compiled once
    (libraries.models.library_by_id) rather than built anew for each request."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, Library):
            return value
        try:
            library = library_by_id(int(value))
        except (TypeError, ValueError):
            library = None
        if library is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return library


def _hosts_offered(visitor: Staff, current_pk: int | None) -> tuple[list, dict[int, int]]:
    """The host list's choices, and the car kilometres there and back to each library."""
    offered = Q(accepts_visitors=True) & ~Q(pk=visitor.library_id)
    if current_pk:
        offered |= Q(pk=current_pk)
    libraries = (
        Library.objects.filter(offered)
        .select_related("municipality__region")
        # By the names the reader sees: regions and libraries in the page's language.
        .order_by(shown_name("municipality__region__name"), shown_name(), "pk")
    )
    home = distance.home_municipality(visitor)
    car_estimates = {}
    for library in libraries:
        gap = distance.between(home, library.municipality)
        if gap is not None and gap.car_km_there_and_back is not None:
            car_estimates[library.pk] = gap.car_km_there_and_back
    choices: list = [("", str(_("Choose a library")))]
    for region, group in groupby(libraries, key=lambda lib: lib.municipality.region):
        choices.append(
            (str(region), [(lib.pk, f"{lib.name} ({lib.municipality})") for lib in group])
        )
    return choices, car_estimates


class ExchangeRequestForm(forms.ModelForm):
    """The request as the visitor writes it: saved as a draft, or checked fully to submit.

    templates/exchange/_request_fields.html draws it in its fieldsets.

    ``submitting`` decides how strict the form is: a draft needs only the host library,
    but whatever is filled in must make sense already.
    """

    privacy_accepted = forms.BooleanField(
        label=_(
            "I have read the privacy notice and accept that my details are processed "
            "for this exchange."
        ),
        required=False,
        error_messages={"required": _("Accept the privacy notice to submit the request.")},
    )

    class Meta:
        model = ExchangeRequest
        fields = [
            "host_library",
            "first_day",
            "last_day",
            "alternative_dates",
            "kind",
            "trip_type",
            "expectations",
            "focus_areas",
            "language_practice",
            "cover_arrangements",
            "keeping_open",
            "travel_car_km",
            "travel_public_eur",
            "travel_other_eur",
            "accommodation_nights",
            "accommodation_eur",
            "host_contact_name",
            "host_contact_email",
        ]
        labels = {
            "host_library": _("Library you want to visit"),
            "language_practice": _("I want to practise the other national language"),
            "focus_areas": _("What would you like to learn?"),
            "expectations": _("What do you expect from the visit, and what would you like to do?"),
            "cover_arrangements": _("Who covers your work meanwhile?"),
            "host_contact_name": _("Name"),
            "host_contact_email": _("Email"),
            "keeping_open": _("How does your library stay open during the visit?"),
        }
        help_texts = {
            "first_day": _("A visit lasts 1–5 days."),
            "alternative_dates": _(
                "Other days that would suit you, if the host cannot take you on these."
            ),
            "kind": _(
                "In a reciprocal exchange someone from the host library visits your "
                "library in turn."
            ),
            "trip_type": _("Agree this with your supervisor."),
            "expectations": _(
                "What you hope to see and learn, and what you would like to do during the visit."
            ),
            "cover_arrangements": _("Who takes care of your work while you are away."),
            "keeping_open": _(
                "Your library has three people or fewer. Tell who keeps it open while you are "
                "away, or how its opening hours change."
            ),
            "host_contact_email": _("An address of the host library's staff."),
            "travel_car_km": _(
                "Filled in from the distance to the library you choose: there and back by road. "
                "Change it if your route is longer or shorter."
            ),
        }
        field_classes = {
            "host_library": HostLibraryField,
            "first_day": DayField,
            "last_day": DayField,
        }
        widgets = {
            "kind": forms.RadioSelect,
            "trip_type": forms.RadioSelect,
            "expectations": forms.Textarea(attrs={"rows": 5}),
            "focus_areas": forms.CheckboxSelectMultiple,
            "cover_arrangements": forms.Textarea(attrs={"rows": 2}),
            "keeping_open": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "host_library": {"required": _("Choose the library you want to visit.")},
            "first_day": {"required": _("Write the first day of the visit.")},
            "last_day": {"required": _("Write the last day of the visit.")},
            "kind": {"required": _("Choose whether the exchange is one-way or reciprocal.")},
            "trip_type": {"required": _("Choose what the visit counts as.")},
            "expectations": {
                "required": _("Write what you hope to see and learn during the visit.")
            },
            "cover_arrangements": {
                "required": _("Write who takes care of your work while you are away.")
            },
        }

    def __init__(self, *args, visitor: Staff, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.visitor = visitor
        self.submitting = submitting
        if self.instance.pk and self.instance.privacy_accepted_at:
            self.fields["privacy_accepted"].initial = True

        host = self.fields["host_library"]
        # Any library validates, so a library that stops taking visitors gets a clear
        # error instead of "invalid choice"; the list offers only those that take visitors.
        host.queryset = Library.objects.all()
        current = self.initial.get("host_library") or self.instance.host_library_id
        self._current_host_pk = getattr(current, "pk", current) or None
        # Read when the list is drawn: a form that is only checked and saved never needs it.
        host.widget.choices = lambda: self._hosts[0]
        self.fields["focus_areas"].queryset = FocusArea.objects.all()
        self._fill_car_estimate()

        for name in ["travel_car_km", "accommodation_nights"]:
            self.fields[name].widget.attrs["step"] = 1
        _bound_number(self.fields["travel_car_km"], MAX_CAR_KM)
        _bound_number(self.fields["accommodation_nights"], MAX_NIGHTS)
        for name in ["travel_public_eur", "travel_other_eur", "accommodation_eur"]:
            _bound_number(self.fields[name], MAX_EUROS)
        self.fields["host_contact_name"].validators.append(single_line)

        # Only a visitor from a small library is asked how it stays open. Their library is
        # read as the host's is, once for the form and the request it saves.
        if visitor.library_id and not Staff.library.is_cached(visitor):
            library = library_by_id(visitor.library_id)
            if library is not None:
                visitor.library = library
        self.asks_keeping_open = bool(visitor.library and visitor.library.is_small)
        required = REQUIRED_TO_SUBMIT + ["kind", "trip_type"]
        if self.asks_keeping_open:
            required.append("keeping_open")
            self.fields["keeping_open"].error_messages["required"] = workflow.KEEPING_OPEN_NEEDED
        elif not self.instance.keeping_open:
            del self.fields["keeping_open"]

        # An empty form marks what submitting needs; the browser doesn't enforce it
        # (novalidate), so a draft can still be saved half-done.
        for name in required:
            self.fields[name].required = submitting or not self.is_bound
        self.fields["privacy_accepted"].required = not self.is_bound

    @property
    def retention_months(self) -> int:
        """How long the request's personal data is kept, as the notice beside the form says."""
        return settings.PERSONAL_DATA_RETENTION_MONTHS

    @cached_property
    def _hosts(self) -> tuple[list, dict[int, int]]:
        """Libraries that take visitors, grouped by region (the choice the form began with
        stays listed), and the car kilometres to each.

        The list and the car kilometres are the same for every visitor of a library until
        the coordinator edits the libraries: kept in the cache under the public pages'
        content version, in the page's language."""
        return public_pages.cached(
            "request-form-hosts",
            (self.visitor.library_id, self._current_host_pk),
            lambda: _hosts_offered(self.visitor, self._current_host_pk),
        )

    @property
    def car_estimates(self) -> dict[int, int]:
        return self._hosts[1]

    def _fill_car_estimate(self) -> None:
        """A new form for a chosen host starts with the distance-based estimate; the visitor
        may change it, and a small script keeps it in step when another host is chosen."""
        field = self.fields["travel_car_km"]
        field.widget.attrs["data-car-estimates"] = lazy(
            lambda: json.dumps(self.car_estimates), str
        )()
        if self.is_bound or self.instance.travel_car_km is not None:
            return
        host = self.initial.get("host_library") or self.instance.host_library_id
        estimate = self.car_estimates.get(getattr(host, "pk", host))
        if estimate is not None:
            self.initial["travel_car_km"] = estimate

    def clean_host_library(self) -> Library:
        host = self.cleaned_data["host_library"]
        if host.pk == self.visitor.library_id:
            raise forms.ValidationError(_("You cannot visit your own library."), code="home")
        if not host.accepts_visitors:
            raise forms.ValidationError(
                _("%(library)s does not take visitors at the moment."),
                code="closed",
                params={"library": host},
            )
        return host

    def clean_privacy_accepted(self) -> bool:
        accepted = self.cleaned_data.get("privacy_accepted", False)
        if self.submitting and not accepted:
            raise forms.ValidationError(
                _("Accept the privacy notice to submit the request."), code="privacy"
            )
        return accepted

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ["kind", "trip_type"]:
            if name in cleaned and not cleaned[name]:
                cleaned[name] = ExchangeRequest._meta.get_field(name).default
        first_day, last_day = cleaned.get("first_day"), cleaned.get("last_day")
        date_errors = workflow.visit_date_errors(first_day, last_day)
        for name, error in date_errors.items():
            self.add_error(name, error)
        self._clean_host_contact(cleaned)
        if first_day and last_day and not date_errors and not self.days_checked_on_submit:
            refusals = workflow.days_refusals(
                self.visitor.pk,
                cleaned.get("host_library"),
                first_day,
                last_day,
                besides=self.instance.pk,
            )
            for name, error in refusals.items():
                self.add_error(name, error)
        return cleaned

    @property
    def days_checked_on_submit(self) -> bool:
        """Whether the form leaves the days to the submission. Whether the visitor's other
        requests or the host's visitors hold them is counted once, under the submission's
        locks (workflow.submit, submit_new), and a refusal there is shown as this form shows
        its own (views._refused). A draft is counted here, and so is a request with other
        errors, for the visitor to see every error at once."""
        return self.submitting and not self.errors

    def _clean_host_contact(self, cleaned: dict) -> None:
        name, email = cleaned.get("host_contact_name"), cleaned.get("host_contact_email")
        host = cleaned.get("host_library")
        if name and not email and "host_contact_email" not in self.errors:
            self.add_error("host_contact_email", _("Give the host contact's email address too."))
        if email and host and not host.owns_email(email):
            self.add_error(
                "host_contact_email",
                forms.ValidationError(
                    _("The address must belong to the staff of %(library)s (%(domains)s)."),
                    code="domain",
                    params={"library": host, "domains": ", ".join(host.domain_list) or "–"},
                ),
            )
        if email and self.visitor.owns_mailbox(email):
            self.add_error(
                "host_contact_email", forms.ValidationError(workflow.OWN_APPROVAL, code="own")
            )
        if email:
            cleaned["host_contact_email"] = email.strip().lower()

    def _get_validation_exclusions(self) -> set[str]:
        """Left out of the model's validation, which would ask the database again: whether
        the host library exists (its field has just read it), and the CheckConstraints on
        the dates and the costs, which this form checks itself, each in its own words
        (FIELDS_CHECKED_BY_THE_FORM); the database holds them too."""
        return super()._get_validation_exclusions() | FIELDS_CHECKED_BY_THE_FORM

    def save(self, commit: bool = True) -> ExchangeRequest:
        self._adding = self.instance.pk is None
        exchange = super().save(commit=False)
        exchange.visitor = self.visitor
        exchange.home_library = self.visitor.library
        if not self.cleaned_data.get("privacy_accepted"):
            exchange.privacy_accepted_at = None
        elif exchange.privacy_accepted_at is None:
            exchange.privacy_accepted_at = timezone.now()
        if commit:
            exchange.save()
            self.save_m2m()
        return exchange

    def _save_m2m(self) -> None:
        """A new request has no focus areas to replace: they are added without reading first."""
        if self._adding:
            self.instance.focus_areas.add(*self.cleaned_data["focus_areas"])
        else:
            super()._save_m2m()


def submission_data(exchange: ExchangeRequest) -> dict:
    """A saved draft as form data, so the full checks can run on it before submitting."""
    form = ExchangeRequestForm(instance=exchange, visitor=exchange.visitor)
    data = {name: form[name].value() for name in form.fields}
    return {name: value for name, value in data.items() if value is not None}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone already involved gets your reason by email."),
        error_messages={"required": _("Tell briefly why you cancel.")},
    )


class RefuseDatesForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
