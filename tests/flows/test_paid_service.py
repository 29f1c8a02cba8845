"""The paid step (flows/paid_service.py) as both money flows use it: paid at once, declined then
paid with a second code, and the citizen leaving after the phone paid (an endorsement is
refunded, a fine is settled). Real simulators and the reference back end over HTTP; what is
checked is what the step owns: its attempts, the journal entries recovery reads back, the
refund and the transaction's end.
"""

from __future__ import annotations

import pytest

from backend_client.models import PaymentStatus
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted, FlowView
from flows.fines import FinesFlow
from flows.journal import Phase, Transaction, TxnStatus
from flows.paid_service import CANCEL_ACTION, PAYMENT_ATTEMPTS, REFUND_STEP, RETRY_ACTION, PaidService
from flows.pump import FlowPump
from terminal.simulation import pay_on_phone, pay_shown_code

ENDORSEMENT = "endorsement"
FINE_TO_PAY = "fine_to_pay"        # decided at a counter: pay only, no decision made here
FINE_TO_ACCEPT = "fine_to_accept"  # accepted at the kiosk, then paid
# What each path settles (backend/seed.py demo data; each test module has a fresh back end).
FINES = {FINE_TO_PAY: ("WF-DEMO-0005", "pay"), FINE_TO_ACCEPT: ("WF-DEMO-0001", "accept")}
SECOND_FINE_TO_PAY = "WF-DEMO-0006"


def to_payment(pump: FlowPump, path: str, violation: str | None = None) -> FlowView:
    """Identity, then the endorsement's offer or a fine's detail, up to the QR code."""
    if path == ENDORSEMENT:
        pump.start(EndorsementFlow)
        pump.simulators["idcard"].insert_card(card_for("long_term_id"))
        pump.tick_until_state("insert_permit")
        pump.simulators["permit"].insert_card("C12345678")
        pump.send(CardInserted("permit"))
        pump.touch("same")
        return pump.touch("pay")
    number, verb = FINES[path]
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", violation or number)
    return pump.touch(verb)


def paid_step(pump: FlowPump) -> PaidService:
    paid = pump.flow.paid  # type: ignore[union-attr]
    assert isinstance(paid, PaidService)
    return paid


def phases(txn: Transaction, step: str) -> list[Phase]:
    return [s.phase for s in txn.steps if s.step == step]


@pytest.mark.parametrize(("path", "violation", "end_state"), [
    (ENDORSEMENT, None, "done"), (FINE_TO_PAY, SECOND_FINE_TO_PAY, "settled")])
def test_paid_at_once(money_driver, path, violation, end_state):
    pump = money_driver
    view = to_payment(pump, path, violation)
    paid = paid_step(pump)
    assert view.state == "paying" and view.deadline == paid.deadline is not None
    assert paid.payment is not None and paid.payment.attempt == 1

    view = pay_shown_code(pump)

    assert view.state == end_state and view.deadline is None and paid.deadline is None
    txn = pump.ctx.journal.get(paid.txn_id)
    assert (txn.status, txn.note) == (TxnStatus.COMPLETED, "")
    assert phases(txn, "payment_1") == [Phase.BEFORE, Phase.AFTER] and txn.done("paid") and txn.done("print")
    assert txn.last("payment_1").request_id == f"{paid.txn_id}-payment_1"
    assert paid.taken is not None and txn.payment_id == paid.taken.payment_id
    assert paid.refund_id is None and paid.receipt_error is None and not txn.started(REFUND_STEP)


@pytest.mark.parametrize("path", [ENDORSEMENT, FINE_TO_PAY])
def test_declined_then_paid_with_a_second_code(money_driver, path):
    pump = money_driver
    to_payment(pump, path)
    paid = paid_step(pump)

    view = pay_shown_code(pump, "decline")

    assert view.state == "payment_failed" and view.error_key == "payment.declined"
    assert view.actions == paid.failed_actions() == (RETRY_ACTION, CANCEL_ACTION)
    assert view.deadline is None and paid.can_retry
    first = paid.taken
    view = pump.touch(RETRY_ACTION)
    assert view.state == "paying" and view.data["attempt"] == 2 and view.deadline == paid.deadline
    assert paid.taken is not None and first is not None and paid.taken.payment_id != first.payment_id

    view = pay_shown_code(pump)

    assert view.state in ("done", "settled")
    txn = pump.ctx.journal.get(paid.txn_id)
    assert txn.status is TxnStatus.COMPLETED
    assert txn.last("payment_1_result").detail == {"status": "declined", "payment_id": first.payment_id}
    assert txn.last("paid").detail == {"payment_id": paid.taken.payment_id}
    assert pump.ctx.backend.get_payment_status(first.payment_id).status is PaymentStatus.DECLINED
    assert paid.payment is not None and paid.payment.attempt == 2 < PAYMENT_ATTEMPTS


def test_leaving_after_the_phone_paid_refunds_the_endorsement(money_driver):
    pump = money_driver
    view = to_payment(pump, ENDORSEMENT)
    paid = paid_step(pump)
    pay_on_phone(view.data["qr"])  # paid; the kiosk has not looked yet

    view = pump.touch(CANCEL_ACTION)

    reason = "paid, then the citizen left (cancel)"
    assert view.state == "refunded" and view.data["refund_id"] == paid.refund_id is not None
    txn = pump.ctx.journal.get(paid.txn_id)
    assert (txn.status, txn.note) == (TxnStatus.REFUNDED, reason)
    assert txn.last("paid") is not None and not txn.started("card_write_1")
    assert phases(txn, REFUND_STEP) == [Phase.BEFORE, Phase.AFTER]
    refund_before = next(s for s in txn.steps if s.step == REFUND_STEP)
    assert refund_before.detail == {"payment_id": txn.payment_id, "reason": reason}
    assert refund_before.request_id == f"{paid.txn_id}-{REFUND_STEP}"
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED


def test_leaving_after_the_phone_paid_settles_the_fine(money_driver):
    pump = money_driver
    view = to_payment(pump, FINE_TO_ACCEPT)
    paid = paid_step(pump)
    pay_on_phone(view.data["qr"])

    view = pump.touch(CANCEL_ACTION)

    assert view.state == "done" and view.data["settled"][-1]["amount_paid"] == "100.00"
    txn = pump.ctx.journal.get(paid.txn_id)
    assert (txn.status, txn.note) == (TxnStatus.COMPLETED, "")
    assert txn.done("accept") and txn.done("paid") and txn.done("print")
    assert paid.refund_id is None and not txn.started(REFUND_STEP), "a paid fine is never refunded"
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.PAID
