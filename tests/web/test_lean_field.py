"""The decision forms' fields and the request form drawn without crispy-forms' renderer carry
the same markup: the label or legend and its required mark, the widget's classes, aria-invalid
and aria-describedby, the error block the error summary links to and the hint."""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.utils import render_crispy_form
from django import forms
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from exchange.forms import ExchangeRequestForm
from exchange.link_forms import DeclineForm, HomeApproveForm, HostDecisionForm
from tests.factories import ExchangeRequestFactory, FocusAreaFactory, LibraryFactory
from web.fields import _classes, _drawn_here, _widget, lean_field

WRONG_HOST_ANSWER = {
    "approve-first_day": "32.13.2026",
    "approve-last_day": "",
    "approve-mentor_name": "Maija\nMentori",
    "approve-mentor_email": "ei osoite",
    "approve-return_name": "",
    "approve-comment": "x" * 2001,
}


def forms_of_a_reciprocal_request(bound: bool) -> list:
    exchange = ExchangeRequestFactory(kind="reciprocal")
    data = WRONG_HOST_ANSWER if bound else None
    host = HostDecisionForm(data, exchange=exchange, prefix="approve", proposes_dates=True)
    return [
        DeclineForm({"decline-reason": " "} if bound else None, prefix="decline"),
        HomeApproveForm({"approve-comment": "x" * 2001} if bound else None, prefix="approve"),
        host,
    ]


@pytest.mark.parametrize("bound", [False, True], ids=["empty", "with errors"])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_decision_field_reads_the_same_as_crispy_forms_draws_it(db, bound, language):
    with translation.override(language):
        ours = forms_of_a_reciprocal_request(bound)
        theirs = forms_of_a_reciprocal_request(bound)
        drawn = 0
        for our_form, their_form in zip(ours, theirs, strict=True):
            assert bool(our_form.errors) == bound
            for name in our_form.fields:
                ours_html = lean_field(our_form[name])
                assert parse_html(ours_html) == parse_html(as_crispy_field(their_form[name])), name
                drawn += _drawn_here(our_form[name])
                if bound and our_form[name].errors:
                    assert 'aria-invalid="true"' in ours_html
                    assert f'id="{our_form[name].auto_id}_error"' in ours_html
    # The text fields are drawn here, not handed back to crispy-forms.
    assert drawn >= 10


def crispy_layout(form: ExchangeRequestForm, months: int) -> FormHelper:
    """The request form's layout as crispy-forms drew it: the markup the lean one keeps."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Fieldset(
            gettext("Where and when"),
            "host_library",
            HTML('{% include "exchange/_host_month_view.html" %}'),
            Row(
                Column("first_day", css_class="col-sm-6"),
                Column("last_day", css_class="col-sm-6"),
            ),
            "alternative_dates",
        ),
        Fieldset(
            gettext("The exchange"),
            "kind",
            "trip_type",
            "expectations",
            "focus_areas",
            "language_practice",
            "cover_arrangements",
            *(["keeping_open"] if "keeping_open" in form.fields else []),
        ),
        Fieldset(
            gettext("Estimated travel and accommodation costs"),
            Row(
                Column("travel_car_km", css_class="col-sm-4"),
                Column("travel_public_eur", css_class="col-sm-4"),
                Column("travel_other_eur", css_class="col-sm-4"),
            ),
            Row(
                Column("accommodation_nights", css_class="col-sm-4"),
                Column("accommodation_eur", css_class="col-sm-4"),
            ),
        ),
        Fieldset(
            gettext("The host contact you agreed with (optional)"),
            HTML('{% include "exchange/_host_contact_help.html" %}'),
            Row(
                Column("host_contact_name", css_class="col-sm-6"),
                Column("host_contact_email", css_class="col-sm-6"),
            ),
        ),
        Fieldset(
            gettext("Privacy"),
            HTML(f'{{% include "exchange/_privacy_notice.html" with months={months} %}}'),
            "privacy_accepted",
        ),
    )
    return helper


# Every kind of field wrong at once: the select, the day fields, the radios, the checkbox
# list, the numbers, the email and the privacy checkbox.
WRONG_REQUEST = {
    "host_library": "",
    "first_day": "32.13.2027",
    "last_day": "",
    "kind": "both",
    "trip_type": "",
    "expectations": "",
    "focus_areas": ["999"],
    "cover_arrangements": "",
    "keeping_open": "",
    "travel_car_km": "-1",
    "travel_public_eur": "abc",
    "accommodation_nights": "99",
    "host_contact_name": "Sara\nSvensson",
    "host_contact_email": "ei osoite",
    "action": "submit",
}


def request_form(visitor, bound: bool) -> ExchangeRequestForm:
    if not bound:
        return ExchangeRequestForm(visitor=visitor, initial={"host_library": None})
    form = ExchangeRequestForm(WRONG_REQUEST, visitor=visitor, submitting=True)
    assert not form.is_valid()
    form.add_error(None, "Sinulla on jo avoin vaihtohakemus joillekin näistä päivistä.")
    return form


@pytest.mark.parametrize("bound", [False, True], ids=["empty", "with errors"])
@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("small_library", [False, True], ids=["", "small library"])
def test_the_request_form_reads_the_same_as_crispy_forms_draws_it(
    db, settings, alice, host, bound, language, small_library
):
    FocusAreaFactory.create_batch(3)
    LibraryFactory(name_fi="Vaasan kaupunginkirjasto", name_sv="Vasa stadsbibliotek")
    if small_library:
        alice.library.staff_size = 2
        alice.library.save()
    with translation.override(language):
        ours = request_form(alice, bound)
        theirs = request_form(alice, bound)
        context = {"month_view": None}
        lean = render_to_string("exchange/_request_fields.html", {"form": ours, **context})
        crispy = render_crispy_form(
            theirs, crispy_layout(theirs, settings.PERSONAL_DATA_RETENTION_MONTHS), context
        )

    assert parse_html(lean) == parse_html(crispy)
    assert ("keeping_open" in ours.fields) == small_library
    if bound:
        assert {"host_library", "kind", "focus_areas", "travel_car_km", "privacy_accepted"} <= set(
            ours.errors
        )
        assert lean.count('aria-invalid="true"') >= 10
    # Every field is drawn here, none handed back to crispy-forms.
    assert all(_drawn_here(ours[name]) for name in ours.fields)


class EveryTextWidget(forms.Form):
    """Each widget written without its templates, with the attributes a form can give it."""

    text = forms.CharField(help_text="Vihje", widget=forms.TextInput(attrs={"maxlength": 10}))
    area = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False, localize=True, min_value=0)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"autocomplete": "off"}))
    time = forms.TimeField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    flags = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"readonly": True, "hidden": False})
    )
    safe = forms.CharField(required=False, widget=forms.TextInput(attrs={"title": "<b>"}))


BYTE_CASES = {
    "empty": None,
    "with markup and errors": {
        "text": 'a "quoted" <b>bold</b> & more',
        "area": "rivi 1\n<rivi 2> & 'kolme'",
        "email": "ei <osoite>",
        "number": "1,5",
        "day": "32.13.2026",
        "time": "25:61",
        "url": "javascript:alert(1)",
        "flags": "",
        "safe": "ok",
    },
    "valid": {"text": "lyhyt", "number": "12,50", "day": "3.5.2027", "time": "9.30"},
}


@pytest.mark.parametrize("case", BYTE_CASES)
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_text_widget_is_written_in_the_bytes_django_writes(case, language):
    """Byte for byte what BoundField.as_widget writes with Django's templates: the value
    escaped (and kept when it is safe), the attributes in order, True bare and False left
    out, aria-invalid and aria-describedby, the text area's line break."""
    with translation.override(language):
        data = BYTE_CASES[case]
        ours, theirs = EveryTextWidget(data), EveryTextWidget(data)
        if data:
            ours.is_valid(), theirs.is_valid()
        ours.initial["safe"] = theirs.initial["safe"] = mark_safe("<i>safe</i>")
        for name in ours.fields:
            written = _widget(ours[name], "form-control")
            drawn = theirs[name].as_widget(attrs={"class": _classes(theirs[name], "form-control")})
            assert written == drawn, name
    if case == "with markup and errors":
        assert "&lt;b&gt;bold&lt;/b&gt;" in _widget(ours["text"], "form-control")
