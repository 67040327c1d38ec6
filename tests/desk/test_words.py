"""The admin in plain Finnish and Swedish to the last label: every page the coordinator opens,
the security apps' included, and the outbox and the history as words, never codes."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from exchange.models import State
from mail.kinds import named_kinds
from mail.models import Notification
from tests.desk import words
from tests.pages import admin_url, html

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/fi/admin/[^"#?]*)"')
# Pages that are no page to read: files, leaving, and pages that act.
NOT_PAGES = ("/logout/", "/export", "/csv/", "/qrcode/", "/delete/", "/password/", "/r/")


def coordinators_pages(client) -> list[str]:
    """Every admin page the coordinator reaches from the index in two clicks: the lists, the
    pages of their first rows, the add forms and the pages the lists link to."""
    seen, todo = set(), [admin_url("index")]
    for _depth in range(3):
        found = []
        for path in todo:
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            for link in LINK.findall(response.content.decode()):
                if not any(part in link for part in NOT_PAGES):
                    found.append(link)
        todo = found
    return sorted(seen)


def test_the_check_finds_english_where_it_is_left():
    """The check can fail: Django's and Kollega's words left in English are found."""
    page = (
        "<table><th>Action</th><td>Save and add another</td><td>Kollega</td></table>"
        '<p>Hello. Please correct the error below. <input type="submit" value="Go"></p>'
    )
    assert words.untranslated(page, "fi") == {
        "Action",
        "Save and add another",
        "Please correct the error below.",
        "Go",
    }
    assert words.untranslated("<p>Muutettu onnistuneesti</p>", "fi") == set()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_page_of_the_coordinator_speaks_the_pages_language(
    coordinator_client, programme, language
):
    paths = coordinators_pages(coordinator_client)
    # The crawl reached the work's lists and the security pages the coordinator keeps.
    for name in [
        "exchange_exchangerequest_changelist",
        "feedback_expenseclaim_changelist",
        "feedback_visitorfeedback_changelist",
        "feedback_yearstatistics_changelist",
        "libraries_library_changelist",
        "mail_notification_changelist",
        "otp_totp_totpdevice_changelist",
        "otp_totp_totpdevice_add",
    ]:
        assert admin_url(name) in paths, name
    assert len(paths) > 40

    english = {}
    for path in paths:
        response = coordinator_client.get(f"/{language}{path.removeprefix('/fi')}", follow=True)
        page = html(response)
        found = words.untranslated(page, language)
        if found:
            english[path] = sorted(found)

    assert english == {}, "\n".join(f"{path}: {found}" for path, found in english.items())


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_outbox_and_the_history_show_words_not_codes(coordinator_client, programme, language):
    kinds = set(Notification.objects.values_list("kind", flat=True))
    codes = kinds | {state.value for state in State if "_" in state.value}
    assert {"decision_request", "awaiting_home"} <= codes
    pages = [
        admin_url("mail_notification_changelist", language=language),
        admin_url("exchange_exchangerequest_change", programme["confirmed"].pk, language=language),
    ]
    for path in pages:
        shown = " ".join(words.pieces(html(coordinator_client.get(path))))
        assert not [code for code in codes if re.search(rf"\b{code}\b", shown)], path
    history = " ".join(words.pieces(html(coordinator_client.get(pages[1]))))
    assert {
        "fi": "Odottaa oman esihenkilön hyväksyntää",
        "sv": "Väntar på egen förmans godkännande",
    }[language] in history


def test_every_kind_of_email_has_a_name():
    templates = Path(settings.BASE_DIR, "templates", "emails").glob("*.subject.txt")
    kinds = {path.name.removesuffix(".subject.txt") for path in templates}
    assert kinds and kinds <= named_kinds()


def _shown_names():
    """The name of every app, model and field the admin can show anyone, the superuser too."""
    from django.contrib import admin

    for model in admin.site._registry:
        meta = model._meta
        yield f"app {meta.app_label}", meta.app_config.verbose_name
        yield f"model {meta.label}", meta.verbose_name
        yield f"model {meta.label}", meta.verbose_name_plural
        for field in meta.get_fields():
            if field.auto_created or not getattr(field, "concrete", False):
                continue
            yield f"field {meta.label}.{field.name}", field.verbose_name


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_app_model_and_field_of_the_admin_has_a_name_in_the_language(language):
    from django.utils import translation

    unnamed = []
    for where, name in _shown_names():
        with translation.override(None):
            english = str(name)
        with translation.override(language):
            shown = str(name)
        # Either translated, or a word the catalogue keeps the same in both languages (a
        # translated field's name ends with its language: "organisation [fi]").
        english = re.sub(r" \[(fi|sv)\]$", "", english)
        if shown.startswith(english) and english not in words.english_message_ids():
            unnamed.append((where, english))
    assert unnamed == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_superusers_pages_speak_the_pages_language_too(admin_client, programme, language):
    """The pages only the site's administrator opens: access rights, backup codes and the
    sign-in lockouts."""
    paths = [
        path
        for path in coordinators_pages(admin_client)
        if path.startswith(("/fi/admin/auth/", "/fi/admin/otp_static/", "/fi/admin/axes/"))
    ]
    assert admin_url("axes_accessattempt_changelist") in paths
    english = {}
    for path in paths:
        response = admin_client.get(f"/{language}{path.removeprefix('/fi')}", follow=True)
        found = words.untranslated(html(response), language)
        if found:
            english[path] = sorted(found)
    assert english == {}, "\n".join(f"{path}: {found}" for path, found in english.items())


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_message_in_the_outbox_shows_its_kind_and_folds_its_internal_key(
    coordinator_client, programme, language
):
    message = Notification.objects.filter(kind="decision_request").first()

    page = html(
        coordinator_client.get(admin_url("mail_notification_change", message.pk, language=language))
    )

    folded = re.search(r"<details.*?</details>", page, re.S)
    assert folded and message.dedupe_key in folded.group()
    assert {"fi": "Tekniset tiedot", "sv": "Tekniska uppgifter"}[language] in folded.group()
    shown = " ".join(words.pieces(page.replace(folded.group(), "")))
    with translation.override(language):
        assert str(message.get_kind_display()) in shown
    assert "decision_request" not in shown
    # How many times sending was tried, not a list of companies ("yritykset").
    assert {"fi": "Lähetysyritykset", "sv": "Sändningsförsök"}[language] in shown
