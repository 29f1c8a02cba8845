"""The phone declines the payment: the citizen may pay again or leave; nothing is charged twice."""

from __future__ import annotations

from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import TxnStatus
from flows.simulation import pay_shown_code
from kiosk.backend_client.models import PaymentStatus


def to_payment(driver):
    driver.start(EndorsementFlow)
    driver.simulators["idcard"].insert_card(card_for("long_term_id"))
    driver.tick_until_state("insert_permit")
    driver.simulators["permit"].insert_card("C12345678")
    driver.send(CardInserted("permit"))
    driver.touch("same")
    return driver.touch("pay")


def test_declined_then_paid_with_a_new_code(money_driver):
    driver = money_driver
    first_qr = to_payment(driver).data["qr"]
    view = pay_shown_code(driver, "decline")
    assert view.state == "payment_failed" and view.error_key == "payment.declined"
    assert view.actions == ("retry", "cancel")
    view = driver.touch("retry")
    assert view.state == "paying" and view.data["qr"] != first_qr and view.data["attempt"] == 2
    view = pay_shown_code(driver)
    assert view.state == "done"
    txn = driver.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    first, second = (txn.last(f"payment_{n}").detail["payment_id"] for n in (1, 2))
    assert driver.ctx.backend.get_payment_status(first).status is PaymentStatus.DECLINED
    assert driver.ctx.backend.get_payment_status(second).status is PaymentStatus.PAID
    assert txn.last("payment_1_result").detail["status"] == "declined"


def test_declined_then_the_citizen_leaves(money_driver):
    driver = money_driver
    to_payment(driver)
    pay_shown_code(driver, "decline")
    view = driver.touch("cancel")
    assert view.state == "cancelled" and view.data["take_card"] is True
    assert driver.ctx.journal.get(view.data["transaction"]).status is TxnStatus.CANCELLED


def test_attempts_are_limited(money_driver):
    driver = money_driver
    to_payment(driver)
    pay_shown_code(driver, "decline")
    driver.touch("retry")
    pay_shown_code(driver, "decline")
    driver.touch("retry")
    view = pay_shown_code(driver, "decline")
    assert view.state == "payment_failed" and view.actions == ("cancel",)
    driver.touch("cancel")


def test_a_declined_fine_payment_can_be_paid_again(money_driver):
    driver = money_driver
    driver.start(FinesFlow)
    driver.simulators["idcard"].insert_card(card_for("local_adult"))
    driver.tick_until_state("list")
    driver.touch("select", "WF-DEMO-0005")
    driver.touch("pay")
    assert pay_shown_code(driver, "decline").state == "payment_failed"
    driver.touch("retry")
    view = pay_shown_code(driver)
    assert view.state == "settled" and view.data["settled"][-1]["amount_paid"] == "200.00"
