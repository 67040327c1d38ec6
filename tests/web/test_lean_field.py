"""The decision forms' fields drawn without crispy-forms' renderer carry the same markup: the
label and its required mark, the widget's classes, aria-invalid and aria-describedby, the
error block the error summary links to and the hint."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.utils import translation

from exchange.link_forms import DeclineForm, HomeApproveForm, HostDecisionForm
from tests.factories import ExchangeRequestFactory
from web.fields import _drawn_here, lean_field

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
