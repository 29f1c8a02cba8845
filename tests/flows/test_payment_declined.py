"""The phone declines the payment: the citizen may pay again or leave; nothing is charged twice."""

from __future__ import annotations

from backend_client.models import PaymentStatus
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import TxnStatus
from terminal.simulation import pay_shown_code


def to_payment(pump):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    return pump.touch("pay")


def test_declined_then_paid_with_a_new_code(money_driver):
    pump = money_driver
    first_qr = to_payment(pump).data["qr"]
    view = pay_shown_code(pump, "decline")
    assert view.state == "payment_failed" and view.error_key == "payment.declined"
    assert view.actions == ("retry", "cancel")
    view = pump.touch("retry")
    assert view.state == "paying" and view.data["qr"] != first_qr and view.data["attempt"] == 2
    view = pay_shown_code(pump)
    assert view.state == "done"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    first, second = (txn.last(f"payment_{n}").detail["payment_id"] for n in (1, 2))
    assert pump.ctx.backend.get_payment_status(first).status is PaymentStatus.DECLINED
    assert pump.ctx.backend.get_payment_status(second).status is PaymentStatus.PAID
    assert txn.last("payment_1_result").detail["status"] == "declined"


def test_declined_then_the_citizen_leaves(money_driver):
    pump = money_driver
    to_payment(pump)
    pay_shown_code(pump, "decline")
    view = pump.touch("cancel")
    assert view.state == "cancelled" and view.data["take_card"] is True
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.CANCELLED


def test_attempts_are_limited(money_driver):
    pump = money_driver
    to_payment(pump)
    pay_shown_code(pump, "decline")
    pump.touch("retry")
    pay_shown_code(pump, "decline")
    pump.touch("retry")
    view = pay_shown_code(pump, "decline")
    assert view.state == "payment_failed" and view.actions == ("cancel",)
    pump.touch("cancel")


def test_a_declined_fine_payment_can_be_paid_again(money_driver):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", "WF-DEMO-0005")
    pump.touch("pay")
    assert pay_shown_code(pump, "decline").state == "payment_failed"
    pump.touch("retry")
    view = pay_shown_code(pump)
    assert view.state == "settled" and view.data["settled"][-1]["amount_paid"] == "200.00"
