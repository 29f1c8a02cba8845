"""Self-service acceptance (issue 12): the fees as an order to pay, then the paid application
with its photo receipt, two fingerprints, the signature and the delivery.

Confinement (issue 18, proofs.py): both operations want the person's face match when the back
end authenticates terminals; a quote is an order of the terminal that asked for it, and only that
terminal may pay it or submit an application with it. An order carries one application.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from decimal import Decimal
from typing import Any

from lxml import etree
from PIL import Image, UnidentifiedImageError
from spyne.util.xml import get_object_as_xml

from backend import messages as m
from backend.faults import InvalidInput, NotEligible, NotFound
from backend.handlers import drafts, proofs
from backend.handlers.applications import _refuse_if_in_progress
from backend.handlers.common import CallEnv, find_person, money, require_valid_id_number, same_name
from backend.handlers.identity import binary
from backend.rules import id_numbers
from backend.rules.acceptance import AcceptanceRules, load_rules
from backend.rules.applications import check_form, check_identity_fields, expected_ready_on
from backend.timeutil import iso, parse

ORDER_KIND = "ACCEPTANCE"
POST = "POST"
FINGERPRINT_SIZE = (256, 288)  # the 500 dpi module's image (docs/protocols/fingerprint.md)
FINGERPRINT_MAX_BYTES = 80 * 1024
SIGNATURE_MIN_SIZE = (40, 12)  # px of ink: below this it is a dot or a stroke, not a signature
SIGNATURE_MAX_BYTES = 200 * 1024


def quote_fees(env: CallEnv, req: Any) -> m.ApplicationFeeQuote:
    require_valid_id_number(req.idNumber)
    person = _person_with_proof(env, req.terminalId, req.idNumber, req.matchToken)
    documents = list(req.documentType)
    if len(set(documents)) != len(documents):
        raise InvalidInput("documentType", "names a document twice")
    # Refused before anything is paid: the same rules SubmitAcceptance applies again.
    if person["registered_state_employee"]:
        raise NotEligible("REGISTERED_STATE_EMPLOYEE",
                          "registered state employees need their unit's written approval at the counter")
    if id_numbers.is_residence_permit(req.idNumber):
        raise NotEligible("NOT_MAINLAND_RESIDENT", "residence-permit holders apply for their own region's documents")
    completed = drafts.completed_draft(env.db, req.draftNumber, req.idNumber)
    _refuse_if_in_progress(env, req.idNumber, documents, completed["application_number"] if completed else None)
    rules = load_rules()
    lines, postage, total = fees_of(rules, documents, req.deliveryMethod)
    order_id = env.new_private_reference("AO")
    env.db.execute("INSERT INTO orders (order_id, kind, terminal_id, id_number, permit_number, status, amount, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 'AWAITING_PAYMENT', ?, ?, ?)",
                   (order_id, ORDER_KIND, req.terminalId, req.idNumber, str(total), iso(env.now), iso(env.now)))
    env.db.execute("INSERT INTO acceptance_quotes VALUES (?, ?, ?, ?)",
                   (order_id, ",".join(documents), req.deliveryMethod, str(postage)))
    return m.ApplicationFeeQuote(orderId=order_id, line=[m.FeeLine(documentType=t, fee=f) for t, f in lines],
                                 postage=postage, total=total)


def fees_of(rules: AcceptanceRules, documents: list[str],
            delivery_method: str) -> tuple[list[tuple[str, Decimal]], Decimal, Decimal]:
    lines = [(t, rules.fee(t)) for t in documents]
    postage = rules.postage if delivery_method == POST else money("0")
    return lines, postage, money(sum((f for _, f in lines), postage))


def submit_acceptance(env: CallEnv, req: Any) -> m.AcceptanceReceipt:
    form = req.form
    check_identity_fields(form)
    person = _person_with_proof(env, req.terminalId, form.idNumber, req.matchToken)
    if not same_name(person["name"], form.name):
        raise NotEligible("IDENTITY_MISMATCH", "the name does not match the ID number")
    check_form(form, bool(person["registered_state_employee"]), env.today)
    order = _paid_order(env, req.orderId, req.terminalId, form.idNumber)
    rules = load_rules()
    documents = [d.documentType for d in form.document]
    _, _, due = fees_of(rules, documents, form.delivery.method)
    if money(order["amount"]) != due:
        raise NotEligible("AMOUNT_MISMATCH", f"the application costs {due}, the order paid {money(order['amount'])}")
    _check_photo_receipt(env, rules, form.photoReceiptNumber, form.idNumber)
    fingerprints = _check_fingerprints(req.fingerprint)
    signature = _check_signature(binary(req.signature))
    address = _check_postal_address(form.delivery.method, req.postalAddress)
    completed = drafts.completed_draft(env.db, req.draftNumber, form.idNumber)
    _refuse_if_in_progress(env, form.idNumber, documents, completed["application_number"] if completed else None)

    ready_on = expected_ready_on(env.today)
    form_xml = etree.tostring(get_object_as_xml(form, m.ApplicationForm), encoding="unicode")
    if completed is not None:  # the form service's application, completed under its own number
        number = completed["application_number"]
        env.db.execute("UPDATE applications SET terminal_id = ?, document_types = ?, form_xml = ?, status = "
                       "'ACCEPTED', expected_ready_on = ? WHERE application_number = ?",
                       (req.terminalId, ",".join(documents), form_xml, ready_on.isoformat(), number))
    else:
        number = env.new_reference("AP")
        env.db.execute("INSERT INTO applications VALUES (?, ?, ?, ?, ?, 'ACCEPTED', ?, ?, NULL, NULL)",
                       (number, form.idNumber, req.terminalId, ",".join(documents), form_xml,
                        iso(env.now), ready_on.isoformat()))
        env.db.execute("INSERT INTO application_steps VALUES (?, 'ACCEPTED', ?)", (number, iso(env.now)))
        drafts.mark_online_draft_used(env.db, req.draftNumber, form.idNumber, number)
    env.db.execute("INSERT INTO acceptances VALUES (?, ?, ?, ?, ?)",
                   (number, req.orderId, form.photoReceiptNumber, signature, address))
    for position, (finger, image, substitute, not_captured) in enumerate(fingerprints):
        env.db.execute("INSERT INTO acceptance_fingerprints VALUES (?, ?, ?, ?, ?, ?)",
                       (number, position, finger, image, substitute, not_captured))
    # No text here (issue 20): a would-be text is recorded only for a citizen who consented, by
    # SubscribeNotices after this answer (the form service's application is ACCEPTED already, so a
    # subscription made there has its ACCEPTED text and gets no second one).
    return m.AcceptanceReceipt(applicationNumber=number, status="ACCEPTED", submittedAt=env.now,
                               expectedReadyOn=ready_on, nextStep=_next_step(form.delivery.method, fingerprints),
                               amountPaid=money(order["amount"]))


def _person_with_proof(env: CallEnv, terminal_id: str, id_number: str, token: str | None) -> sqlite3.Row:
    person = find_person(env.db, id_number)
    if not proofs.proven(env, terminal_id, id_number, token):
        raise NotFound("PERSON", "no person with this ID number")
    return person


def _paid_order(env: CallEnv, order_id: str, terminal_id: str, id_number: str) -> sqlite3.Row:
    """This terminal's acceptance order for this person, paid and not yet used."""
    order = env.db.execute("SELECT * FROM orders WHERE order_id = ? AND terminal_id = ? AND kind = ? "
                           "AND id_number = ?", (order_id, terminal_id, ORDER_KIND, id_number)).fetchone()
    if order is None:
        raise NotFound("ORDER", "no order with this id")
    if order["status"] == "REFUNDED":
        raise NotEligible("ORDER_CLOSED", "the order was refunded")
    if order["status"] != "PAID":
        raise NotEligible("ORDER_NOT_PAID", "the fees are not paid")
    if env.db.execute("SELECT 1 FROM acceptances WHERE order_id = ?", (order_id,)).fetchone():
        raise NotEligible("ORDER_CLOSED", "an application was accepted with this order already")
    return order


def _check_photo_receipt(env: CallEnv, rules: AcceptanceRules, receipt_number: str | None, id_number: str) -> None:
    if not receipt_number:
        raise InvalidInput("form.photoReceiptNumber", "is required")
    row = env.db.execute("SELECT accepted_at FROM photos WHERE receipt_number = ? AND id_number = ?",
                         (receipt_number, id_number)).fetchone()
    if row is None:
        raise NotFound("PHOTO_RECEIPT", "no photo with this receipt number for this person")
    if parse(row["accepted_at"]) < months_before(env.now, rules.photo_max_age_months):
        raise InvalidInput("form.photoReceiptNumber",
                           f"is older than {rules.photo_max_age_months} months: a new photo is needed")


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` earlier (the month's last day when that day does not exist)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month + 1, day=min(moment.day, 28))


def _check_fingerprints(captures: list[Any]) -> list[tuple[str, bytes | None, str | None, str | None]]:
    checked = []
    fingers = [c.finger for c in captures]
    if len(set(fingers)) != len(fingers):
        raise InvalidInput("fingerprint.finger", "names the same finger twice")
    for capture in captures:
        image = binary(capture.image) if capture.image is not None else b""
        if image and capture.notCapturedReason:
            raise InvalidInput("fingerprint.notCapturedReason", "is only for a finger without an image")
        if not image:
            if not capture.notCapturedReason:
                raise InvalidInput("fingerprint.image", "is required unless notCapturedReason says why not")
            checked.append((capture.finger, None, capture.substituteReason, capture.notCapturedReason))
            continue
        _check_png(image, "fingerprint.image", FINGERPRINT_MAX_BYTES, exact=FINGERPRINT_SIZE, mode="L")
        checked.append((capture.finger, image, capture.substituteReason, None))
    return checked


def _check_signature(image: bytes) -> bytes:
    if not image:
        raise InvalidInput("signature", "is required")
    width, height, extrema = _check_png(image, "signature", SIGNATURE_MAX_BYTES)
    if width < SIGNATURE_MIN_SIZE[0] or height < SIGNATURE_MIN_SIZE[1]:
        raise InvalidInput("signature", f"is too small to be a signature ({width} x {height} px)")
    if extrema[0] > 128:  # nothing darker than mid-grey: no ink
        raise InvalidInput("signature", "is blank")
    return image


def _check_png(data: bytes, field: str, max_bytes: int, exact: tuple[int, int] | None = None,
               mode: str | None = None) -> tuple[int, int, tuple[int, int]]:
    if len(data) > max_bytes:
        raise InvalidInput(field, f"must be at most {max_bytes // 1024} KB (is {len(data) // 1024} KB)")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind, size, image_mode = image.format, image.size, image.mode
            extrema = image.convert("L").getextrema()
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidInput(field, "is not an image") from None
    if kind != "PNG":
        raise InvalidInput(field, "must be a PNG")
    if exact is not None and size != exact:
        raise InvalidInput(field, f"must be {exact[0]} x {exact[1]} px (is {size[0]} x {size[1]})")
    if mode is not None and image_mode != mode:
        raise InvalidInput(field, "must be 8-bit greyscale")
    return size[0], size[1], extrema


def _check_postal_address(method: str, address: Any) -> str | None:
    if method != POST:
        return None
    if address is None:
        raise InvalidInput("postalAddress", "is required when the documents are posted")
    parts = {}
    for part in ("province", "city", "district", "street", "postcode"):
        value = (getattr(address, part) or "").strip()
        if not value:
            raise InvalidInput(f"postalAddress.{part}", "is required when the documents are posted")
        parts[part] = value
    return json.dumps(parts, ensure_ascii=False)


def _next_step(method: str, fingerprints: list[tuple[str, Any, Any, Any]]) -> str:
    steps = []
    if any(not_captured for *_, not_captured in fingerprints):
        steps.append("FINGERPRINTS_AT_COUNTER")
    steps.append("WAIT_FOR_POST" if method == POST else "COLLECT_AT_HALL")
    return " ".join(steps)


def refuse_refund_if_accepted(db: sqlite3.Connection, order_id: str) -> None:
    """RefundPayment of an acceptance order: refundable while no application was accepted with it
    (the kiosk's recovery after a lost SubmitAcceptance answer learns it was accepted this way)."""
    if db.execute("SELECT 1 FROM acceptances WHERE order_id = ?", (order_id,)).fetchone():
        raise NotEligible("NOT_REFUNDABLE", "an application was accepted with this order")
