from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from web.names import single_line

from .models import FocusArea, Language, Library, Staff
from .signin import email_domain


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={"required": _("Write your work email address.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, library: Library) -> str:
        municipality = library.municipality.name
        if municipality.lower() in library.name.lower():
            return library.name
        return f"{library.name} ({municipality})"


def suggested_library(email: str) -> Library | None:
    """The library an address most likely belongs to, judged by its domain.

    One library with the domain: that one. Several (a municipality's libraries share
    its domain): the main library of the municipality, when they all share one.
    """
    domain = email_domain(email)
    if not domain:
        return None
    libraries = list(Library.objects.with_domain(domain).select_related("municipality"))
    if len(libraries) == 1:
        return libraries[0]
    municipalities = {library.municipality_id for library in libraries}
    if len(municipalities) != 1:
        return None
    main = [library for library in libraries if library.kind == Library.Kind.MAIN]
    return main[0] if len(main) == 1 else None


class ProfileForm(forms.ModelForm):
    library = LibraryChoiceField(
        queryset=Library.objects.none(),
        label=_("Home library"),
        empty_label=_("Choose your library"),
        error_messages={"required": _("Choose your home library.")},
    )

    class Meta:
        model = Staff
        fields = [
            "name",
            "library",
            "job_title",
            "language",
            "supervisor_name",
            "supervisor_email",
            "interests",
            "language_wish",
        ]
        labels = {
            "name": _("Your name"),
            "job_title": _("Job title"),
            "language": _("Language"),
            "supervisor_name": _("Your supervisor's name"),
            "supervisor_email": _("Your supervisor's email address"),
            "interests": _("What would you like to learn on a visit?"),
            "language_wish": _("Would you like to practise the other national language?"),
        }
        help_texts = {
            "language": _("Kollega writes to you in this language."),
            "supervisor_email": _(
                "Your supervisor approves your exchange requests. Give their work email address."
            ),
            "interests": _("Kollega suggests hosts that can show you these."),
            "language_wish": _(
                "Kollega then suggests libraries where that language is spoken at the desk."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "language": forms.RadioSelect,
            "interests": forms.CheckboxSelectMultiple,
            "language_wish": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": _("Write your name.")},
            "job_title": {"required": _("Write your job title.")},
            "language": {"required": _("Choose the language Kollega writes to you in.")},
            "supervisor_name": {"required": _("Write your supervisor's name.")},
            "supervisor_email": {"required": _("Write your supervisor's email address.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ["name", "job_title", "supervisor_name", "supervisor_email"]:
            self.fields[name].required = True
        for name in ["name", "supervisor_name"]:
            self.fields[name].validators.append(single_line)
        # Ordered in the page's language, so the queryset is made per form.
        self.fields["library"].queryset = Library.objects.select_related(
            "municipality"
        ).in_name_order()
        # Each language in its own name, so that it is found whatever the page's language.
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in Language.choices
        ]
        self.fields["interests"].queryset = FocusArea.objects.all()
        self.fields["language_wish"].choices = [
            ("", _("No")),
            (Language.SWEDISH, _("Yes, Swedish")),
            (Language.FINNISH, _("Yes, Finnish")),
        ]
        if self.instance.library_id is None and not self.is_bound:
            self.initial["library"] = suggested_library(self.instance.email)

    def clean_supervisor_email(self) -> str:
        email = self.cleaned_data["supervisor_email"].strip().lower()
        if self.instance.owns_mailbox(email):
            raise forms.ValidationError(
                _("Give your supervisor's address here, not your own."), code="own_address"
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        library = cleaned.get("library")
        supervisor_email = cleaned.get("supervisor_email")
        if library is None or not supervisor_email:
            return cleaned
        domains = library.domain_list
        if not domains:
            self.add_error(
                "library",
                forms.ValidationError(
                    _(
                        "Kollega does not know the email domain of your home library "
                        "(%(library)s) yet. Please ask the coordinator to add it."
                    ),
                    code="library_without_domain",
                    params={"library": library.name},
                ),
            )
        elif not library.owns_email(supervisor_email):
            self.add_error(
                "supervisor_email",
                forms.ValidationError(
                    _(
                        "Your supervisor's address must be a work address of your home "
                        "library (%(library)s: %(domains)s)."
                    ),
                    code="supervisor_domain",
                    params={
                        "library": library.name,
                        "domains": ", ".join(f"@{d}" for d in domains),
                    },
                ),
            )
        return cleaned
