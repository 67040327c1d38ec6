"""The visitor writes a request: from a library's page, as a draft, resumed, then submitted."""

import re
from datetime import date

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from exchange.models import Approval, ExchangeRequest, HistoryEntry, State
from libraries import public_pages
from mail.models import Notification
from tests import pages
from tests.exchange import support
from tests.exchange.support import draft
from tests.factories import FocusAreaFactory, LibraryFactory, StaffFactory
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = date(2027, 1, 11)


def complete_request(host, **changes) -> dict:
    """Everything a visitor fills in to submit a request."""
    data = {
        "host_library": host.pk,
        "first_day": "2027-02-01",
        "last_day": "2027-02-03",
        "alternative_dates": "Viikko 7 sopisi myös.",
        "kind": "one_way",
        "trip_type": "business_trip",
        "expectations": "Haluan nähdä kaksikielisen asiakaspalvelun arkea.",
        "language_practice": "on",
        "cover_arrangements": "Työkaverini Pekka hoitaa vuoroni.",
        "travel_car_km": "180",
        "travel_public_eur": "",
        "travel_other_eur": "",
        "accommodation_nights": "2",
        "accommodation_eur": "178.50",
        "host_contact_name": "",
        "host_contact_email": "",
        "privacy_accepted": "on",
        "action": "submit",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_starting_from_a_librarys_page_fills_in_the_host(client, visitor, host):
    response = client.get(url("exchange:request-create") + f"?host={host.slug}")

    assert response.status_code == 200
    assert f'<option value="{host.pk}" selected>' in pages.html(response)


def test_the_host_list_offers_libraries_that_take_visitors_but_not_the_visitors_own(
    client, visitor, home, host
):
    closed = LibraryFactory(name_fi="Suljettu kirjasto", accepts_visitors=False)

    content = pages.html(client.get(url("exchange:request-create")))

    assert f'<option value="{host.pk}">' in content
    assert f'<option value="{home.pk}">' not in content
    assert f'<option value="{closed.pk}">' not in content


def page_and_queries(client, path: str) -> tuple[str, int]:
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        content = pages.html(client.get(path))
    return content, len(queries)


def test_the_host_list_is_kept_until_the_coordinator_edits_a_library(client, visitor, host):
    path = url("exchange:request-create")
    content, first = page_and_queries(client, path)
    _, again = page_and_queries(client, path)
    host.name_fi = "Mustasaaren kirjasto"
    host.save()
    renamed, _ = page_and_queries(client, path)

    # The form's fields (the host list's libraries, the visitor's municipality for the car
    # kilometres, the focus areas), read once.
    assert again == first - 3
    assert "Mustasaaren pääkirjasto (Mustasaari)" in content
    assert "Mustasaaren kirjasto (Mustasaari)" in renamed


EMPTY_FORMS = [
    pytest.param("", id="no-host"),
    pytest.param("?host=korsholm&first_day=2027-02-01", id="host-and-day"),
]


@pytest.mark.parametrize("query", EMPTY_FORMS)
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_empty_form_from_the_cache_is_the_form_drawn_anew(
    client, monkeypatch, visitor, host, query, language
):
    path = url("exchange:request-create", language) + query
    client.get(path)
    from_the_cache, queries = page_and_queries(client, path)

    monkeypatch.setattr(public_pages, "cached", lambda name, parts, build: build())
    monkeypatch.setattr(public_pages, "kept_for_versions", lambda key, build: build())
    drawn_anew = pages.html(client.get(path))

    assert pages.without_csrf(from_the_cache) == pages.without_csrf(drawn_anew)
    assert "Mustasaaren pääkirjasto" in from_the_cache or "Korsholms huvudbibliotek" in (
        from_the_cache
    )
    # The signed-in visitor and their library's name (a host named is looked up by its slug).
    assert queries == (3 if query else 2)


def test_the_cached_form_shows_what_changed_at_once(client, visitor, home, host):
    path = url("exchange:request-create")
    area = FocusAreaFactory(name_fi="Lukudiplomit")
    client.get(path)

    host.name_fi = "Mustasaaren kirjasto"
    host.save()
    assert "Mustasaaren kirjasto (Mustasaari)" in pages.html(client.get(path))

    area.name_fi = "Lukuklubit"
    area.save()
    assert "Lukuklubit" in pages.html(client.get(path))

    assert 'name="keeping_open"' not in pages.html(client.get(path))
    home.staff_size = 2
    home.save()
    assert 'name="keeping_open"' in pages.html(client.get(path))

    other = LibraryFactory(name_fi="Vaasan kaupunginkirjasto")
    assert f'<option value="{other.pk}">' in pages.html(client.get(path))
    visitor.library = other
    visitor.save()
    moved = pages.html(client.get(path))
    assert f'<option value="{other.pk}">' not in moved
    assert f'<option value="{home.pk}">' in moved

    assert "Kirjasto, jossa haluat vierailla" in pages.html(client.get(path))
    assert "Bibliotek du vill besöka" in pages.html(
        client.get(url("exchange:request-create", "sv"))
    )


def test_the_cached_form_shows_the_hosts_day_taken_at_once(client, visitor, host):
    path = url("exchange:request-create") + "?host=korsholm"
    before = pages.html(client.get(path))

    support.submitted(
        StaffFactory(library=LibraryFactory()),
        host,
        first_day=date(2027, 2, 2),
        last_day=date(2027, 2, 2),
    )

    after = pages.html(client.get(path))
    assert before.count("day--full") + 1 == after.count("day--full")


def test_the_form_speaks_swedish_on_the_swedish_site(client, visitor):
    response = client.get(url("exchange:request-create", "sv"))

    assert "Spara utkast" in pages.html(response)
    assert "Bibliotek du vill besöka" in pages.html(response)


def test_a_draft_is_saved_with_only_the_host_chosen(client, visitor, home, host):
    response = client.post(
        url("exchange:request-create"), {"host_library": host.pk, "action": "draft"}
    )

    exchange = ExchangeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("exchange:request-detail", pk=exchange.pk)
    assert exchange.state == State.DRAFT
    assert exchange.visitor == visitor
    assert exchange.home_library == home
    assert exchange.host_library == host
    assert exchange.first_day is None
    assert not Notification.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_a_draft_keeps_what_was_typed_and_can_be_resumed_later(client, visitor, host):
    area = FocusAreaFactory()
    client.post(
        url("exchange:request-create"),
        complete_request(host, action="draft", focus_areas=[area.pk], privacy_accepted=None),
    )
    exchange = ExchangeRequest.objects.get()

    response = client.get(url("exchange:request-edit", pk=exchange.pk))

    content = pages.html(response)
    assert response.status_code == 200
    # The saved day comes back as Finland writes it, whatever was typed.
    assert 'value="1.2.2027"' in content
    assert "Haluan nähdä kaksikielisen asiakaspalvelun arkea." in content
    assert re.search(rf'<input[^>]*value="{area.pk}"[^>]*checked', content)
    exchange.refresh_from_db()
    assert exchange.state == State.DRAFT
    assert exchange.accommodation_eur == pytest.approx(178.5)
    assert exchange.privacy_accepted_at is None


def test_saving_a_draft_again_changes_the_same_request(client, visitor, host):
    client.post(url("exchange:request-create"), {"host_library": host.pk, "action": "draft"})
    exchange = ExchangeRequest.objects.get()

    client.post(
        url("exchange:request-edit", pk=exchange.pk),
        complete_request(host, action="draft", expectations="Kirjastoauton päivä."),
    )

    exchange.refresh_from_db()
    assert ExchangeRequest.objects.count() == 1
    assert exchange.expectations == "Kirjastoauton päivä."
    assert exchange.privacy_accepted_at is not None
    assert exchange.state == State.DRAFT


def test_submitting_sends_the_request_to_the_visitors_supervisor(client, visitor, host):
    response = client.post(url("exchange:request-create"), complete_request(host))

    exchange = ExchangeRequest.objects.get()
    assert response.status_code == 302
    assert exchange.state == State.AWAITING_HOME
    assert exchange.home_supervisor_email == "eeva@seinajoki.fi"
    assert exchange.host_contact_email == "sara.sund@korsholm.fi"
    assert exchange.first_day == date(2027, 2, 1)
    assert exchange.language_practice is True
    assert exchange.approvals.get().role == Approval.Role.HOME
    assert [(h.from_state, h.to_state) for h in exchange.history.all()] == [
        (State.DRAFT, State.AWAITING_HOME)
    ]
    assert {n.recipient for n in Notification.objects.all()} == {
        "alice@seinajoki.fi",
        "eeva@seinajoki.fi",
    }
    followed = client.get(response["Location"])
    assert "Eeva Esihenkilö" in pages.html(followed)


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize("chosen", ["999999", "-1", "abc", "99999999999999999999"])
def test_a_library_that_does_not_exist_is_refused_in_the_readers_language(
    client, visitor, host, language, chosen
):
    response = client.post(
        url("exchange:request-create", language), complete_request(host, host_library=chosen)
    )

    with translation.override(language):
        message = gettext("Select a valid choice. That choice is not one of the available choices.")
    assert message in pages.text(pages.html(response))
    assert not ExchangeRequest.objects.exists()
    assert not Notification.objects.exists()


def test_a_resumed_draft_is_submitted_from_the_form(client, visitor, host):
    client.post(url("exchange:request-create"), complete_request(host, action="draft"))
    exchange = ExchangeRequest.objects.get()

    client.post(url("exchange:request-edit", pk=exchange.pk), complete_request(host))

    exchange.refresh_from_db()
    assert exchange.state == State.AWAITING_HOME
    assert Notification.objects.filter(recipient="eeva@seinajoki.fi").count() == 1


def test_a_complete_draft_is_submitted_from_its_page(client, visitor, host):
    client.post(url("exchange:request-create"), complete_request(host, action="draft"))
    exchange = ExchangeRequest.objects.get()

    response = client.post(url("exchange:request-submit", pk=exchange.pk))

    exchange.refresh_from_db()
    assert response.status_code == 302
    assert exchange.state == State.AWAITING_HOME


def test_an_incomplete_draft_submitted_from_its_page_shows_what_is_missing(client, visitor, host):
    client.post(url("exchange:request-create"), {"host_library": host.pk, "action": "draft"})
    exchange = ExchangeRequest.objects.get()

    response = client.post(url("exchange:request-submit", pk=exchange.pk))

    assert response.status_code == 200
    assert gettext("Write what you hope to see and learn during the visit.") in pages.html(response)
    assert gettext("Write the first day of the visit.") in pages.html(response)
    assert gettext("Accept the privacy notice to submit the request.") in pages.html(response)
    exchange.refresh_from_db()
    assert exchange.state == State.DRAFT
    assert not Notification.objects.exists()


def test_the_host_contact_the_visitor_agreed_with_gets_the_request(client, visitor, host):
    client.post(
        url("exchange:request-create"),
        complete_request(
            host, host_contact_name="Kim Kontakt", host_contact_email="Kim.Kontakt@Korsholm.fi"
        ),
    )

    exchange = ExchangeRequest.objects.get()
    assert exchange.host_contact_name == "Kim Kontakt"
    assert exchange.host_contact_email == "kim.kontakt@korsholm.fi"


def test_a_submitted_request_can_no_longer_be_edited(client, visitor, host):
    client.post(url("exchange:request-create"), complete_request(host))
    exchange = ExchangeRequest.objects.get()

    shown = client.get(url("exchange:request-edit", pk=exchange.pk))
    posted = client.post(
        url("exchange:request-edit", pk=exchange.pk),
        complete_request(host, action="draft", expectations="Muutettu."),
    )

    assert shown.status_code == 302
    assert posted.status_code == 302
    exchange.refresh_from_db()
    assert exchange.expectations == "Haluan nähdä kaksikielisen asiakaspalvelun arkea."
    assert exchange.state == State.AWAITING_HOME


def test_a_signed_out_visitor_is_asked_to_sign_in(client, host):
    response = client.get(url("exchange:request-create"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:sign-in"))


@pytest.mark.parametrize("how", ["from the form", "a saved draft"])
def test_a_visitor_without_a_supervisors_address_cannot_submit(client, visitor, host, how):
    saved = draft(visitor, host) if how == "a saved draft" else None
    visitor.supervisor_email = ""
    visitor.save()

    if saved is None:
        response = client.post(url("exchange:request-create"), complete_request(host))
    else:
        response = client.post(url("exchange:request-submit", pk=saved.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:profile"))
    assert list(ExchangeRequest.objects.values_list("state", flat=True)) == (
        [State.DRAFT] if saved else []
    )
    assert not Approval.objects.exists()
    assert not Notification.objects.exists()


def test_a_visitor_without_a_finished_profile_completes_it_first(client, alice, host):
    alice.supervisor_email = ""
    alice.save()
    client.force_login(alice)

    response = client.post(
        url("exchange:request-create"), {"host_library": host.pk, "action": "draft"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(url("accounts:profile"))
    assert not ExchangeRequest.objects.exists()


# --- the days typed as Finland writes them ------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv"])
@pytest.mark.parametrize(
    "first_day, last_day",
    [("1.2.2027", "3.2.2027"), ("01.02.2027", "03.02.2027"), ("1.2.27", " 3. 2. 2027 ")],
)
def test_days_typed_as_day_month_year_are_read_in_both_languages(
    client, visitor, host, language, first_day, last_day
):
    response = client.post(
        url("exchange:request-create", language),
        complete_request(host, first_day=first_day, last_day=last_day),
    )

    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get()
    assert (exchange.first_day, exchange.last_day) == (date(2027, 2, 1), date(2027, 2, 3))
    assert exchange.state == State.AWAITING_HOME


@pytest.mark.parametrize(
    "language, message",
    [
        ("fi", "Kirjoita päivämäärä muodossa p.k.vvvv, esimerkiksi 3.2.2027."),
        ("sv", "Skriv datumet i formen d.m.åååå, till exempel 3.2.2027."),
    ],
)
@pytest.mark.parametrize("typed", ["2/1/2027", "31.2.2027", "1.2", "huomenna"])
def test_a_day_in_another_form_gets_a_message_that_shows_the_form(
    client, visitor, host, language, message, typed
):
    response = client.post(
        url("exchange:request-create", language), complete_request(host, first_day=typed)
    )

    assert response.status_code == 200
    assert message in pages.html(response)
    assert not ExchangeRequest.objects.exists()


@pytest.mark.parametrize(
    "language, hint", [("fi", "Muodossa p.k.vvvv"), ("sv", "I formen d.m.åååå")]
)
def test_the_day_fields_are_text_with_the_form_shown_beside_them(
    client, visitor, host, language, hint
):
    response = client.get(url("exchange:request-create", language))

    content = pages.html(response)
    field = re.search(r'<input[^>]*name="first_day"[^>]*>', content).group()
    assert 'type="text"' in field
    assert 'aria-describedby="id_first_day_helptext"' in field
    helptext = re.search(r'id="id_first_day_helptext"[^>]*>([^<]*)<', content).group(1)
    assert hint in helptext


def test_a_new_request_is_written_once_already_submitted(
    client, visitor, host, django_assert_max_num_queries
):
    """The request's days are counted once, under the submission's locks, and the request is
    inserted as submitted: no draft written first and then updated, no constraint asked of
    the database that the form checks itself."""
    areas = [FocusAreaFactory(), FocusAreaFactory()]
    data = complete_request(host, focus_areas=[area.pk for area in areas])

    with django_assert_max_num_queries(21) as captured:
        response = client.post(url("exchange:request-create"), data)

    assert response.status_code == 302
    exchange = ExchangeRequest.objects.get()
    assert (exchange.state, exchange.version) == (State.AWAITING_HOME, 2)
    assert set(exchange.focus_areas.all()) == set(areas)
    written = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in written if "exchange_exchangerequest" in sql]


def test_an_error_page_lists_the_hosts_the_form_began_with(client, visitor, host):
    closed = LibraryFactory(name_fi="Suljettu kirjasto", accepts_visitors=False)

    refused = pages.html(client.post(url("exchange:request-create"), complete_request(closed)))
    busy = pages.html(
        client.post(url("exchange:request-create"), complete_request(host, expectations=""))
    )

    assert f'<option value="{closed.pk}"' not in refused
    assert f'<option value="{host.pk}" selected>' in busy
    assert f'<option value="{closed.pk}"' not in busy
