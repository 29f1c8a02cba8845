"""Self-service acceptance (issue 12) headless, on the simulators (ID card, fingerprint module on a
pty, printer) and the reference back end over real HTTP: every main branch.

Each test plays one demo person and document (a second application for the same document is
refused while the first is in progress); photos are uploaded to this module's back end first,
as the photo service would have done earlier.
"""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from backend import seed
from backend_client import new_request_id
from devices.fingerprint.simulator import Finger
from flows import recovery
from flows.acceptance import FINGER_TRIES, AcceptanceFlow, AcceptState
from flows.application_form import FormState
from flows.engine import Cancel
from flows.journal import TxnStatus
from terminal.scenarios import FORM_DETAILS, identify
from terminal.scenarios_acceptance import give_fingers
from terminal.simulation import pay_shown_code

PAD = (600, 200)
# A name written across the pad: two strokes, wide and tall enough to be a signature.
SIGNED = (((40.0, 150.0), (120.0, 40.0), (200.0, 160.0), (280.0, 50.0)), ((300.0, 100.0), (520.0, 110.0)))


def compliant_photo() -> bytes:
    """A JPEG the back end takes as the ID photo (390 x 520, 20-80 KB: noise keeps it big enough)."""
    rng = random.Random(12)
    image = Image.new("RGB", (390, 520), "white")
    image.putdata([(rng.randrange(150, 256),) * 3 for _ in range(390 * 520)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=40)
    return out.getvalue()


@pytest.fixture(scope="module")
def photo_receipt(runtime):
    photo = compliant_photo()
    return lambda person: runtime.backend.upload_photo(seed.person(person).id_number, photo,
                                                       new_request_id()).receipt_number


def fill_form(pump, person: str, document: str, delivery: str = "collect"):
    pump.start(AcceptanceFlow)
    identify(pump, person, "documents")
    pump.touch("toggle_document", document)
    pump.touch("next")
    view = pump.touch("reason", (document, "first"))
    if any(f["name"] == "birth_place" for f in view.data.get("fields", ())):  # none on file: typed
        pump.touch("field", ("birth_place", "湖南省长沙市"))
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    pump.touch("delivery", delivery)
    if delivery == "post":
        pump.touch("field", ("postal_address", "五一大道100号"))
        pump.touch("field", ("postcode", "410011"))
        pump.touch("next")
    return pump.expect("review")


def to_fingerprints(pump, receipt_number: str):
    assert pump.touch("submit").state == "photo"
    assert pump.touch("next").error_key == "acceptance.error.photo_receipt"
    pump.touch("photo_receipt", receipt_number)
    return pump.touch("next")


def take_fingers(pump, *placements: Finger):
    """Both fingers, following the guide (place, lift, place again); `placements` in turn, then good."""
    return give_fingers(pump, placements)


def test_every_state_has_a_view_and_valid_targets():
    states = [*FormState, *AcceptState]
    assert all(s in AcceptanceFlow.VIEWS for s in states)
    assert all(t in states for targets in AcceptanceFlow.TRANSITIONS.values() for t in targets)


def test_collected_passport_is_accepted_paid_and_its_receipt_printed(pump, runtime, photo_receipt, next_receipt):
    fill_form(pump, "long_term_id", "passport")
    view = to_fingerprints(pump, photo_receipt("long_term_id"))
    assert view.state == "fingerprint" and view.data["finger"] == "RIGHT_INDEX"
    assert view.data["tries_left"] == FINGER_TRIES
    view = take_fingers(pump)
    assert view.state == "signature"
    assert pump.touch("sign", ((), *PAD)).error_key == "acceptance.signature.empty"
    assert pump.touch("sign", ((((10.0, 10.0), (14.0, 12.0)),), *PAD)).error_key == "acceptance.signature.too_small"
    view = pump.touch("sign", (SIGNED, *PAD))
    assert view.state == "fees" and view.data["total"] == "120.00" and view.data["postage"] == "0.00"
    assert view.data["lines"] == [("PASSPORT", "120.00")]
    assert pump.touch("pay").state == "paying"

    done = pay_shown_code(pump)

    assert done.state == "done" and done.finished, done.error_key
    number = done.data["application_number"]
    assert done.data["next_step"] == ["acceptance.next.collect"]
    assert all(f["captured"] for f in done.data["fingers"])
    receipt = next_receipt()
    assert number in receipt and seed.person("long_term_id").id_number not in receipt
    progress = runtime.backend.get_application_progress(number, seed.person("long_term_id").id_number)
    assert progress.status.value == "ACCEPTED"
    txn = runtime.journal.get(done.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.amount_fen == 12000
    steps = [(s.step, s.phase.value) for s in txn.steps]
    assert steps[:2] == [("quote", "before"), ("quote", "after")]
    assert ("submit", "after") in steps and steps[-1] == ("print", "after")
    assert "PNG" not in repr([s.detail for s in txn.steps])  # no image in the journal


def test_a_finger_that_cannot_be_captured_and_posting_to_an_address(pump, runtime, photo_receipt):
    fill_form(pump, "minority_name", "taiwan_permit", delivery="post")
    to_fingerprints(pump, photo_receipt("minority_name"))
    view = pump.touch("substitute", ("RIGHT_MIDDLE", "index finger injured"))
    assert view.data["finger"] == "RIGHT_MIDDLE" and view.data["substitute_reason"] == "index finger injured"
    view = take_fingers(pump, *[Finger.SMUDGED] * FINGER_TRIES)  # the first finger never gives a usable image
    assert view.state == "signature"
    first, second = pump.flow.fingers
    assert (first.finger.value, first.substitute_reason, first.image) == ("RIGHT_MIDDLE", "index finger injured", None)
    assert first.not_captured.startswith(f"{FINGER_TRIES} tries") and second.image is not None
    view = pump.touch("sign", (SIGNED, *PAD))
    assert view.state == "region"
    assert pump.touch("next").error_key == "form.error.required"
    for name, text in (("province", "湖南省"), ("city", "长沙市"), ("district", "芙蓉区")):
        pump.touch("field", (name, text))
    view = pump.touch("next")
    assert view.state == "fees" and view.data["postage"] == "20.00" and view.data["total"] == "80.00"
    pump.touch("pay")
    done = pay_shown_code(pump)
    assert done.state in ("done", "done_not_printed"), done.error_key
    assert done.data["next_step"] == ["acceptance.next.fingerprints", "acceptance.next.post"]


def test_refused_at_submit_after_payment_is_refunded(pump, runtime, photo_receipt):
    fill_form(pump, "non_local_hukou", "taiwan_permit")
    to_fingerprints(pump, photo_receipt("long_term_id"))  # another person's photo receipt
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    pump.touch("pay")
    view = pay_shown_code(pump)
    assert view.state == "refunded" and view.finished
    assert view.error_key == "backend.not_found.photo_receipt"
    txn = runtime.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.REFUNDED
    assert [s.step for s in txn.steps if s.phase.value == "after"][-1] == "refund"


@pytest.mark.parametrize("person, state, key", [
    ("minor", "refused", "form.refused.minor"),
    ("hk_resident", "refused", "form.refused.not_citizen"),
])
def test_under_16_and_residence_permit_holders_go_to_a_counter(pump, person, state, key):
    pump.start(AcceptanceFlow)
    view = identify(pump, person, state)
    assert view.error_key == key and view.finished


def test_a_registered_state_employee_is_refused_before_paying(pump, runtime, photo_receipt):
    fill_form(pump, "state_employee", "passport")
    to_fingerprints(pump, photo_receipt("state_employee"))
    take_fingers(pump)
    view = pump.touch("sign", (SIGNED, *PAD))
    assert view.state == "refused" and view.error_key == "backend.not_eligible.registered_state_employee"
    txn = runtime.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and txn.order_id is None


def test_leaving_at_the_fees_pays_nothing(pump, runtime, photo_receipt):
    fill_form(pump, "local_adult", "taiwan_permit")
    to_fingerprints(pump, photo_receipt("local_adult"))
    take_fingers(pump)
    view = pump.touch("sign", (SIGNED, *PAD))
    assert view.state == "fees"
    view = pump.send(Cancel("timeout"))
    assert view.state == "cancelled"
    assert runtime.journal.get(view.data.get("transaction") or pump.flow.txn_id).status is TxnStatus.CANCELLED


def crash_after_payment(pump, person: str, photo: str):
    """Play up to a paid code whose notice never arrives, then drop the flow as a crash would."""
    fill_form(pump, person, "passport")
    to_fingerprints(pump, photo)
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    pump.touch("pay")
    pay_shown_code(pump, notify=False)
    return pump.flow


def test_recovery_refunds_a_paid_application_that_was_never_submitted(pump, runtime, photo_receipt):
    flow = crash_after_payment(pump, "points_near_limit", photo_receipt("points_near_limit"))
    txn = runtime.journal.get(flow.txn_id)
    assert txn.status is TxnStatus.OPEN

    recovered = recovery.recover(pump.ctx, txn)

    assert (recovered.action, recovered.status) == (recovery.Action.REFUND, TxnStatus.REFUNDED)
    payment = runtime.backend.get_payment_status(flow.paid.taken.payment_id)
    assert payment.status.value == "REFUNDED"


def test_recovery_completes_an_application_whose_answer_was_lost(pump, runtime, photo_receipt):
    flow = crash_after_payment(pump, "expired_permit", photo_receipt("expired_permit"))
    # The submission reached the back end under the journal's request id; the kiosk died before the answer.
    request_id = runtime.journal.before(flow.txn_id, "submit")
    accepted = runtime.backend.submit_acceptance(
        flow.quote.order_id, flow.draft.to_application_form(), [f.to_capture() for f in flow.fingers],
        flow.signature_png, request_id)

    recovered = recovery.recover(pump.ctx, runtime.journal.get(flow.txn_id))

    assert (recovered.action, recovered.status) == (recovery.Action.COMPLETE, TxnStatus.COMPLETED)
    assert "reprint" in recovered.reason
    progress = runtime.backend.get_application_progress(accepted.application_number,
                                                        seed.person("expired_permit").id_number)
    assert progress.status.value == "ACCEPTED"
    assert runtime.backend.get_payment_status(flow.paid.taken.payment_id).status.value == "PAID"


def test_a_declined_code_offers_another_and_leaving_then_pays_nothing(pump, runtime, photo_receipt):
    fill_form(pump, "permit_other_holder", "passport")
    to_fingerprints(pump, photo_receipt("permit_other_holder"))
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    pump.touch("pay")
    view = pay_shown_code(pump, action="decline")
    assert view.state == "payment_failed" and "retry" in view.actions
    assert pump.touch("retry").state == "paying"
    view = pump.send(Cancel("cancel"))
    assert view.state == "cancelled"
    txn = runtime.journal.get(pump.flow.txn_id)
    assert txn.status is TxnStatus.CANCELLED
    assert not any(s.step == "submit" for s in txn.steps)
