"""Every form a person fills in on Kollega's pages, rendered as they see it in both languages:
no "---------" placeholder in a list, and a message of its own for each field left empty."""

import re
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils import translation

from exchange.forms import CancelForm, ExchangeRequestForm, RefuseDatesForm
from exchange.link_forms import (
    AnswerForm,
    ArrangementsForm,
    DeclineForm,
    HomeApproveForm,
    HostDecisionForm,
    MentorForm,
)
from exchange.models import ExchangeRequest
from feedback.forms import (
    ExpenseClaimForm,
    ExperienceFilterForm,
    HostFeedbackForm,
    VisitorFeedbackForm,
)
from libraries.account_forms import ProfileForm, SignInForm
from libraries.forms import DirectoryFilterForm
from libraries.models import Library
from libraries.pages_forms import AccessibilityFeedbackForm
from tests import pages
from tests.factories import ExchangeRequestFactory
from tests.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_form(alice, bertil):
    """Each form as its page makes it, the ones behind a link for a reciprocal exchange."""
    exchange = ExchangeRequestFactory(
        visitor=alice, host_library=bertil.library, kind=ExchangeRequest.Kind.RECIPROCAL
    )

    def make() -> dict[str, forms.BaseForm]:
        return {
            "request": ExchangeRequestForm(visitor=alice),
            "request-submitting": ExchangeRequestForm(visitor=alice, submitting=True),
            "cancel": CancelForm(),
            "refuse-dates": RefuseDatesForm(),
            "home-approve": HomeApproveForm(),
            "decline": DeclineForm(),
            "home-answer": AnswerForm(is_host=False),
            "host-answer": AnswerForm(is_host=True),
            "host-decision": HostDecisionForm(exchange=exchange),
            "host-proposes": HostDecisionForm(exchange=exchange, proposes_dates=True),
            "mentor": MentorForm(exchange=exchange),
            "arrangements": ArrangementsForm(),
            "feedback": VisitorFeedbackForm(language="fi"),
            "host-feedback": HostFeedbackForm(),
            "claim": ExpenseClaimForm(exchange=exchange, km_rate=Decimal("0.55")),
            "experiences": ExperienceFilterForm(libraries=Library.objects.all()),
            "sign-in": SignInForm(),
            "profile": ProfileForm(instance=alice),
            "directory": DirectoryFilterForm(),
            "accessibility": AccessibilityFeedbackForm(),
        }

    return make


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_list_in_any_form_offers_a_row_of_dashes(every_form, language):
    with translation.override(language):
        for name, form in every_form().items():
            rendered = render_crispy_form(form) if hasattr(form, "helper") else form.as_div()
            assert "-------" not in rendered, name


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_each_field_left_empty_says_what_to_fill_in(every_form, language):
    with translation.override(language):
        generic = str(forms.Field.default_error_messages["required"])
        missing = []
        for name, form in every_form().items():
            for field_name, field in form.fields.items():
                if field.required:
                    message = str(field.error_messages["required"])
                    missing.append(f"{name}.{field_name}") if message == generic else None
        assert not missing, "\n".join(missing)


def _summary_links(page: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="alert error-summary".*?</div>', page, re.S).group()
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


@pytest.mark.parametrize(
    "language, typed, line",
    [
        ("fi", "", "Kirjoita työsähköpostiosoitteesi."),
        ("sv", "", "Skriv din e-postadress på jobbet."),
        # Django's own message names no field: its line begins with the field's label.
        ("fi", "liisa.lukija", "Työsähköpostiosoitteesi: Syötä kelvollinen sähköpostiosoite."),
        ("sv", "liisa.lukija", "Din e-postadress på jobbet: Fyll i en giltig e-postadress."),
    ],
)
def test_the_error_summary_links_each_error_to_its_field_in_words_that_name_it(
    client, language, typed, line
):
    response = client.post(url("accounts:sign-in", language), {"email": typed})

    page = pages.html(response)
    assert _summary_links(page) == [("id_email", line)]
    assert re.search(r'class="alert error-summary" role="alert" tabindex="-1" autofocus', page)
