from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from feedback import workflow
from feedback.models import ClaimState, ExpenseClaim, Receipt, YearSettings
from tests import personas
from tests.exchange import support as exchange_support
from tests.exchange.support import assert_both_parts, email_to, notifications
from tests.factories import StaffFactory
from tests.feedback import support
from tests.pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_start")]


@pytest.fixture
def visit(time_machine, alice, host):
    return support.completed_visit(
        time_machine,
        alice,
        host,
        travel_car_km=180,
        travel_public_eur="12.40",
        accommodation_nights=1,
        accommodation_eur="89.00",
    )


@pytest.fixture
def claim_path(visit) -> str:
    return url("feedback:claim-form", pk=visit.pk)


def _claim(client, path, receipts=None, **fields):
    """Fill in the claim at path and send it from the check page."""
    files = [support.pdf()] if receipts is None else receipts
    response = client.post(path, {**support.claim_form(**fields), "receipts": files})
    check = response.status_code == 302 and response["Location"].startswith(path)
    if check and response["Location"] != path:
        return client.post(response["Location"])
    return response


def test_the_claim_form_starts_from_the_estimate_and_shows_it_beside(client, alice, claim_path):
    client.force_login(alice)

    response = client.get(claim_path)

    form = response.context["form"]
    assert form["car_km"].value() == 180
    assert form["public_transport_eur"].value() == Decimal("12.40")
    page = response.content.decode()
    assert "Arviosi hakemuksessa" in page
    # 180 km × 0.55 € + 12.40 € + 89.00 €
    assert "200,40 €" in page
    assert "Korvaus on 0,55 € kilometriltä, vuoden 2026 taksa." in page


def test_car_kilometres_are_paid_at_the_rate_of_the_visits_year(client, alice, visit, claim_path):
    client.force_login(alice)

    _claim(client, claim_path, car_km="200", accommodation_eur="0", accommodation_nights="0")
    YearSettings.objects.filter(year=2026).update(km_rate=Decimal("0.70"))

    claim = ExpenseClaim.objects.get()
    assert (claim.km_rate, claim.car_eur, claim.total_eur) == (
        Decimal("0.55"),
        Decimal("110.00"),
        Decimal("110.00"),
    )
    assert claim.claimant == alice


def test_a_claim_without_the_years_rate_gets_a_clear_error(client, alice, claim_path):
    YearSettings.objects.filter(year=2026).delete()
    client.force_login(alice)

    response = _claim(client, claim_path)

    assert (
        "Vuoden 2026 kilometrikorvausta ei ole vielä vahvistettu. Kysy koordinaattorilta"
        in response.content.decode()
    )
    assert not ExpenseClaim.objects.exists()


def test_a_claim_for_someone_elses_visit_is_not_found(client, visit, claim_path):
    client.force_login(personas.bertil(visit.host_library))

    assert client.get(claim_path).status_code == 404
    assert _claim(client, claim_path).status_code == 404
    assert not ExpenseClaim.objects.exists()


def test_a_second_claim_for_the_same_visit_is_refused(client, alice, visit, claim_path):
    client.force_login(alice)
    _claim(client, claim_path, car_km="100")

    response = _claim(client, claim_path, car_km="999")

    assert "Olet jo tehnyt matkalaskun tästä vierailusta." in response.content.decode()
    assert list(ExpenseClaim.objects.values_list("car_km", flat=True)) == [100]
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit_claim(
            ExpenseClaim(exchange=visit, car_km=5, km_rate=Decimal("0.55")), by=alice
        )
    assert ExpenseClaim.objects.count() == 1


def test_the_claim_waits_until_the_visit_is_over(client, alice, host):
    upcoming = exchange_support.confirmed_visit(alice, host)
    client.force_login(alice)

    response = _claim(client, url("feedback:claim-form", pk=upcoming.pk))

    assert response.status_code == 302
    assert not ExpenseClaim.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("kuitti.pdf", b"Tama ei ole PDF vaan tekstia.", "application/pdf"),
        ("kuitti.pdf", support.PNG, "application/pdf"),
        ("kuitti.png", support.PDF, "image/png"),
        ("kuitti.exe", support.PDF, "application/pdf"),
        ("kuitti.html", b"<html><script>alert(1)</script></html>", "image/jpeg"),
    ],
)
def test_a_wrong_file_type_gets_a_clear_error(
    client, alice, claim_path, private_media, name, content, content_type
):
    client.force_login(alice)

    response = _claim(client, claim_path, receipts=[support.upload(name, content, content_type)])

    assert (
        f"”{name}” ei ole PDF-, JPEG- eikä PNG-tiedosto. Lähetä kuitti jossakin näistä muodoista."
        in response.content.decode()
    )
    assert not ExpenseClaim.objects.exists()
    assert not Receipt.objects.exists()
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


def test_an_oversized_upload_gets_a_clear_error(client, alice, claim_path, settings):
    settings.RECEIPT_MAX_BYTES = 2048
    client.force_login(alice)
    big = support.pdf("skannattu.pdf", support.PDF + b"0" * 4096)

    response = _claim(client, claim_path, receipts=[big])

    page = response.content.decode()
    assert "”skannattu.pdf” on liian suuri (4,0\xa0KB). Kuitin enimmäiskoko on 2,0\xa0KB." in page
    assert not ExpenseClaim.objects.exists()


def test_images_and_pdfs_are_accepted_together(client, alice, claim_path):
    client.force_login(alice)

    _claim(
        client,
        claim_path,
        receipts=[
            support.pdf(),
            support.upload("juna.JPG", support.JPEG, "image/jpeg"),
            support.upload("bussi.png", support.PNG, "image/png"),
        ],
        public_transport_eur="24.80",
    )

    kinds = list(Receipt.objects.values_list("original_name", "content_type"))
    assert kinds == [
        ("hotellikuitti.pdf", "application/pdf"),
        ("juna.JPG", "image/jpeg"),
        ("bussi.png", "image/png"),
    ]


def test_costs_in_euros_need_their_receipts(client, alice, claim_path):
    client.force_login(alice)

    response = _claim(client, claim_path, receipts=[])

    assert "Liitä kuitit euromääräisistä kuluista." in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_receipts_are_kept_outside_the_public_media_folder(
    client, alice, claim_path, private_media, settings
):
    client.force_login(alice)

    _claim(client, claim_path)

    receipt = Receipt.objects.get()
    stored = Path(receipt.file.path)
    assert stored.is_relative_to(private_media)
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == support.PDF
    assert "hotellikuitti" not in stored.name
    with pytest.raises(ValueError):
        receipt.file.url  # noqa: B018


def test_a_stranger_cannot_fetch_a_receipt(client, alice, claim_path, coordinator):
    client.force_login(alice)
    _claim(client, claim_path)
    receipt_path = url("feedback:receipt", pk=Receipt.objects.get().pk)

    # The claimant can.
    response = client.get(receipt_path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == support.PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]

    # Nobody signed in: off to sign in.
    client.logout()
    assert client.get(receipt_path).status_code == 302

    # Another librarian, and a staff member without the permission to see claims.
    for stranger in [
        StaffFactory(email="bob@seinajoki.fi", library=alice.library),
        StaffFactory(email="staff@vaasa.fi", is_staff=True),
    ]:
        client.force_login(stranger)
        assert client.get(receipt_path).status_code == 404

    # The coordinator can, and so can a staff member given just that permission.
    client.force_login(coordinator)
    assert client.get(receipt_path).status_code == 200
    auditor = StaffFactory(email="auditor@vaasa.fi", is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_expenseclaim"))
    client.force_login(auditor)
    assert client.get(receipt_path).status_code == 200


def test_a_rejected_claim_tells_the_claimant_why_and_can_be_corrected(
    client, alice, visit, claim_path, coordinator
):
    client.force_login(alice)
    _claim(client, claim_path, accommodation_eur="189.00")
    claim = ExpenseClaim.objects.get()
    client.force_login(coordinator)

    client.post(
        url("admin:feedback_expenseclaim_changelist"),
        {
            "action": "reject_claims",
            "_selected_action": [claim.pk],
            "apply": "1",
            "reason": "Hotellikuitissa on kaksi yötä, vierailu kesti yhden.",
        },
    )

    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED
    message = email_to("alice@seinajoki.fi", "feedback_claim_rejected")
    assert_both_parts(message)
    assert message.language == "fi"
    assert "Hotellikuitissa on kaksi yötä, vierailu kesti yhden." in message.body_text
    assert "Korjaa matkalasku ja lähetä se uudelleen sen sivulla:" in message.body_text

    client.force_login(alice)
    page = client.get(claim_path).content.decode()
    assert "Koordinaattori palautti matkalaskun korjattavaksi." in page
    assert "Hotellikuitissa on kaksi yötä" in page
    _claim(client, claim_path, accommodation_eur="94.50", receipts=[])

    claim.refresh_from_db()
    assert (claim.state, claim.accommodation_eur) == (ClaimState.SUBMITTED, Decimal("94.50"))
    assert claim.decided_at is None
    assert ExpenseClaim.objects.count() == 1
    assert Receipt.objects.count() == 1


def test_rejecting_without_a_reason_changes_nothing(client, alice, claim_path, coordinator):
    client.force_login(alice)
    _claim(client, claim_path)
    claim = ExpenseClaim.objects.get()
    client.force_login(coordinator)

    response = client.post(url("admin:feedback_expenseclaim_reject", pk=claim.pk), {"reason": "  "})

    assert response.status_code == 200
    assert "Kerro hylkäämisen syy." in response.content.decode()
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED
    assert notifications("feedback_claim_rejected") == []


def test_each_decision_is_taken_once_and_in_order(client, alice, claim_path, coordinator):
    client.force_login(alice)
    _claim(client, claim_path)
    claim = ExpenseClaim.objects.get()
    client.force_login(coordinator)
    decide = url("admin:feedback_expenseclaim_decide", pk=claim.pk)

    client.post(decide, {"decision": "paid"})  # not approved yet
    claim.refresh_from_db()
    assert claim.state == ClaimState.SUBMITTED

    client.post(decide, {"decision": "approve"})
    client.post(decide, {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.state == ClaimState.APPROVED
    assert len(notifications("feedback_claim_approved")) == 1
    assert notifications("feedback_claim_paid") == []
    assert client.get(decide).status_code == 405


def test_the_claim_page_in_the_admin_puts_the_estimate_beside_the_claim(
    client, alice, claim_path, coordinator
):
    client.force_login(alice)
    _claim(client, claim_path)
    claim = ExpenseClaim.objects.get()
    client.force_login(coordinator)

    page = client.get(url("admin:feedback_expenseclaim_change", object_id=claim.pk))

    text = page.content.decode()
    assert "<th scope='col'>arvio</th><th scope='col'>haettu</th>" in text
    assert "<td>180</td><td>190</td>" in text  # kilometres: estimate, claimed
    assert "hotellikuitti.pdf" in text
    assert url("feedback:receipt", pk=Receipt.objects.get().pk) in text


def _receipts_field(page: str) -> str:
    """The receipts field's own part of the claim page, from its label to the next fieldset."""
    start = page.index('for="id_receipts"')
    return page[start : page.index("id_notes", start)]


def test_missing_receipts_are_told_beside_the_receipts_field(client, alice, claim_path):
    client.force_login(alice)

    response = _claim(client, claim_path, receipts=[])

    field = _receipts_field(response.content.decode())
    # The message stands beside the field and shows although the input is not its sibling.
    assert 'class="invalid-feedback d-block"' in field
    assert "Liitä kuitit euromääräisistä kuluista." in field
    # The chooser the visitor sees carries the red border, and the input names its message.
    assert 'class="file-choice is-invalid"' in field
    assert 'aria-invalid="true"' in field
    assert 'id_receipts_error"' in field.split("aria-describedby=", 1)[1].split(">", 1)[0]
