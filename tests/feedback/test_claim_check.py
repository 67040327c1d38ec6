"""The expense claim is checked before it is sent: a page with every answer, a link back to
change each, and the button that sends; going back loses nothing, the receipt included."""

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest

from feedback import pending_claims
from feedback.models import ExpenseClaim
from mail.models import Notification
from tests import pages
from tests.feedback import support
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_start")]

RECEIPT = support.PDF + b"hotel 92.50"


@pytest.fixture
def paths(visit) -> tuple[str, str]:
    return url("feedback:claim-form", pk=visit.pk), url("feedback:claim-check", pk=visit.pk)


def _fill(client, path, receipts=None, **fields):
    files = [support.pdf(content=RECEIPT)] if receipts is None else receipts
    return client.post(path, {**support.claim_form(**fields), "receipts": files})


def test_continuing_shows_the_answers_to_check_and_sends_nothing(client, alice, paths):
    form_path, check_path = paths
    client.force_login(alice)

    response = _fill(client, form_path)

    assert response.status_code == 302 and response["Location"] == check_path
    assert not ExpenseClaim.objects.exists()
    assert not Notification.objects.filter(kind__startswith="feedback_claim").exists()
    check = client.get(check_path)
    words = pages.text(check)
    assert "Tarkista matkalaskusi" in words
    assert "Matkalaskua ei ole vielä lähetetty." in words
    assert "190 km × 0,55 € = 104,50 €" in words
    assert "1 yö, 92,50 €" in words
    assert "hotellikuitti.pdf" in words
    assert "Yhteensä 197,00 €" in words
    html = pages.html(check)
    for field in ["car_km", "public_transport_eur", "accommodation_nights", "receipts", "notes"]:
        assert f'href="{form_path}#id_{field}">Muuta' in html
    assert not ExpenseClaim.objects.exists()


def test_sending_from_the_check_page_saves_the_claim_with_its_receipt(
    client, alice, visit, paths, private_media
):
    form_path, check_path = paths
    client.force_login(alice)
    _fill(client, form_path)

    response = client.post(check_path, follow=True)

    claim = ExpenseClaim.objects.get(exchange=visit)
    assert claim.total_eur == Decimal("197.00")
    receipt = claim.receipts.get()
    assert receipt.original_name == "hotellikuitti.pdf"
    assert receipt.file.open("rb").read() == RECEIPT
    assert "Matkalaskusi on lähetetty." in pages.text(response)
    # Nothing waits any more: the kept copy is gone, and the check page shows the sent claim.
    assert not list((private_media / "pending").iterdir())
    assert "Tarkista matkalaskusi" not in pages.text(client.get(check_path))


@pytest.mark.parametrize(("language", "said"), [("fi", "Ei majoitusta"), ("sv", "Ingen logi")])
def test_a_claim_without_accommodation_says_so_instead_of_zero_nights(
    client, alice, visit, language, said
):
    client.force_login(alice)
    form_path = url("feedback:claim-form", language, pk=visit.pk)
    check_path = url("feedback:claim-check", language, pk=visit.pk)
    _fill(client, form_path, receipts=[], accommodation_nights="0", accommodation_eur="")

    checked = pages.text(client.get(check_path))
    sent = pages.text(client.post(check_path, follow=True))

    for words in [checked, sent]:
        assert said in words
        assert "0 yötä" not in words and "0 nätter" not in words


def test_going_back_to_change_keeps_every_answer_and_the_receipt(client, alice, visit, paths):
    form_path, check_path = paths
    client.force_login(alice)
    _fill(client, form_path, notes="Junalla Vaasaan.")

    page = client.get(form_path)

    form = page.context["form"]
    assert form["car_km"].value() == "190"
    assert form["accommodation_eur"].value() == "92.50"
    assert form["notes"].value() == "Junalla Vaasaan."
    assert "Poista hotellikuitti.pdf" in pages.text(page)
    # Changed without choosing the file again: the receipt is still there.
    response = _fill(client, form_path, receipts=[], car_km="200", notes="Junalla Vaasaan.")
    assert response["Location"] == check_path
    assert "200 km × 0,55 € = 110,00 €" in pages.text(client.get(check_path))
    client.post(check_path)
    claim = ExpenseClaim.objects.get(exchange=visit)
    assert claim.car_km == 200
    assert [r.original_name for r in claim.receipts.all()] == ["hotellikuitti.pdf"]


def test_a_receipt_can_be_removed_before_sending(client, alice, paths):
    form_path, _check_path = paths
    client.force_login(alice)
    _fill(client, form_path)
    kept = pending_claims.receipts(client.session, int(form_path.split("/")[3]))

    response = client.post(
        form_path,
        {**support.claim_form(), "receipts": [], "remove_receipt": [kept[0]["name"]]},
    )

    assert response.status_code == 200
    assert "Liitä kuitit euromääräisistä kuluista." in pages.text(response)
    assert "Poista hotellikuitti.pdf" not in pages.text(response)


def test_a_receipt_sent_with_an_answer_to_correct_is_kept(client, alice, paths):
    form_path, check_path = paths
    client.force_login(alice)

    response = _fill(client, form_path, other_travel_eur="15")

    assert response.status_code == 200
    assert "Poista hotellikuitti.pdf" in pages.text(response)
    response = _fill(
        client, form_path, receipts=[], other_travel_eur="15", other_travel_description="Taksi"
    )
    assert response["Location"] == check_path


def test_the_check_page_without_answers_leads_to_the_form(client, alice, paths):
    form_path, check_path = paths
    client.force_login(alice)

    assert client.get(check_path)["Location"] == form_path
    assert client.post(check_path)["Location"] == form_path
    assert not ExpenseClaim.objects.exists()


def test_a_claim_never_sent_leaves_its_receipt_for_a_day_at_most(
    client, alice, paths, private_media
):
    form_path, _check_path = paths
    client.force_login(alice)
    _fill(client, form_path)
    [left] = list((private_media / "pending").iterdir())
    day_ago = time.time() - pending_claims.KEEP_SECONDS - 60
    os.utime(left, (day_ago, day_ago))

    pending_claims.sweep()

    assert not Path(left).exists()


def test_the_nightly_run_deletes_receipts_of_claims_never_sent_and_a_dry_run_keeps_them(
    client, alice, paths, private_media, django_capture_on_commit_callbacks
):
    from privacy import retention

    form_path, _check_path = paths
    client.force_login(alice)
    _fill(client, form_path)
    [left] = list((private_media / "pending").iterdir())
    day_ago = time.time() - pending_claims.KEEP_SECONDS - 60
    os.utime(left, (day_ago, day_ago))

    with django_capture_on_commit_callbacks(execute=True):
        retention.run(dry_run=True)
    assert Path(left).exists()
    with django_capture_on_commit_callbacks(execute=True):
        retention.run()
    assert not Path(left).exists()
