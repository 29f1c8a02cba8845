"""Self-service acceptance on the reference back end over real HTTP (issue 12): QuoteApplicationFees
makes an order of the fees, CreatePayment pays it, SubmitAcceptance checks and stores the
application, which GetApplicationProgress then shows as accepted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
import requests
from PIL import Image, ImageDraw

from backend import seed
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import errors as e
from backend_client import models as mo

adult = seed.person("local_adult")  # has a passport application in progress (AP-DEMO-0001)
other = seed.person("non_local_hukou")
ADDRESS = mo.PostalAddress("湖南省", "长沙市", "芙蓉区", "五一大道100号", "410011")


def png(size: tuple[int, int], mode: str = "L", ink: bool = True) -> bytes:
    image = Image.new(mode, size, 255 if mode == "L" else (255, 255, 255))
    if ink:
        ImageDraw.Draw(image).line((2, 2, size[0] - 3, size[1] - 3), fill=0, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


FINGER = png((256, 288))
SIGNATURE = png((300, 90))
FINGERS = (mo.FingerprintCapture(mo.Finger.RIGHT_INDEX, FINGER), mo.FingerprintCapture(mo.Finger.LEFT_INDEX, FINGER))


def pay(payment: mo.Payment) -> None:
    assert requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200


PAYMENTS: dict[str, str] = {}  # order id -> payment id of the quotes paid here


def paid_quote(client: BackendClient, person, documents, method=mo.DeliveryMethod.COLLECT) -> mo.ApplicationFeeQuote:
    quote = client.quote_application_fees(person.id_number, documents, method, new_request_id())
    payment = client.create_payment(quote.order_id, new_request_id())
    pay(payment)
    PAYMENTS[quote.order_id] = payment.payment_id
    return quote


def form_of(demo, person, photo_receipt: str, *documents, method=mo.DeliveryMethod.COLLECT):
    delivery = mo.Delivery(method) if method is mo.DeliveryMethod.COLLECT else \
        mo.Delivery(method, "湖南省长沙市芙蓉区五一大道100号", person.name, "13812345678")
    return demo.form(person, documents[0], photo_receipt_number=photo_receipt, delivery=delivery,
                     documents=tuple(mo.DocumentRequest(d, mo.ApplicationKind.FIRST_ISSUE) for d in documents))


@pytest.fixture(scope="module")
def photo_of(client, demo):
    receipts = {}

    def receipt(person) -> str:
        if person.id_number not in receipts:
            receipts[person.id_number] = client.upload_photo(person.id_number, demo.photo,
                                                             new_request_id()).receipt_number
        return receipts[person.id_number]
    return receipt


def test_the_quote_is_the_configured_fee_per_document_plus_postage(client):
    posted = client.quote_application_fees(adult.id_number, [mo.DocumentType.TAIWAN_PERMIT, mo.DocumentType.HK_MACAU_PERMIT],
                                           mo.DeliveryMethod.POST, new_request_id())
    assert [(line.document_type, line.fee) for line in posted.lines] == [
        (mo.DocumentType.TAIWAN_PERMIT, Decimal("60.00")), (mo.DocumentType.HK_MACAU_PERMIT, Decimal("60.00"))]
    assert (posted.postage, posted.total) == (Decimal("20.00"), Decimal("140.00"))
    passport = client.quote_application_fees(seed.person("long_term_id").id_number, [mo.DocumentType.PASSPORT],
                                             mo.DeliveryMethod.COLLECT, new_request_id())
    assert [line.fee for line in passport.lines] == [Decimal("120.00")]
    collected = client.quote_application_fees(other.id_number, [mo.DocumentType.HK_MACAU_PERMIT],
                                              mo.DeliveryMethod.COLLECT, new_request_id())
    assert (collected.postage, collected.total) == (Decimal("0.00"), Decimal("60.00"))
    assert client.create_payment(collected.order_id, new_request_id()).amount == Decimal("60.00")


def test_a_document_named_twice_is_refused(client):
    with pytest.raises(e.InvalidInputError) as error:
        client.quote_application_fees(other.id_number, [mo.DocumentType.PASSPORT, mo.DocumentType.PASSPORT],
                                      mo.DeliveryMethod.COLLECT, new_request_id())
    assert error.value.field == "documentType"


def test_a_paid_acceptance_is_stored_and_shows_as_accepted(client, server, demo, photo_of):
    quote = paid_quote(client, adult, [mo.DocumentType.HK_MACAU_PERMIT], mo.DeliveryMethod.POST)
    form = form_of(demo, adult, photo_of(adult), mo.DocumentType.HK_MACAU_PERMIT, method=mo.DeliveryMethod.POST)
    fingers = (FINGERS[0], mo.FingerprintCapture(mo.Finger.LEFT_MIDDLE, substitute_reason="left index injured",
                                                 not_captured_reason="3 tries: too few features"))
    request_id = new_request_id()
    receipt = client.submit_acceptance(quote.order_id, form, fingers, SIGNATURE, request_id, ADDRESS)
    assert receipt.status is mo.ApplicationStatus.ACCEPTED and receipt.amount_paid == Decimal("80.00")
    assert receipt.next_step.split() == ["FINGERPRINTS_AT_COUNTER", "WAIT_FOR_POST"]
    assert (receipt.expected_ready_on - receipt.submitted_at.date()).days >= 14  # 10 working days
    again = client.submit_acceptance(quote.order_id, form, fingers, SIGNATURE, request_id, ADDRESS)
    assert again == receipt  # the same request id: the same answer, one application
    progress = client.get_application_progress(receipt.application_number, adult.id_number)
    assert progress.status is mo.ApplicationStatus.ACCEPTED
    assert progress.document_types == (mo.DocumentType.HK_MACAU_PERMIT,)
    db = server.backend.store.connection()
    stored = db.execute("SELECT finger, image, substitute_reason, not_captured_reason FROM acceptance_fingerprints "
                        "WHERE application_number = ? ORDER BY position", (receipt.application_number,)).fetchall()
    assert [tuple(r) for r in stored] == [("RIGHT_INDEX", FINGER, None, None),
                                          ("LEFT_MIDDLE", None, "left index injured", "3 tries: too few features")]
    row = db.execute("SELECT signature, postal_address FROM acceptances WHERE application_number = ?",
                     (receipt.application_number,)).fetchone()
    assert row["signature"] == SIGNATURE and "410011" in row["postal_address"]
    # No text without the citizen's consent (issue 20): nothing recorded for the form's mobile.
    assert db.execute("SELECT COUNT(*) FROM text_messages WHERE application_number = ?",
                      (receipt.application_number,)).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM notice_messages WHERE mobile = ?", ("13812345678",)).fetchone()[0] == 0
    with pytest.raises(e.NotEligibleError) as error:  # the order carries one application
        client.submit_acceptance(quote.order_id, form, fingers, SIGNATURE, new_request_id(), ADDRESS)
    assert error.value.reason == "ORDER_CLOSED"


def test_an_unpaid_order_is_refused(client, demo, photo_of):
    quote = client.quote_application_fees(other.id_number, [mo.DocumentType.TAIWAN_PERMIT], mo.DeliveryMethod.COLLECT,
                                          new_request_id())
    with pytest.raises(e.NotEligibleError) as error:
        client.submit_acceptance(quote.order_id, form_of(demo, other, photo_of(other), mo.DocumentType.TAIWAN_PERMIT),
                                 FINGERS, SIGNATURE, new_request_id())
    assert error.value.reason == "ORDER_NOT_PAID"


def test_the_fee_must_match_what_is_applied_for(client, demo, photo_of):
    quote = paid_quote(client, other, [mo.DocumentType.TAIWAN_PERMIT])
    form = form_of(demo, other, photo_of(other), mo.DocumentType.TAIWAN_PERMIT, mo.DocumentType.PASSPORT)
    with pytest.raises(e.NotEligibleError) as error:
        client.submit_acceptance(quote.order_id, form, FINGERS, SIGNATURE, new_request_id())
    assert error.value.reason == "AMOUNT_MISMATCH"


def test_another_terminal_cannot_use_the_order(client, server, demo, photo_of):
    quote = paid_quote(client, other, [mo.DocumentType.TAIWAN_PERMIT])
    stranger = BackendClient(ClientSettings(server.url, "TEST-T99", retries=0))
    try:
        with pytest.raises(e.NotFoundError) as error:
            stranger.submit_acceptance(quote.order_id, form_of(demo, other, photo_of(other),
                                                               mo.DocumentType.TAIWAN_PERMIT),
                                       FINGERS, SIGNATURE, new_request_id())
    finally:
        stranger.close()
    assert error.value.entity == "ORDER"


def test_the_photo_receipt_must_be_this_persons_and_recent(client, server, demo, photo_of):
    quote = paid_quote(client, other, [mo.DocumentType.TAIWAN_PERMIT])
    with pytest.raises(e.NotFoundError) as error:
        client.submit_acceptance(quote.order_id, form_of(demo, other, photo_of(adult), mo.DocumentType.TAIWAN_PERMIT),
                                 FINGERS, SIGNATURE, new_request_id())
    assert error.value.entity == "PHOTO_RECEIPT"
    old = client.upload_photo(other.id_number, demo.photo, new_request_id()).receipt_number
    seven_months_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=213)).isoformat()
    with server.backend.store.write() as db:
        db.execute("UPDATE photos SET accepted_at = ? WHERE receipt_number = ?", (seven_months_ago, old))
    with pytest.raises(e.InvalidInputError) as error:
        client.submit_acceptance(quote.order_id, form_of(demo, other, old, mo.DocumentType.TAIWAN_PERMIT),
                                 FINGERS, SIGNATURE, new_request_id())
    assert error.value.field == "form.photoReceiptNumber" and "6 months" in error.value.problem


@pytest.mark.parametrize("fingers, signature, field", [
    ((mo.FingerprintCapture(mo.Finger.RIGHT_INDEX, png((256, 280))), FINGERS[1]), SIGNATURE, "fingerprint.image"),
    ((mo.FingerprintCapture(mo.Finger.RIGHT_INDEX, png((256, 288), "RGB")), FINGERS[1]), SIGNATURE,
     "fingerprint.image"),
    ((mo.FingerprintCapture(mo.Finger.RIGHT_INDEX), FINGERS[1]), SIGNATURE, "fingerprint.image"),
    ((FINGERS[0], dataclasses.replace(FINGERS[1], finger=mo.Finger.RIGHT_INDEX)), SIGNATURE, "fingerprint.finger"),
    (FINGERS, png((300, 90), ink=False), "signature"),
    (FINGERS, png((20, 8)), "signature"),
    (FINGERS, b"not a png", "signature"),
])
def test_images_are_checked(client, demo, photo_of, fingers, signature, field):
    quote = paid_quote(client, other, [mo.DocumentType.TAIWAN_PERMIT])
    with pytest.raises(e.InvalidInputError) as error:
        client.submit_acceptance(quote.order_id, form_of(demo, other, photo_of(other), mo.DocumentType.TAIWAN_PERMIT),
                                 fingers, signature, new_request_id())
    assert error.value.field == field


def test_posting_needs_a_complete_address(client, demo, photo_of):
    quote = paid_quote(client, other, [mo.DocumentType.TAIWAN_PERMIT], mo.DeliveryMethod.POST)
    form = form_of(demo, other, photo_of(other), mo.DocumentType.TAIWAN_PERMIT, method=mo.DeliveryMethod.POST)
    with pytest.raises(e.InvalidInputError) as error:
        client.submit_acceptance(quote.order_id, form, FINGERS, SIGNATURE, new_request_id())
    assert error.value.field == "postalAddress"
    with pytest.raises(e.InvalidInputError) as error:
        client.submit_acceptance(quote.order_id, form, FINGERS, SIGNATURE, new_request_id(),
                                 dataclasses.replace(ADDRESS, district=" "))
    assert error.value.field == "postalAddress.district"


def test_an_application_made_after_the_quote_is_refused_at_submit(client, demo, photo_of):
    person = seed.person("minority_name")
    quote = paid_quote(client, person, [mo.DocumentType.TAIWAN_PERMIT])
    form = form_of(demo, person, photo_of(person), mo.DocumentType.TAIWAN_PERMIT)
    client.submit_application(form, new_request_id())  # at the form service meanwhile
    with pytest.raises(e.NotEligibleError) as error:
        client.submit_acceptance(quote.order_id, form, FINGERS, SIGNATURE, new_request_id())
    assert error.value.reason == "APPLICATION_IN_PROGRESS"


@pytest.mark.parametrize("person, document, reason", [
    ("state_employee", mo.DocumentType.PASSPORT, "REGISTERED_STATE_EMPLOYEE"),
    ("local_adult", mo.DocumentType.PASSPORT, "APPLICATION_IN_PROGRESS"),
    ("hk_resident", mo.DocumentType.PASSPORT, "NOT_MAINLAND_RESIDENT"),
])
def test_who_the_counter_serves_is_refused_before_paying(client, person, document, reason):
    with pytest.raises(e.NotEligibleError) as error:
        client.quote_application_fees(seed.person(person).id_number, [document], mo.DeliveryMethod.COLLECT,
                                      new_request_id())
    assert error.value.reason == reason


def test_a_paid_quote_is_refunded_unless_an_application_was_accepted_with_it(client, demo, photo_of):
    person = seed.person("long_term_id")
    unused = paid_quote(client, person, [mo.DocumentType.TAIWAN_PERMIT])
    used = paid_quote(client, other, [mo.DocumentType.HK_MACAU_PERMIT])
    client.submit_acceptance(used.order_id, form_of(demo, other, photo_of(other), mo.DocumentType.HK_MACAU_PERMIT),
                             FINGERS, SIGNATURE, new_request_id())
    for quote, refundable in ((unused, True), (used, False)):
        payment_id = PAYMENTS[quote.order_id]
        if refundable:
            refund = client.refund_payment(payment_id, "back end down at submit", new_request_id())
            assert refund.status is mo.PaymentStatus.REFUNDED
        else:
            with pytest.raises(e.NotEligibleError) as error:
                client.refund_payment(payment_id, "answer lost", new_request_id())
            assert error.value.reason == "NOT_REFUNDABLE"


def test_the_fees_file_is_checked_when_read(tmp_path):
    from backend.rules.acceptance import ACCEPTANCE_FILE, RulesError, read_rules

    shipped = read_rules()
    assert shipped.fee("PASSPORT") == Decimal("120.00") and shipped.photo_max_age_months == 6
    broken = tmp_path / "acceptance.toml"
    broken.write_text(ACCEPTANCE_FILE.read_text(encoding="utf-8").replace('PASSPORT = "120.00"', 'PASSPORT = "lots"'),
                      encoding="utf-8")
    with pytest.raises(RulesError) as error:
        read_rules(broken)
    assert error.value.key == "fees.PASSPORT"
    broken.write_text("[fees]\n", encoding="utf-8")
    with pytest.raises(RulesError) as error:
        read_rules(broken)
    assert error.value.key == "fees.PASSPORT"
