from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import FocusArea, Library, LibraryQuerySet, Municipality, Network, Region


def slug_choice(label, queryset, empty_label) -> forms.ModelChoiceField:
    """An optional filter that names its choice by slug in the address (?region=pohjanmaa)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        to_field_name="slug",
        required=False,
        empty_label=empty_label,
    )


class DirectoryFilterForm(forms.Form):
    """The library directory's filters, sent with GET; every field is optional."""

    FINNISH = "fi"
    BILINGUAL = "bilingual"
    LANGUAGE_CHOICES = [
        ("", _("Finnish-speaking and bilingual")),
        (FINNISH, _("Finnish-speaking libraries")),
        (BILINGUAL, _("Bilingual libraries, for language practice")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Library, municipality or town, in Finnish or Swedish"),
    )

    def clean_q(self) -> str:
        # A lone surrogate can't be encoded for the database; it can't be part of a name.
        return "".join(ch for ch in self.cleaned_data["q"] if not "\ud800" <= ch <= "\udfff")

    region = slug_choice(_("Region"), Region.objects.all(), _("All regions"))
    municipality = slug_choice(
        _("Municipality"), Municipality.objects.all(), _("All municipalities")
    )
    network = slug_choice(_("Library network"), Network.objects.all(), _("All networks"))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    focus_area = slug_choice(_("What you can learn"), FocusArea.objects.all(), _("All focus areas"))
    kind = forms.ChoiceField(
        label=_("Kind of library"),
        choices=[
            ("", _("All kinds")),
            *((k, capfirst(label)) for k, label in Library.Kind.choices),
        ],
        required=False,
    )
    BY_NAME = ""
    BY_DISTANCE = "distance"
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[(BY_NAME, _("By name")), (BY_DISTANCE, _("Nearest to your library first"))],
        required=False,
    )

    def __init__(self, *args, by_distance: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not by_distance:
            # Only a signed-in librarian's home library gives the distances to sort by.
            del self.fields["sort"]
        # Fresh querysets so that the choices sort by their names in the active language.
        self.fields["region"].queryset = Region.objects.all()
        self.fields["municipality"].queryset = Municipality.objects.all()
        self.fields["focus_area"].queryset = FocusArea.objects.all()
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # A filter value edited in the address gets a plain answer, not Django's
                # "Select a valid choice. That choice is not one of the available choices."
                field.error_messages["invalid_choice"] = _(
                    "There is no such choice. Pick one from the list."
                )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("", _("Show libraries")))

    def filter(self, libraries: LibraryQuerySet) -> LibraryQuerySet:
        """Narrow the libraries by every filter that holds a valid value; call is_valid() first."""
        data = self.cleaned_data
        if data.get("region"):
            libraries = libraries.filter(municipality__region=data["region"])
        if data.get("municipality"):
            libraries = libraries.filter(municipality=data["municipality"])
        if data.get("network"):
            libraries = libraries.filter(network=data["network"])
        if data.get("language") == self.FINNISH:
            libraries = libraries.filter(
                municipality__language_status=Municipality.LanguageStatus.FINNISH
            )
        elif data.get("language") == self.BILINGUAL:
            libraries = libraries.exclude(
                municipality__language_status=Municipality.LanguageStatus.FINNISH
            )
        if data.get("focus_area"):
            libraries = libraries.filter(focus_areas=data["focus_area"])
        if data.get("kind"):
            libraries = libraries.filter(kind=data["kind"])
        if data.get("q"):
            libraries = libraries.search(data["q"])
        return libraries
