"""The session times out (or the citizen leaves) while the QR code is shown.

Unpaid: the payment is abandoned and the transaction closed as cancelled; the contract has no
"cancel payment", so the code stays payable until it expires and recovery checks it later (a
late endorsement payment is refunded). Paid just before: the endorsement is refunded; a paid
fine is settled and its receipt printed.
"""

from __future__ import annotations

from backend_client.models import OrderStatus, PaymentStatus
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import Cancel, CardInserted
from flows.fines import FinesFlow
from flows.journal import TxnStatus
from flows.recovery import Action, recover_all
from terminal.simulation import pay_on_phone, receipt_showing


def endorsement_to_payment(pump):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    return pump.touch("pay")


def fine_to_payment(pump, violation: str):
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", violation)
    return pump.touch("accept")


def test_timeout_before_paying_cancels_and_a_late_payment_is_refunded_by_recovery(money_driver):
    pump = money_driver
    qr = endorsement_to_payment(pump).data["qr"]
    view = pump.send(Cancel("timeout"))
    assert view.state == "cancelled" and view.error_key is None and view.data["take_card"] is True
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and "timeout" in txn.note
    assert txn.last("payment_1_result").detail["status"] == "abandoned"

    pay_on_phone(qr)  # the citizen's phone pays after the kiosk gave up
    run = recover_all(pump.ctx)

    late = next(r for r in run.settled if r.txn_id == txn.id)
    assert (late.action, late.status) == (Action.REFUND, TxnStatus.REFUNDED)
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED
    assert pump.ctx.backend.get_endorsement_order(txn.order_id).status is OrderStatus.REFUNDED
    assert all(r.txn_id != txn.id for r in recover_all(pump.ctx).settled), "checked once, then left alone"


def test_timeout_after_paying_refunds_the_endorsement(money_driver):
    pump = money_driver
    view = endorsement_to_payment(pump)
    pay_on_phone(view.data["qr"])  # paid; the kiosk has not polled yet
    records_before = len(next(c for c in pump.simulators["permit"].store.cards()
                              if c.permit_number == "C12345678").endorsements)

    view = pump.send(Cancel("timeout"))

    assert view.state == "refunded" and view.data["refund_id"]
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.REFUNDED
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED
    card = next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "C12345678")
    assert len(card.endorsements) == records_before, "nothing written"
    assert receipt_showing(pump.simulators["printer"], view.data["refund_id"]) is not None


def test_unknown_cancel_reason_is_journalled_too(money_driver):
    pump = money_driver
    endorsement_to_payment(pump)
    view = pump.touch("cancel")
    assert view.state == "cancelled"
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.CANCELLED


def test_timeout_after_paying_a_fine_prints_the_receipt(money_driver):
    pump = money_driver
    view = fine_to_payment(pump, "WF-DEMO-0001")
    pay_on_phone(view.data["qr"])
    view = pump.send(Cancel("timeout"))
    assert view.state == "done" and view.data["settled"][-1]["amount_paid"] == "100.00"
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.COMPLETED
    assert receipt_showing(pump.simulators["printer"], view.data["settled"][-1]["decision_number"])


def test_timeout_before_paying_a_fine_leaves_it_decided_and_unpaid(money_driver):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", "WF-DEMO-0005")
    view = pump.touch("pay")
    view = pump.send(Cancel("timeout"))
    assert view.state == "cancelled"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.PENDING
