"""The decision emails as their readers see them: opened in chromium on a 360 px phone and a
1280 px desktop, in Finnish and in Swedish, each names who sends it, why this reader gets it,
the day to decide by and the coordinator's contact details, and nothing scrolls sideways."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from exchange import workflow
from tests import personas
from tests.exchange import support

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
PHONE_NUMBER = "040 555 1234"

# The home supervisor reads Finnish; the host, Sara at Korsholm, reads Swedish.
READERS = {
    "fi": {
        "role": "home",
        "sender": "Sitä järjestää yleisten kirjastojen alueellinen kehittämistehtävä, jota "
        "hoitaa Vaasan kaupunginkirjasto.",
        "why": "Sait tämän viestin, koska vierailija nimesi sinut vaihtohakemuksessaan "
        "esihenkilökseen.",
        "decide_by": "Hyväksy tai hylkää hakemus viimeistään 14.1.2027.",
        "dates": "8.–9.2.2027",
        "button": "Katso hakemus ja päätä",
    },
    "sv": {
        "role": "host",
        "sender": "Det ordnas av de allmänna bibliotekens regionala utvecklingsuppdrag, som "
        "sköts av Vasa stadsbibliotek.",
        "why": "Du får det här meddelandet eftersom du är värdbibliotekets kontaktperson för "
        "det här utbytet.",
        "decide_by": "Svara senast 14.1.2027",
        "dates": "8–9.2.2027",
        "button": "Se ansökan och fatta beslut",
    },
}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", READERS)
def test_a_decision_email_tells_a_stranger_who_asks_what_by_when(
    browser, alice, host, coordinator_contact, time_machine, language, screen
):
    coordinator_contact.phone = PHONE_NUMBER
    coordinator_contact.save()
    time_machine.move_to(
        datetime(2027, 1, 11, 9, 0, tzinfo=ZoneInfo("Europe/Helsinki")), tick=False
    )
    exchange = support.submitted(alice, host, first_day=date(2027, 2, 8), last_day=date(2027, 2, 9))
    if language == "sv":
        approval = support.pending(exchange, "home")
        workflow.approve_home(approval.pk, version=approval.version)
    reader = READERS[language]
    message = [
        n
        for n in support.notifications("decision_request")
        if f":{reader['role']}:" in n.dedupe_key
    ][-1]
    assert message.language == language

    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    try:
        page.set_content(message.body_html)

        expect(page.locator("html")).to_have_attribute("lang", language)
        for text in (reader["sender"], reader["why"], reader["decide_by"], reader["dates"]):
            expect(page.get_by_text(text, exact=False).first).to_be_visible()
        expect(page.get_by_role("link", name=reader["button"])).to_be_visible()
        expect(page.get_by_text(personas.COORDINATOR.name)).to_be_visible()
        expect(page.get_by_role("link", name=personas.COORDINATOR.email)).to_be_visible()
        expect(page.get_by_role("link", name=PHONE_NUMBER)).to_have_attribute(
            "href", "tel:+358405551234"
        )
        width = SCREENS[screen]["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
