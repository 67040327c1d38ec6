"""Published stories: only with consent, newest first, by region and library, in both languages."""

from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from feedback import workflow
from feedback.models import VisitorFeedback
from libraries.models import Municipality
from tests.factories import (
    ExchangeRequestFactory,
    LibraryFactory,
    MunicipalityFactory,
    RegionFactory,
    StaffFactory,
    VisitorFeedbackFactory,
)
from tests.pages import url

pytestmark = pytest.mark.django_db


def _published(days_ago: int, **fields) -> VisitorFeedback:
    return VisitorFeedbackFactory(published_at=timezone.now() - timedelta(days=days_ago), **fields)


@pytest.fixture
def libraries():
    etela = RegionFactory(
        slug="etela-pohjanmaa", name_fi="Etelä-Pohjanmaa", name_sv="Södra Österbotten"
    )
    pohjanmaa = RegionFactory(slug="pohjanmaa", name_fi="Pohjanmaa", name_sv="Österbotten")
    return {
        "lapua": LibraryFactory(
            name_fi="Lapuan kaupunginkirjasto",
            name_sv="Lappo stadsbibliotek",
            slug="lapua",
            municipality=MunicipalityFactory(name_fi="Lapua", region=etela),
        ),
        "vaasa": LibraryFactory(
            name_fi="Vaasan kaupunginkirjasto",
            name_sv="Vasa stadsbibliotek",
            slug="vaasa",
            municipality=MunicipalityFactory(
                name_fi="Vaasa",
                region=pohjanmaa,
                language_status=Municipality.LanguageStatus.BILINGUAL_FINNISH,
            ),
        ),
    }


def _visit_to(host, visitor_name: str, first_day: date):
    visitor = StaffFactory(name=visitor_name)
    return ExchangeRequestFactory(
        visitor=visitor, host_library=host, state="closed", first_day=first_day
    )


def test_a_story_without_consent_can_never_be_published(client, coordinator):
    feedback = VisitorFeedbackFactory(story_consent="no", story="")

    # Not through the workflow,
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.publish_story(feedback.pk)

    # not through the admin's action,
    client.force_login(coordinator)
    response = client.post(
        url("admin:feedback_visitorfeedback_changelist"),
        {"action": "publish_stories", "_selected_action": [feedback.pk]},
        follow=True,
    )
    assert "1 tarinaa ei julkaistu: vierailija ei antanut siihen lupaa." in (
        response.content.decode()
    )

    # not through the feedback's own page in the admin,
    change = url("admin:feedback_visitorfeedback_change", object_id=feedback.pk)
    page = client.get(change).content.decode()
    assert 'name="published"' in page and "disabled" in page.split('name="published"')[1][:80]
    client.post(change, {"published": "on", "reviewed": "on", "coordinator_note": "Hyvä."})
    feedback.refresh_from_db()
    assert feedback.coordinator_note == "Hyvä."
    assert feedback.published_at is None

    # and not even by writing the row directly.
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitorFeedback.objects.filter(pk=feedback.pk).update(published_at=timezone.now())

    assert (
        client.get(url("feedback:experiences")).content.decode().count('class="card mb-3 story"')
        == 0
    )


def test_a_story_allowed_without_text_cannot_be_published_either(client):
    feedback = VisitorFeedbackFactory(story_consent="named", story="")

    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.publish_story(feedback.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitorFeedback.objects.filter(pk=feedback.pk).update(published_at=timezone.now())


def test_the_stories_come_newest_first_each_with_its_language_and_host(client, libraries):
    _published(
        5,
        exchange=_visit_to(libraries["lapua"], "Olli Vanha", date(2026, 2, 2)),
        story="Vanhempi tarina.",
    )
    _published(
        1,
        exchange=_visit_to(libraries["vaasa"], "Nina Uusi", date(2026, 3, 2)),
        story="En nyare berättelse.",
        story_language="sv",
    )

    page = client.get(url("feedback:experiences", "sv")).content.decode()

    assert page.index("En nyare berättelse.") < page.index("Vanhempi tarina.")
    assert '<blockquote class="mb-2" lang="sv">' in page
    assert '<blockquote class="mb-2" lang="fi">' in page
    assert "Skriven på svenska" in page and "Skriven på finska" in page
    assert '<a href="/sv/bibliotek/vaasa/">Vasa stadsbibliotek</a>' in page
    assert "Nina Uusi" in page


def test_the_stories_filter_by_region_and_by_library(client, libraries):
    _published(
        3, exchange=_visit_to(libraries["lapua"], "Olli", date(2026, 2, 2)), story="Lapualla."
    )
    _published(
        2, exchange=_visit_to(libraries["vaasa"], "Nina", date(2026, 3, 2)), story="Vaasassa."
    )

    by_region = client.get(url("feedback:experiences"), {"region": "etela-pohjanmaa"})
    by_library = client.get(url("feedback:experiences"), {"library": "vaasa"})

    assert "Lapualla." in by_region.content.decode()
    assert "Vaasassa." not in by_region.content.decode()
    assert "Vaasassa." in by_library.content.decode()
    assert "Lapualla." not in by_library.content.decode()


def test_an_anonymous_story_shows_neither_name_nor_library(client, libraries):
    visit = _visit_to(libraries["vaasa"], "Salainen Sanna", date(2026, 3, 2))
    _published(1, exchange=visit, story_consent="anonymous", story="Nimetön kokemus.")

    page = client.get(url("feedback:experiences")).content.decode()

    assert "Nimetön kokemus." in page
    assert "Salainen Sanna" not in page
    assert visit.home_library.name not in page
    assert "Vierailija, joka halusi pysyä nimettömänä" in page


def test_unpublished_and_withdrawn_stories_stay_hidden(client, libraries):
    VisitorFeedbackFactory(story="Odottaa koordinaattoria.")
    withdrawn = _published(2, story="Poistettu julkaisusta.")
    workflow.unpublish_story(withdrawn.pk)

    page = client.get(url("feedback:experiences")).content.decode()

    assert "Odottaa koordinaattoria." not in page
    assert "Poistettu julkaisusta." not in page
    assert "Kokemuksia ei ole vielä julkaistu." in page


def test_a_librarys_page_shows_its_own_stories(client, libraries):
    _published(
        3, exchange=_visit_to(libraries["lapua"], "Olli", date(2026, 2, 2)), story="Lapualla."
    )
    _published(
        2, exchange=_visit_to(libraries["vaasa"], "Nina", date(2026, 3, 2)), story="Vaasassa."
    )

    page = client.get(libraries["vaasa"].get_absolute_url()).content.decode()
    with translation.override("sv"):
        swedish = client.get(libraries["vaasa"].get_absolute_url()).content.decode()

    assert '<h2 id="stories" class="h4">Vierailijoiden kokemuksia</h2>' in page
    assert "Vaasassa." in page
    assert "Lapualla." not in page
    assert '<h2 id="stories" class="h4">Besökarnas erfarenheter</h2>' in swedish


def test_a_library_without_stories_has_no_experiences_section(client, libraries):
    page = client.get(libraries["vaasa"].get_absolute_url()).content.decode()

    assert page.count("<h2") >= 2
    assert 'id="stories"' not in page


def test_the_experiences_page_is_in_the_menu_in_both_languages(client):
    assert '<a class="nav-link" href="/fi/kokemuksia/">Kokemuksia</a>' in (
        client.get(url("home", "fi")).content.decode()
    )
    assert '<a class="nav-link" href="/sv/erfarenheter/">Erfarenheter</a>' in (
        client.get(url("home", "sv")).content.decode()
    )


def test_many_stories_are_paged(client):
    for days in range(25):
        _published(days, story=f"Tarina {days}.")

    first = client.get(url("feedback:experiences")).content.decode()
    second = client.get(url("feedback:experiences"), {"page": 2}).content.decode()

    assert "Tarina 0." in first and "Tarina 24." not in first
    assert "Tarina 24." in second
    assert "Sivu 2 / 2" in second


def test_published_at_is_set_once(client):
    feedback = VisitorFeedbackFactory()
    first = workflow.publish_story(feedback.pk).published_at

    again = workflow.publish_story(feedback.pk).published_at

    assert first == again
    assert isinstance(first, datetime)
