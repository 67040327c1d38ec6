"""Privacy by design: the retention job, and one person's data exported and erased on request.

One full visit is the scene: Alice Aalto of Seinäjoki visits Korsholm, approved by her
supervisor Eeva and by Sara Sund for the host, with Maja Mentor as the workplace mentor. She
gives feedback with a story the coordinator publishes, claims her costs with a receipt, and
the claim is paid. A second visit of hers is declined by Eeva with a reason.
"""

import io
import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import models

from exchange import workflow
from exchange.models import State
from feedback import statistics
from feedback import workflow as after_visit
from feedback.models import (
    ClaimState,
    ExpenseClaim,
    HostFeedback,
    Receipt,
    StoryConsent,
    VisitorFeedback,
)
from libraries.models import AccessibilityFeedback, SignInLink, Staff
from mail.models import Notification
from privacy import retention
from tests.exchange import support as exchange_support
from tests.factories import StaffFactory
from tests.feedback import support
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_start")]

# What the scene writes about people: none of it may remain once the period is over.
PERSONAL = [
    "Alice Aalto",
    "alice@seinajoki.fi",
    "Eeva Esihenkilö",
    "eeva@seinajoki.fi",
    "Sara Sund",
    "sara.sund@korsholm.fi",
    "Maja Mentor",
    "maja.mentor@korsholm.fi",
    "040 123 4567",
    "satutunnit",  # her expectations
    "Kollega hoitaa",  # who covers her work
    "bokbussen",  # what she learned, and the mentor's programme notes
    "Kiitos lämpimästä",  # her message to the host
    "Matkakorvausohjeet",  # her message to the coordinator
    "Personalingången",  # where to meet
    "hotellikuitti",  # the receipt's file name
    "Budjetti on jo käytetty",  # Eeva's reason for declining the second visit
    "en fantastisk gäst",  # the mentor's feedback
]
STORY = "Kaksi päivää Mustasaaressa opetti enemmän kuin moni koulutus."
MONTH = timedelta(days=31)


@pytest.fixture
def scene(time_machine, client, alice, host, coordinator):
    """The visit and everything after it, and the declined second visit."""
    declined = exchange_support.submitted(alice, host, first_day=exchange_support.weekday_ahead(60))
    home = exchange_support.pending(declined, "home")
    workflow.decline(home.pk, version=home.version, reason="Budjetti on jo käytetty.")

    visit = support.completed_visit(time_machine, alice, host)
    client.force_login(alice)
    response = client.post(url("feedback:feedback-form", pk=visit.pk), support.feedback_form())
    assert response.status_code == 302
    response = support.send_claim(client, visit)
    assert response.status_code == 302
    after_visit.give_host_feedback(
        HostFeedback(
            exchange=visit,
            author_name="Maja Mentor",
            author_email="maja.mentor@korsholm.fi",
            language="sv",
            how_it_went="Alice var en fantastisk gäst.",
            would_host_again=True,
        )
    )
    feedback = VisitorFeedback.objects.get(exchange=visit)
    after_visit.publish_story(feedback.pk)
    claim = ExpenseClaim.objects.get(exchange=visit)
    after_visit.approve_claim(claim.pk, by=coordinator)
    after_visit.mark_claim_paid(claim.pk, by=coordinator)
    LogEntry.objects.log_actions(
        user_id=coordinator.pk,
        queryset=[claim.receipts.get()],
        action_flag=CHANGE,
        single_object=True,
    )
    LogEntry.objects.log_actions(
        user_id=coordinator.pk,
        queryset=[visit],
        action_flag=CHANGE,
        change_message="Alice Aalto asked to correct the kilometres.",
        single_object=True,
    )
    # The mail server refused one message, and its answer repeats the name and the address.
    Notification.objects.filter(exchange=visit, recipient="alice@seinajoki.fi").update(
        error="SMTPRecipientsRefused: {'alice@seinajoki.fi': (550, b'Alice Aalto: no such user')}"
    )
    client.logout()
    return visit, declined


# The library's exchange contact is the directory's public data, kept while she is the
# contact (erasure asks for another contact first); the same person named in a visit goes.
KEPT_COLUMNS = {("libraries.library", "contact_name"), ("libraries.library", "contact_email")}


def _stored_text() -> str:
    """Every text column of every table, as one text."""
    values = []
    for model in apps.get_models():
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.FileField))
            and (model._meta.label_lower, field.attname) not in KEPT_COLUMNS
        ]
        if columns:
            values += [str(value) for row in model.objects.values_list(*columns) for value in row]
    return "\n".join(values)


def _figures():
    return statistics.rows(statistics.year_figures(2026))


def _receipt_files(private_media):
    return [p for p in private_media.rglob("*") if p.is_file()]


def test_the_scene_holds_the_personal_data_the_job_will_remove(scene, private_media):
    text = _stored_text()

    assert [word for word in PERSONAL if word not in text] == []
    assert len(_receipt_files(private_media)) == 1


def test_after_the_period_names_addresses_texts_and_receipts_are_gone(
    time_machine, scene, private_media, django_capture_on_commit_callbacks
):
    visit, declined = scene
    figures = _figures()
    time_machine.move_to(support.START + 25 * MONTH, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention.run()

    assert report.exchanges == 2
    assert report.accounts == 1
    assert report.receipts == 1
    text = _stored_text()
    assert [word for word in PERSONAL if word in text] == []
    assert _receipt_files(private_media) == []
    # What the statistics count is kept: the year's figures are the same.
    assert _figures() == figures
    visit.refresh_from_db()
    assert visit.state == State.CLOSED
    assert (visit.home_library.slug, visit.host_library.slug) == ("seinajoki", "korsholm")
    assert visit.days == 2
    assert ExpenseClaim.objects.get(exchange=visit).total_eur > 0
    assert VisitorFeedback.objects.get(exchange=visit).rating == 5
    assert visit.history.last().comment == "Henkilötiedot poistettu."


def test_a_published_story_stays_but_no_longer_names_the_visitor(time_machine, client, scene):
    time_machine.move_to(support.START + 25 * MONTH, tick=False)

    retention.run()

    page = client.get(url("feedback:experiences")).content.decode()
    assert STORY in page
    assert "Alice" not in page
    assert "Vierailija, joka halusi pysyä nimettömänä" in page
    feedback = VisitorFeedback.objects.get(story=STORY)
    assert feedback.story_consent == StoryConsent.ANONYMOUS


def test_a_second_run_changes_nothing(time_machine, scene):
    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    retention.run()
    after_first = _stored_text()

    time_machine.move_to(support.START + 26 * MONTH, tick=False)
    report = retention.run()

    assert (report.exchanges, report.accounts, report.receipts, report.messages) == (0, 0, 0, 0)
    assert _stored_text() == after_first


def test_nothing_is_removed_before_the_period_is_over(time_machine, scene):
    before = _stored_text()
    time_machine.move_to(support.START + 22 * MONTH, tick=False)

    report = retention.run()

    assert (report.exchanges, report.accounts) == (0, 0)
    assert _stored_text() == before


def test_the_period_is_a_setting(time_machine, settings, scene):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 6
    time_machine.move_to(support.START + 7 * MONTH, tick=False)

    assert retention.run().exchanges == 2


def test_a_visit_completed_without_feedback_counts_from_its_last_day(time_machine, alice, host):
    visit = support.completed_visit(time_machine, alice, host)
    time_machine.move_to(support.START + 23 * MONTH, tick=False)
    assert retention.run().exchanges == 0

    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    assert retention.run().exchange_ids == [visit.pk]
    visit.refresh_from_db()
    assert visit.mentor_email == "" and visit.expectations == ""


def test_a_draft_never_sent_counts_from_when_it_was_last_saved(time_machine, alice, host):
    draft = exchange_support.draft(alice, host)
    time_machine.move_to(support.START + 23 * MONTH, tick=False)
    assert retention.run().exchanges == 0

    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    report = retention.run()

    assert report.exchange_ids == [draft.pk]
    assert report.accounts == 1
    draft.refresh_from_db()
    assert draft.expectations == "" and draft.state == State.DRAFT


def test_an_unsettled_claim_keeps_its_visit(time_machine, client, alice, host):
    visit = support.completed_visit(time_machine, alice, host)
    client.force_login(alice)
    client.post(url("feedback:feedback-form", pk=visit.pk), support.feedback_form())
    support.send_claim(client, visit)
    assert ExpenseClaim.objects.get(exchange=visit).state == ClaimState.SUBMITTED
    time_machine.move_to(support.START + 30 * MONTH, tick=False)

    report = retention.run()

    assert report.exchanges == 0
    assert Receipt.objects.count() == 1


def test_an_account_in_use_is_kept_while_its_old_visits_are_anonymised(
    time_machine, client, scene, alice
):
    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    client.force_login(alice)  # she signed in again recently

    report = retention.run()

    assert report.exchanges == 2
    assert report.accounts == 0
    alice.refresh_from_db()
    assert alice.name == "Alice Aalto" and alice.is_active


def test_an_anonymised_account_can_no_longer_be_used(time_machine, scene, alice):
    time_machine.move_to(support.START + 25 * MONTH, tick=False)

    retention.run()

    alice.refresh_from_db()
    assert not alice.is_active
    assert not alice.has_usable_password()
    assert alice.email == f"anonymised-{alice.pk}@kollega.invalid"
    assert str(alice) == f"anonymisoitu henkilö #{alice.pk}"


def test_old_accessibility_messages_and_sign_in_links_are_deleted(time_machine):
    AccessibilityFeedback.objects.create(
        name="Ville Väärä", email="ville@example.fi", message="Kontrasti on heikko."
    )
    SignInLink.objects.create(token_hash="x" * 64, email="ville@example.fi", language="fi")
    time_machine.move_to(support.START + 2 * MONTH, tick=False)
    report = retention.run()
    assert (report.accessibility_feedback, report.sign_in_links) == (0, 1)
    assert AccessibilityFeedback.objects.exists()

    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    assert retention.run().accessibility_feedback == 1
    assert not AccessibilityFeedback.objects.exists()


def test_expired_sessions_and_old_failed_admin_sign_ins_are_deleted(time_machine, client, alice):
    client.force_login(alice)
    AccessAttempt.objects.create(
        username="kerttu@vaasa.fi", ip_address="192.0.2.1", user_agent="", failures_since_start=1
    )
    assert retention.run().failed_admin_sign_ins == 0

    time_machine.move_to(support.START + 3 * MONTH, tick=False)
    report = retention.run()

    assert (report.sessions, report.failed_admin_sign_ins) == (1, 1)
    assert not Session.objects.exists() and not AccessAttempt.objects.exists()


def test_the_command_has_a_dry_run_that_changes_nothing(time_machine, scene):
    visit, declined = scene
    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    before = _stored_text()
    out = io.StringIO()

    call_command("anonymise_personal_data", "--dry-run", stdout=out)

    assert _stored_text() == before
    printed = out.getvalue()
    assert "dry run" in printed
    assert re.search(r"visits anonymised +2\n", printed)
    assert re.search(r"accounts anonymised +1\n", printed)
    assert re.search(r"receipts deleted +1\n", printed)
    assert f"visits: {declined.pk}, {visit.pk}" in printed

    call_command("anonymise_personal_data", stdout=io.StringIO())
    assert "Alice Aalto" not in _stored_text()


def test_a_dry_run_reports_exactly_what_the_real_run_then_does(
    time_machine, client, scene, alice, private_media
):
    time_machine.move_to(support.START + 25 * MONTH, tick=False)
    receipts = _receipt_files(private_media)
    before = _stored_text()

    dry = retention.run(dry_run=True).as_dict()

    assert _stored_text() == before
    assert _receipt_files(private_media) == receipts != []
    real = retention.run().as_dict()
    assert {**dry, "dry_run": False} == real
    assert real["exchanges"] == 2 and real["receipts"] == 1


def test_beat_runs_the_job_every_night(settings, time_machine, scene):
    from privacy.tasks import anonymise_personal_data

    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-personal-data"]
    assert entry["task"] == "privacy.tasks.anonymise_personal_data"
    # Once a day, in the small hours of Finnish time, whenever beat was started.
    assert entry["schedule"].hour == {3}
    assert len(entry["schedule"].minute) == 1
    assert settings.CELERY_TIMEZONE == "Europe/Helsinki"
    time_machine.move_to(support.START + 25 * MONTH, tick=False)

    anonymise_personal_data.delay()

    assert "Alice Aalto" not in _stored_text()


def test_the_privacy_notice_states_the_period(client, settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 36

    finnish = client.get("/fi/tietosuoja/").content.decode()
    swedish = client.get("/sv/dataskydd/").content.decode()

    assert "36 kuukauden" in finnish or "36 kuukautta" in finnish
    assert "36 månader" in swedish
    assert "kuitit poistetaan samalla" in finnish
    assert "kopia av alla uppgifter" in swedish


# --- one person's data on request --------------------------------------------------------


def _page(client, email: str):
    return client.get("/fi/admin/privacy/personaldata/", {"email": email})


def test_the_coordinator_sees_what_kollega_holds_about_a_person(client, scene, coordinator):
    client.force_login(coordinator)

    page = _page(client, "ALICE@seinajoki.fi").content.decode()

    assert "alice@seinajoki.fi" in page
    assert "Lataa kaikki JSON-tiedostona" in page
    assert "Poista henkilötiedot" in page


def test_the_export_holds_everything_about_the_visitor(client, scene, coordinator):
    visit, declined = scene
    client.force_login(coordinator)

    response = client.get("/fi/admin/privacy/personaldata/export/", {"email": "alice@seinajoki.fi"})

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["name"] == "Alice Aalto"
    assert "password" not in data["account"]
    exchanges = {item["id"]: item for item in data["exchanges"]}
    assert set(exchanges) == {visit.pk, declined.pk}
    assert exchanges[visit.pk]["roles"] == ["visitor"]
    assert "satutunnit" in exchanges[visit.pk]["expectations"]
    assert exchanges[visit.pk]["feedback"]["story"] == STORY
    assert exchanges[visit.pk]["expense_claim"]["receipts"][0]["original_name"] == (
        "hotellikuitti.pdf"
    )
    assert exchanges[visit.pk]["host_feedback"]["how_it_went"] == "Alice var en fantastisk gäst."
    assert {"submitted", "confirmed", "declined"} <= {m["kind"] for m in data["emails_sent"]}


def test_a_supervisors_export_holds_their_part_not_the_visitors_texts(client, scene, coordinator):
    client.force_login(coordinator)

    response = client.get("/fi/admin/privacy/personaldata/export/", {"email": "eeva@seinajoki.fi"})

    data = json.loads(response.content)
    assert data["account"] is None
    assert [item["roles"] for item in data["exchanges"]] == [["home_supervisor"]] * 2
    assert all("expectations" not in item for item in data["exchanges"])
    comments = [a["comment"] for item in data["exchanges"] for a in item["approvals"]]
    assert "Budjetti on jo käytetty." in comments
    assert data["named_as_supervisor_by"] == [
        {"id": Staff.objects.get(email="alice@seinajoki.fi").pk, "name": "Alice Aalto"}
    ]
    assert {"decision_request", "confirmed"} <= {m["kind"] for m in data["emails_sent"]}
    assert {m["recipient"] for m in data["emails_sent"]} == {"eeva@seinajoki.fi"}


def test_erasure_needs_the_box_ticked_and_changes_nothing_without(client, scene, coordinator):
    client.force_login(coordinator)
    before = _stored_text()

    response = client.post(
        "/fi/admin/privacy/personaldata/erase/", {"email": "alice@seinajoki.fi"}, follow=True
    )

    assert "Vahvista poisto rastittamalla ruutu." in response.content.decode()
    assert _stored_text() == before


def test_erasing_the_visitor_removes_her_data_everywhere_and_keeps_the_figures(
    client, scene, coordinator, private_media, django_capture_on_commit_callbacks
):
    visit, declined = scene
    figures = _figures()
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fi/admin/privacy/personaldata/erase/",
            {"email": "alice@seinajoki.fi", "confirm": "on"},
            follow=True,
        )

    assert "Henkilötiedot poistettu" in response.content.decode()
    text = _stored_text()
    assert "Alice Aalto" not in text and "alice@seinajoki.fi" not in text
    assert "satutunnit" not in text and "Matkakorvausohjeet" not in text
    assert STORY not in text  # a published story is withdrawn on request
    assert _receipt_files(private_media) == []
    assert _figures() == figures
    alice = Staff.objects.get(pk=visit.visitor_id)
    assert not alice.is_active and alice.anonymised_at is not None
    # The coordinator's own log says who erased, without saying whose data it was.
    entry = LogEntry.objects.filter(user=coordinator).latest("action_time")
    assert "Alice" not in entry.object_repr
    assert client.get(url("feedback:experiences")).content.decode().count(STORY) == 0


def test_erasing_a_supervisor_keeps_the_visitors_own_data(client, scene, coordinator):
    visit, declined = scene
    client.force_login(coordinator)

    client.post(
        "/fi/admin/privacy/personaldata/erase/",
        {"email": "eeva@seinajoki.fi", "confirm": "on"},
    )

    text = _stored_text()
    assert "eeva@seinajoki.fi" not in text
    assert "Eeva Esihenkilö" not in text
    assert "Budjetti on jo käytetty" not in text
    visit.refresh_from_db()
    assert visit.home_supervisor_email == ""
    assert "satutunnit" in visit.expectations
    assert visit.visitor.name == "Alice Aalto"
    assert Staff.objects.get(email="alice@seinajoki.fi").supervisor_email == ""


def test_erasure_waits_while_an_exchange_is_in_progress(client, alice, coordinator, host):
    exchange = exchange_support.submitted(alice, host)
    client.force_login(coordinator)
    before = _stored_text()

    response = client.post(
        "/fi/admin/privacy/personaldata/erase/",
        {"email": "alice@seinajoki.fi", "confirm": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert f"#{exchange.pk}" in page
    assert "Vie ne loppuun tai peru ne ensin." in page
    assert _stored_text() == before


def test_a_librarys_contact_is_not_erased_before_another_is_named(client, coordinator, host):
    client.force_login(coordinator)

    page = _page(client, "sara.sund@korsholm.fi").content.decode()

    assert "Mustasaaren pääkirjasto" in page
    assert "nimeä ensin toinen yhteyshenkilö" in page
    assert "Poista henkilötiedot" not in page


def test_the_staff_list_action_opens_the_persons_page(client, scene, coordinator):
    alice = Staff.objects.get(email="alice@seinajoki.fi")
    client.force_login(coordinator)

    response = client.post(
        "/fi/admin/libraries/staff/",
        {"action": "personal_data", "_selected_action": [alice.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(
        "/fi/admin/privacy/personaldata/?email=alice%40seinajoki.fi"
    )


def test_the_staff_list_action_downloads_one_persons_data(client, scene, coordinator):
    alice = Staff.objects.get(email="alice@seinajoki.fi")
    client.force_login(coordinator)

    response = client.post(
        "/fi/admin/libraries/staff/",
        {"action": "export_personal_data", "_selected_action": [alice.pk]},
    )

    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["account"]["email"] == "alice@seinajoki.fi"


def test_the_staff_list_actions_want_exactly_one_person(client, scene, coordinator):
    people = Staff.objects.filter(is_staff=False).values_list("pk", flat=True)
    client.force_login(coordinator)

    response = client.post(
        "/fi/admin/libraries/staff/",
        {"action": "export_personal_data", "_selected_action": list(people) + [coordinator.pk]},
        follow=True,
    )

    assert "Valitse yksi henkilö." in response.content.decode()


def test_only_those_allowed_see_or_erase_personal_data(client, scene):
    helper = StaffFactory(is_staff=True, library=None, supervisor_email="")
    client.force_login(helper)

    assert _page(client, "alice@seinajoki.fi").status_code == 403
    response = client.post(
        "/fi/admin/privacy/personaldata/erase/",
        {"email": "alice@seinajoki.fi", "confirm": "on"},
    )
    assert response.status_code == 403
    assert Staff.objects.get(email="alice@seinajoki.fi").is_active


def test_the_coordinator_group_may_answer_requests_and_accessibility_feedback():
    codenames = set(
        Group.objects.get(name="Coordinator").permissions.values_list("codename", flat=True)
    )

    assert {"view_personaldata", "erase_personaldata"} <= codenames
    assert {"view_accessibilityfeedback", "change_accessibilityfeedback"} <= codenames


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "a" * 100_000 + "@seinajoki.fi", ""],
)
def test_a_bad_address_gets_a_clear_answer_and_erases_nothing(client, scene, coordinator, email):
    client.force_login(coordinator)
    before = _stored_text()

    response = client.post(
        "/fi/admin/privacy/personaldata/erase/", {"email": email, "confirm": "on"}, follow=True
    )

    assert response.status_code == 200
    assert '<li class="error">' in response.content.decode()
    assert _stored_text() == before
    assert _page(client, email).status_code == 200


def test_the_page_opens_no_account_of_its_own(client, scene, coordinator):
    alice = Staff.objects.get(email="alice@seinajoki.fi")
    client.force_login(coordinator)

    for path in ["change", "history", "delete"]:
        response = client.get(f"/fi/admin/privacy/personaldata/{alice.pk}/{path}/")
        assert response.status_code == 404, path
