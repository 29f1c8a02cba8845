"""The acceptance's QR code runs out before anyone pays (issue 12): the kiosk's countdown ends (the
flows' clock is the pump's virtual one), the citizen is offered a new code, and the application is
accepted once that one is paid; a citizen who leaves instead pays nothing and nothing is submitted.
"""

from __future__ import annotations

import pytest

from flows.engine import Cancel
from flows.journal import TxnStatus
from flows.payment import PAYMENT_EXPIRY_GRACE_SECONDS
from terminal.simulation import pay_shown_code

from .test_acceptance import PAD, SIGNED, compliant_photo, fill_form, take_fingers


@pytest.fixture(scope="module")
def photo_receipt(runtime):
    from backend import seed
    from backend_client import new_request_id

    photo = compliant_photo()
    return lambda person: runtime.backend.upload_photo(seed.person(person).id_number, photo,
                                                       new_request_id()).receipt_number


def to_the_code(pump, person: str, receipt: str):
    fill_form(pump, person, "taiwan_permit")
    pump.touch("submit")
    pump.touch("photo_receipt", receipt)
    pump.touch("next")
    take_fingers(pump)
    pump.touch("sign", (SIGNED, *PAD))
    view = pump.touch("pay")
    assert view.state == "paying"
    return view


def run_out(pump, view):
    pump.clock.advance(view.data["seconds_left"] + PAYMENT_EXPIRY_GRACE_SECONDS + 1)
    return pump.tick_until_state("payment_failed")


def test_an_expired_code_is_replaced_and_the_new_one_pays_for_the_application(pump, runtime, photo_receipt):
    view = run_out(pump, to_the_code(pump, "long_term_id", photo_receipt("long_term_id")))
    assert view.error_key == "payment.expired" and "retry" in view.actions

    assert pump.touch("retry").state == "paying"
    done = pay_shown_code(pump)

    assert done.state in ("done", "done_not_printed"), done.error_key
    txn = runtime.journal.get(done.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert txn.last("payment_1_result").detail["status"] == "abandoned"
    assert [s.step for s in txn.steps if s.step == "submit" and s.phase.value == "after"] == ["submit"]


def test_leaving_after_the_code_expired_pays_nothing_and_submits_nothing(pump, runtime, photo_receipt):
    run_out(pump, to_the_code(pump, "minority_name", photo_receipt("minority_name")))

    view = pump.send(Cancel("cancel"))

    assert view.state == "cancelled"
    txn = runtime.journal.get(pump.flow.txn_id)
    assert txn.status is TxnStatus.CANCELLED
    assert not any(s.step == "submit" for s in txn.steps)
