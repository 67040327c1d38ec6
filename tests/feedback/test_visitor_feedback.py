from datetime import datetime, timedelta

import pytest

from exchange.models import HistoryEntry, State
from feedback import workflow
from feedback.models import VisitorFeedback, has_feedback
from tests import pages, personas
from tests.exchange import support as exchange_support
from tests.exchange.support import notifications, sent_to
from tests.feedback import support
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_start")]


@pytest.fixture
def feedback_path(visit) -> str:
    return url("feedback:feedback-form", pk=visit.pk)


def test_the_feedback_form_asks_the_few_things_the_programme_needs(client, alice, feedback_path):
    client.force_login(alice)

    page = client.get(feedback_path).content.decode()

    for question in [
        "Millainen vierailu oli kaiken kaikkiaan?",
        "Mitä opit?",
        "Mitä viet mukanasi omaan kirjastoosi?",
        "Viesti vastaanottavalle kirjastolle",
        "Viesti vain koordinaattorille",
        "Suosittelisitko tätä kirjastoa kollegalle?",
        "Saammeko julkaista lyhyen tarinan vierailustasi tuleville vierailijoille?",
        "5 – erinomainen",
        "Julkaise nimettömänä",
    ]:
        assert question in page


def test_feedback_on_someone_elses_visit_is_not_found_and_saves_nothing(
    client, visit, feedback_path
):
    bertil = personas.bertil(visit.host_library)
    client.force_login(bertil)

    assert client.get(feedback_path).status_code == 404
    assert client.post(feedback_path, support.feedback_form()).status_code == 404

    visit.refresh_from_db()
    assert visit.state == State.COMPLETED
    assert not VisitorFeedback.objects.exists()


def test_a_second_feedback_for_the_same_visit_is_refused(client, alice, visit, feedback_path):
    client.force_login(alice)
    client.post(feedback_path, support.feedback_form(learned="Ensimmäinen vastaus."))

    response = client.post(
        feedback_path, support.feedback_form(learned="Toinen vastaus."), follow=True
    )

    assert "Olet jo antanut palautetta tästä vierailusta." in response.content.decode()
    assert list(VisitorFeedback.objects.values_list("learned", flat=True)) == [
        "Ensimmäinen vastaus."
    ]
    assert len(notifications("feedback_message_to_host")) == 2
    assert HistoryEntry.objects.filter(exchange=visit, to_state=State.CLOSED).count() == 1


def test_the_workflow_itself_refuses_a_second_feedback(alice, visit):
    first = VisitorFeedback(
        exchange=visit, rating=4, learned="a", take_home="b", would_recommend=True
    )
    workflow.give_feedback(first, by=alice)

    second = VisitorFeedback(
        exchange=visit, rating=1, learned="c", take_home="d", would_recommend=False
    )
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.give_feedback(second, by=alice)
    assert VisitorFeedback.objects.get().rating == 4


def test_feedback_waits_until_the_visit_is_over(client, alice, host):
    upcoming = exchange_support.confirmed_visit(alice, host)
    client.force_login(alice)
    path = url("feedback:feedback-form", pk=upcoming.pk)

    response = client.post(path, support.feedback_form(), follow=True)

    assert response.redirect_chain[-1][0] == upcoming.get_absolute_url()
    assert "Palaute ja matkalasku avautuvat, kun vierailu on ohi." in response.content.decode()
    assert not VisitorFeedback.objects.exists()


def test_a_visit_past_its_last_day_takes_feedback_before_the_hourly_sweep(
    client, time_machine, alice, host
):
    visit = exchange_support.confirmed_visit(alice, host)
    time_machine.move_to(
        datetime.combine(visit.last_day + timedelta(days=1), support.START.timetz()), tick=False
    )
    client.force_login(alice)

    client.post(url("feedback:feedback-form", pk=visit.pk), support.feedback_form())

    visit.refresh_from_db()
    assert visit.state == State.CLOSED
    steps = list(HistoryEntry.objects.filter(exchange=visit).values_list("to_state", flat=True))
    assert steps[-2:] == [State.COMPLETED, State.CLOSED]


def test_the_emailed_link_asks_a_stranger_to_sign_in_first(client, feedback_path):
    response = client.get(feedback_path)

    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:sign-in"))
    assert "next=" in response["Location"]


def test_a_story_to_publish_needs_its_text(client, alice, visit, feedback_path):
    client.force_login(alice)

    response = client.post(feedback_path, support.feedback_form(story=""))

    assert (
        "Kirjoita tarina, jonka annat meidän julkaista, tai valitse, ettei tarinaa julkaista."
        in response.content.decode()
    )
    assert not VisitorFeedback.objects.exists()
    visit.refresh_from_db()
    assert visit.state == State.COMPLETED


def test_without_consent_no_story_is_kept(client, alice, feedback_path):
    client.force_login(alice)

    client.post(
        feedback_path, support.feedback_form(story_consent="no", story="Yksityinen luonnos.")
    )

    feedback = VisitorFeedback.objects.get()
    assert (feedback.story_consent, feedback.story, feedback.story_language) == ("no", "", "")


def test_no_message_goes_to_the_host_when_the_visitor_writes_none(client, alice, feedback_path):
    client.force_login(alice)

    client.post(feedback_path, support.feedback_form(message_to_host=""))

    assert VisitorFeedback.objects.exists()
    assert notifications("feedback_message_to_host") == []


def test_a_mentor_who_is_also_the_host_contact_gets_one_message(client, time_machine, alice, host):
    visit = support.completed_visit(
        time_machine,
        alice,
        host,
        mentor=personas.mentor(email=personas.HOST.email, name=personas.HOST.name),
    )
    client.force_login(alice)

    client.post(url("feedback:feedback-form", pk=visit.pk), support.feedback_form())

    assert sent_to("feedback_message_to_host") == {"sara.sund@korsholm.fi": "sv"}
    message = notifications("feedback_message_to_host")[0]
    assert "/sv/handledare/" in message.body_text  # the mentor's own link to host feedback


def test_has_feedback_tells_the_reminders_when_to_stop(client, alice, visit, feedback_path):
    assert has_feedback(visit.pk) is False
    client.force_login(alice)

    client.post(feedback_path, support.feedback_form())

    assert has_feedback(visit.pk) is True


def test_the_exchange_page_offers_feedback_and_the_claim_only_after_the_visit(client, alice, host):
    upcoming = exchange_support.confirmed_visit(alice, host)
    client.force_login(alice)

    page = client.get(upcoming.get_absolute_url()).content.decode()

    assert url("feedback:feedback-form", pk=upcoming.pk) not in page
    assert url("feedback:claim-form", pk=upcoming.pk) not in page


def test_the_visitor_sees_what_they_gave_afterwards(client, alice, feedback_path):
    client.force_login(alice)
    client.post(feedback_path, support.feedback_form())

    page = client.get(feedback_path).content.decode()

    assert "Palautteesi" in page
    assert "Miten bokbussen suunnittelee reittinsä saaristossa." in page
    assert "Tee matkalasku" in page
    assert "<textarea" not in page


@pytest.mark.parametrize(
    ("language", "consent", "said"),
    [
        ("fi", "no", "Tarina Ei julkaista"),
        ("fi", "anonymous", "Tarina Julkaistaan ilman nimeäsi"),
        ("sv", "no", "Berättelse Publiceras inte"),
        ("sv", "named", "Berättelse Publiceras med ditt namn och bibliotek"),
    ],
)
def test_the_visitors_answer_on_the_story_reads_as_a_statement_afterwards(
    client, alice, visit, language, consent, said
):
    """The form's choice is an order ("Älä julkaise"); shown afterwards it says what happens."""
    client.force_login(alice)
    path = url("feedback:feedback-form", language, pk=visit.pk)
    client.post(path, support.feedback_form(story_consent=consent, story="Satutunti saaristossa."))

    text = pages.text(client.get(path))

    assert said in text
