"""Every public form, fed anything: it never raises; it is valid or says what is wrong."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_field, from_form

from exchange.forms import CancelForm, ExchangeRequestForm, RefuseDatesForm
from exchange.link_forms import DeclineForm, HomeApproveForm, HostDecisionForm
from libraries.account_forms import ProfileForm, SignInForm
from libraries.forms import DirectoryFilterForm
from libraries.models import Library
from tests.exchange import support
from tests.factories import ExchangeRequestFactory, FocusAreaFactory, NetworkFactory

pytestmark = pytest.mark.django_db

# What people and programs type into forms when they should not.
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "ab\x00cd",
    "\ud800",
    "x\udfffy",
    "a" * 100_000,
    "Maija\r\nBcc: everyone@example.com",
    "alice@seinajoki.fi\r\nCc: bob@korsholm.fi",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../etc/passwd",
    "-1",
    "1e309",
    "NaN",
    "9" * 60,
    "2027-02-30",
    "31.12.99999",
    "١٢٣",
    "\u202eevil",
    "😀" * 50,
    "ä" * 3000,
]

# The fields of a form, each drawn from what Hypothesis infers for it or from hostile text.
# A few runs per form keep the suite quick; the fuzz test sends the same texts over HTTP.
PROPERTY_SETTINGS = settings(
    max_examples=25,
    # Nothing kept between runs: each run draws afresh, and no folder is left behind.
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def _hostile(field: forms.Field) -> st.SearchStrategy:
    hostile = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=200))
    try:
        inferred = from_field(field)
    except Exception:  # noqa: BLE001 - a field Hypothesis cannot infer gets hostile text alone
        return hostile
    return st.one_of(inferred, hostile)


def hostile_forms(form_class, **form_kwargs) -> st.SearchStrategy:
    fields = form_class(**form_kwargs).fields
    return from_form(
        form_class,
        form_kwargs=form_kwargs,
        **{name: _hostile(field) for name, field in fields.items()},
    )


def assert_valid_or_explained(form: forms.BaseForm) -> None:
    """is_valid() answers; an invalid form names its errors in words; the form still renders."""
    valid = form.is_valid()
    if valid:
        assert not form.errors
    else:
        assert form.errors
        for errors in form.errors.values():
            assert all(str(error).strip() for error in errors)
    assert str(form)


@pytest.fixture
def world(alice, home, host):
    """Alice at Seinäjoki, Korsholm as host, and the rows the forms offer as choices."""
    NetworkFactory()
    FocusAreaFactory()
    exchange = support.submitted(
        alice,
        host,
        first_day=support.weekday_ahead(30),
        last_day=support.weekday_ahead(30) + timedelta(days=1),
    )
    return {"alice": alice, "home": home, "host": host, "exchange": exchange}


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_sign_in_form_never_fails(world, data):
    assert_valid_or_explained(data.draw(hostile_forms(SignInForm)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_profile_form_never_fails(world, data):
    assert_valid_or_explained(data.draw(hostile_forms(ProfileForm, instance=world["alice"])))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_accessibility_feedback_form_never_fails(world, data):
    from libraries.pages_forms import AccessibilityFeedbackForm

    assert_valid_or_explained(data.draw(hostile_forms(AccessibilityFeedbackForm)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_directory_filter_never_fails(world, data):
    form = data.draw(hostile_forms(DirectoryFilterForm))
    assert_valid_or_explained(form)
    list(form.filter(Library.objects.with_related()))


@PROPERTY_SETTINGS
@given(data=st.data(), submitting=st.booleans())
def test_the_request_form_never_fails(world, data, submitting):
    form = data.draw(
        hostile_forms(ExchangeRequestForm, visitor=world["alice"], submitting=submitting)
    )
    assert_valid_or_explained(form)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_visitors_small_forms_never_fail(world, data):
    for form_class in (CancelForm, RefuseDatesForm):
        assert_valid_or_explained(data.draw(hostile_forms(form_class)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_home_supervisors_forms_never_fail(world, data):
    for form_class in (HomeApproveForm, DeclineForm):
        assert_valid_or_explained(data.draw(hostile_forms(form_class, prefix="approve")))


@PROPERTY_SETTINGS
@given(data=st.data(), return_visit=st.booleans())
def test_the_host_decision_form_never_fails(world, data, return_visit):
    exchange = world["exchange"]
    exchange.kind = "reciprocal" if return_visit else "one_way"
    assert_valid_or_explained(
        data.draw(hostile_forms(HostDecisionForm, exchange=exchange, prefix="approve"))
    )


def _feedback_forms(world) -> list[tuple[type, dict]]:
    """The after-visit forms, as their views build them."""
    from feedback import forms as feedback_forms

    completed = ExchangeRequestFactory(
        visitor=world["alice"],
        host_library=world["host"],
        state="completed",
        first_day=timezone.localdate() - timedelta(days=10),
        last_day=timezone.localdate() - timedelta(days=9),
    )
    return [
        (feedback_forms.VisitorFeedbackForm, {"language": "fi"}),
        (feedback_forms.HostFeedbackForm, {}),
        (feedback_forms.ExpenseClaimForm, {"exchange": completed, "km_rate": Decimal("0.59")}),
        (feedback_forms.ExperienceFilterForm, {"libraries": Library.objects.all()}),
    ]


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_after_visit_forms_never_fail(world, data):
    for form_class, kwargs in _feedback_forms(world):
        assert_valid_or_explained(data.draw(hostile_forms(form_class, **kwargs)))
