"""The host page: the library's exchange contact keeps its hosting profile, and no one else.

Sara Sund is Korsholm's exchange contact (tests/personas.py). She signs in with her own
address by the emailed link; that address opens Korsholm's host page and nothing more.
"""

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone

from libraries.models import ClosedPeriod, Library
from mail.models import Notification
from tests import pages, personas
from tests.factories import FocusAreaFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sara(host):
    """The host contact, with an account of her own (she has signed in before)."""
    return StaffFactory(
        email=personas.HOST.email, name=personas.HOST.name, language="sv", library=host
    )


def host_page(language: str = "fi", slug: str = "korsholm") -> str:
    return pages.url("libraries:host-page", language, slug=slug)


def profile_form(**overrides) -> dict:
    """What the contact types on the host page; no closed periods unless given."""
    data = {
        "accepts_visitors": "on",
        "hosting_offer_fi": "Kaksikielinen satutunti ja kirjastoauton reitit saaristoon.",
        "hosting_offer_sv": "Tvåspråkig sagostund och bokbussens rutter i skärgården.",
        "desk_languages": ["fi", "sv", "en"],
        "visitors_per_day": "2",
        "host_weekdays": ["1", "2", "3", "4"],
        "staff_size": "12",
        "parking_fi": "Ilmainen pysäköinti kirjaston takana.",
        "parking_sv": "Gratis parkering bakom biblioteket.",
        "bus_fi": "Linja 1 Vaasan torilta, pysäkki Keskustie.",
        "bus_sv": "Linje 1 från Vasa torg, hållplats Centrumvägen.",
        "train_fi": "",
        "train_sv": "",
        "accessibility_notes_fi": "Esteetön sisäänkäynti ja hissi.",
        "accessibility_notes_sv": "Tillgänglig ingång och hiss.",
        "closed-TOTAL_FORMS": "1",
        "closed-INITIAL_FORMS": "0",
        "closed-MIN_NUM_FORMS": "0",
        "closed-MAX_NUM_FORMS": "50",
        "closed-0-reason": "",
        "closed-0-first_day": "",
        "closed-0-last_day": "",
        "closed-0-note_fi": "",
        "closed-0-note_sv": "",
    }
    data.update(overrides)
    return data


def test_the_contact_signs_in_by_the_emailed_link_and_reaches_the_host_page(
    client, host, django_capture_on_commit_callbacks
):
    """No account beforehand: the contact's own address is the whole right."""
    response = client.get(host_page("sv"))
    assert response.status_code == 302 and "/sv/logga-in/" in response["Location"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            pages.url("accounts:sign-in", "sv"),
            {"email": personas.HOST.email, "next": host_page("sv")},
        )
    link = pages.link_in(Notification.objects.get(kind="sign_in"))
    response = client.post(link)
    # A first sign-in asks for the person's details first, then goes on to the host page.
    assert response.status_code == 302
    assert host_page("sv") in unquote(response["Location"])

    page = pages.text(client.get(host_page("sv")))
    assert "Mottagningssida: Korsholms huvudbibliotek" in page
    assert personas.HOST.email in page


def test_the_contacts_edits_show_at_once_on_the_library_page_in_both_languages(client, host, sara):
    area = FocusAreaFactory()
    # The page is in the cache before the edit.
    assert "Tvåspråkig sagostund" not in pages.text(client.get(host.get_absolute_url()))
    client.force_login(sara)

    response = client.post(host_page("sv"), profile_form(focus_areas=[area.pk]))

    assert response.status_code == 302
    host.refresh_from_db()
    assert (host.visitors_per_day, host.host_weekdays, host.staff_size) == (2, "1234", 12)
    assert host.desk_languages == "fi,sv,en"
    assert list(host.focus_areas.all()) == [area]

    swedish = pages.text(client.get(pages.url("libraries:library-detail", "sv", slug="korsholm")))
    assert "Tvåspråkig sagostund och bokbussens rutter i skärgården." in swedish
    assert "Finska, svenska, engelska" in swedish
    assert "2 besökare om dagen" in swedish
    # Weekdays and languages are common nouns: only a list's first word takes a capital.
    assert "Måndag, tisdag, onsdag, torsdag" in swedish
    assert "Gratis parkering bakom biblioteket." in swedish
    assert "Linje 1 från Vasa torg" in swedish
    assert "Tillgänglig ingång och hiss." in swedish
    assert "Tjänster för barn och unga" in swedish

    finnish = pages.text(client.get(pages.url("libraries:library-detail", "fi", slug="korsholm")))
    assert "Kaksikielinen satutunti ja kirjastoauton reitit saaristoon." in finnish
    assert "Suomi, ruotsi, englanti" in finnish
    assert "Maanantai, tiistai, keskiviikko, torstai" in finnish
    assert "Ilmainen pysäköinti kirjaston takana." in finnish
    assert "Esteetön sisäänkäynti ja hissi." in finnish


def test_a_closed_period_saved_on_the_host_page_marks_the_month_view_at_once(client, host, sara):
    first = timezone.localdate() + timedelta(days=10)
    last = first + timedelta(days=3)
    client.get(host.get_absolute_url())
    client.force_login(sara)

    client.post(
        host_page(),
        profile_form(
            **{
                "closed-0-reason": "inventory",
                "closed-0-first_day": first.isoformat(),
                "closed-0-last_day": last.isoformat(),
                "closed-0-note_fi": "Koko henkilökunta mukana",
                "closed-0-note_sv": "Hela personalen deltar",
            }
        ),
    )

    period = ClosedPeriod.objects.get(library=host)
    assert (period.reason, period.first_day, period.last_day) == ("inventory", first, last)
    page = pages.text(client.get(host.get_absolute_url()))
    assert f"{first:%-d.%-m.%Y}–{last:%-d.%-m.%Y}: inventaario (Koko henkilökunta mukana)" in page
    assert "ei vierailijoita (inventaario: Koko henkilökunta mukana)" in page


def test_a_period_ending_before_it_begins_is_refused_and_nothing_is_saved(client, host, sara):
    client.force_login(sara)
    first = timezone.localdate() + timedelta(days=10)

    response = client.post(
        host_page("sv"),
        profile_form(
            hosting_offer_sv="Ändrat",
            **{
                "closed-0-reason": "summer",
                "closed-0-first_day": first.isoformat(),
                "closed-0-last_day": (first - timedelta(days=1)).isoformat(),
            },
        ),
    )

    page = pages.text(pages.html(response))
    assert "Den sista dagen kan inte vara före den första dagen." in page
    host.refresh_from_db()
    assert not host.hosting_offer_sv
    assert not ClosedPeriod.objects.exists()


def test_no_weekday_is_refused_in_the_readers_language(client, host, sara):
    client.force_login(sara)

    response = client.post(host_page("fi"), profile_form(host_weekdays=[]))

    assert "Valitse vähintään yksi viikonpäivä." in pages.text(pages.html(response))
    host.refresh_from_db()
    assert host.host_weekdays == "12345"


@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_else_reaches_the_host_page(client, host, home, alice, bertil, method):
    """Not the visitor from another library, not a colleague of the contact at the same
    library, not the contact of another library; and a signed-out reader is asked to sign in."""
    seppo = StaffFactory(email="seppo@seinajoki.fi", library=home)  # Seinäjoki's contact
    for person in [alice, bertil, seppo]:
        client.force_login(person)
        response = getattr(client, method)(host_page(), profile_form(hosting_offer_fi="Ohi"))
        assert response.status_code == 403
        assert "Vain vaihdon yhteyshenkilö voi muokata tätä sivua" in pages.text(response)
    client.logout()
    response = getattr(client, method)(host_page(), profile_form(hosting_offer_fi="Ohi"))
    assert response.status_code == 302

    host.refresh_from_db()
    assert not host.hosting_offer_fi
    assert host.visitors_per_day == 1


def test_the_contact_of_one_library_cannot_edit_another(client, home, sara):
    client.force_login(sara)

    response = client.post(host_page(slug="seinajoki"), profile_form(hosting_offer_fi="Ohi"))

    assert response.status_code == 403
    home.refresh_from_db()
    assert not home.hosting_offer_fi


def test_the_contacts_address_written_another_way_is_still_hers(client, host):
    variant = StaffFactory(email="Sara.Sund+kollega@korsholm.fi", library=host)
    client.force_login(variant)

    assert client.get(host_page()).status_code == 200


def test_the_host_pages_address_opens_the_contacts_own_library(client, host, sara, alice):
    client.force_login(sara)
    response = client.get(pages.url("libraries:host-pages", "sv"))
    assert response["Location"] == host_page("sv")

    client.force_login(alice)
    page = pages.text(client.get(pages.url("libraries:host-pages")))
    assert "Osoitteesi alice@seinajoki.fi ei ole minkään kirjaston" in page


def test_the_library_page_links_its_contact_to_the_host_page(client, host):
    page = pages.html(client.get(host.get_absolute_url()))

    assert f'href="{host_page()}"' in page


def test_the_coordinator_keeps_the_hosting_profile_in_the_admin(coordinator_client, host):
    ClosedPeriod.objects.create(
        library=host,
        reason="renovation",
        first_day=timezone.localdate() + timedelta(days=30),
        last_day=timezone.localdate() + timedelta(days=40),
    )

    page = pages.html(coordinator_client.get(pages.admin_url("libraries_library_change", host.pk)))

    for name in [
        "hosting_offer_fi",
        "hosting_offer_sv",
        "visitors_per_day",
        "staff_size",
        "parking_sv",
        "accessibility_notes_fi",
        "closed_periods-0-reason",
    ]:
        assert f'name="{name}"' in page
    assert 'name="host_weekdays" value="5"' in page
    assert Library.objects.get(pk=host.pk).is_contact("sara.sund@korsholm.fi")
