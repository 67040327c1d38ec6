"""After the visit the next step names what is still due, feedback and the expense claim,
with their buttons, until all is done; a completed visit and a closed one look different."""

import pytest

from feedback import workflow
from feedback.models import ClaimState
from tests import pages
from tests.factories import ExpenseClaimFactory, VisitorFeedbackFactory
from tests.pages import url

pytestmark = pytest.mark.django_db


def _list(client, language: str = "fi") -> tuple[str, str]:
    response = client.get(url("exchange:my-exchanges", language))
    return pages.text(response), pages.html(response)


def _button(html: str, name: str, visit, label: str, language: str = "fi") -> bool:
    return f'href="{url(name, language, pk=visit.pk)}">{label}</a>' in html


def _feedback(visit, alice):
    feedback = VisitorFeedbackFactory.build(exchange=visit)
    return workflow.give_feedback(feedback, by=alice)


def test_a_visit_just_over_lists_feedback_and_claim_as_due_with_their_buttons(client, visit):
    client.force_login(visit.visitor)

    words, html = _list(client)
    page = client.get(url("exchange:request-detail", pk=visit.pk))

    due = "Vierailu on ohi. Vielä tekemättä: palautteesi ja matkalaskusi."
    assert due in words
    assert due in pages.text(page)
    assert "Kiitos osallistumisesta" not in words
    for markup in (html, pages.html(page)):
        assert _button(markup, "feedback:feedback-form", visit, "Anna palautetta")
        assert _button(markup, "feedback:claim-form", visit, "Tee matkalasku")
    assert "text-bg-warning" in html


def test_in_swedish_too(client, visit):
    client.force_login(visit.visitor)

    words, html = _list(client, "sv")

    assert "Besöket är över. Kvar att göra: din respons och din reseräkning." in words
    assert _button(html, "feedback:feedback-form", visit, "Ge respons", "sv")
    assert _button(html, "feedback:claim-form", visit, "Gör reseräkningen", "sv")


def test_after_the_feedback_the_claim_is_still_due_and_the_visit_looks_closed(client, visit):
    client.force_login(visit.visitor)
    _feedback(visit, visit.visitor)

    words, html = _list(client)

    assert "Kiitos palautteestasi! Vielä tekemättä: matkalaskusi." in words
    assert _button(html, "feedback:claim-form", visit, "Tee matkalasku")
    assert not _button(html, "feedback:feedback-form", visit, "Anna palautetta")
    assert "text-bg-dark" in html and "text-bg-warning" not in html


def test_with_the_claim_sent_the_feedback_is_still_due_and_the_claim_waits(client, visit):
    client.force_login(visit.visitor)
    ExpenseClaimFactory(exchange=visit)

    words, html = _list(client)

    assert "Vierailu on ohi. Vielä tekemättä: palautteesi." in words
    assert "Matkalaskusi odottaa koordinaattorin tarkastusta." in words
    assert _button(html, "feedback:feedback-form", visit, "Anna palautetta")


def test_a_returned_claim_is_due_again_with_the_coordinators_reason(client, visit, coordinator):
    client.force_login(visit.visitor)
    _feedback(visit, visit.visitor)
    claim = ExpenseClaimFactory(exchange=visit)
    workflow.reject_claim(claim.pk, by=coordinator, reason="Hotellikuitti puuttuu.")

    words, html = _list(client)

    assert "Vielä tekemättä: matkalaskun korjaus ja uusi lähetys." in words
    assert "Koordinaattori palautti matkalaskusi: Hotellikuitti puuttuu." in words
    assert _button(html, "feedback:claim-form", visit, "Korjaa matkalasku")


def test_with_everything_done_the_visit_says_so(client, visit):
    client.force_login(visit.visitor)
    _feedback(visit, visit.visitor)
    ExpenseClaimFactory(exchange=visit, state=ClaimState.PAID)

    words, _html = _list(client)

    assert "Kaikki tehty. Kiitos osallistumisesta!" in words
    assert "Matkalaskusi on maksettu." in words


def test_the_list_asks_the_same_number_of_queries_for_one_visit_over_as_for_many(
    client, visit, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ExchangeRequestFactory

    client.force_login(visit.visitor)
    with CaptureQueriesContext(connection) as one:
        client.get(url("exchange:my-exchanges"))
    for number in range(12):
        over = ExchangeRequestFactory(visitor=visit.visitor, state="completed")
        if number % 3 == 0:
            ExpenseClaimFactory(exchange=over)
        elif number % 3 == 1:
            VisitorFeedbackFactory(exchange=over)

    with django_assert_max_num_queries(len(one)):
        response = client.get(url("exchange:my-exchanges"))

    assert pages.html(response).count('class="card mb-3 exchange-card') == 13
