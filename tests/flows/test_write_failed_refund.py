"""The endorsement cannot be written after payment: retried within the session, then refunded,
and the receipt says so. The order is reported as not written before the refund."""

from __future__ import annotations

from devices.permit.protocol import Status
from flows.demo_cards import card_for
from flows.endorsement import WRITE_ATTEMPTS_PER_SESSION, EndorsementFlow
from flows.engine import CardInserted
from flows.journal import TxnStatus
from flows.simulation import pay_shown_code, receipt_showing
from kiosk.backend_client.models import OrderStatus, PaymentStatus


def to_payment(driver, person="long_term_id", permit="C12345678"):
    driver.start(EndorsementFlow)
    driver.simulators["idcard"].insert_card(card_for(person))
    driver.tick_until_state("insert_permit")
    driver.simulators["permit"].insert_card(permit)
    view = driver.send(CardInserted("permit"))
    if view.state == "offer":
        driver.touch("same")
    else:
        for level, value in (("destination", "HONG_KONG"), ("type", "G"), ("trips", "SINGLE"), ("validity_months", 3)):
            driver.touch(level, value)
    return driver.touch("pay")


def records_on(driver, permit: str) -> int:
    return len(next(c for c in driver.simulators["permit"].store.cards() if c.permit_number == permit).endorsements)


def assert_refunded(driver, view) -> None:
    assert view.state == "refunded" and view.data["refund_id"]
    txn = driver.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.REFUNDED
    assert txn.done("report_failure") and txn.done("refund") and txn.done("print")
    assert driver.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED
    assert driver.ctx.backend.get_endorsement_order(txn.order_id).status is OrderStatus.REFUNDED
    assert receipt_showing(driver.simulators["printer"], view.data["refund_id"]) is not None


def test_keys_refused_by_the_chip_are_refunded_at_once(money_driver):
    driver = money_driver
    to_payment(driver)
    before = records_on(driver, "C12345678")
    driver.simulators["permit"].fail_next_write(Status.AUTH_FAILED)
    view = pay_shown_code(driver)
    assert_refunded(driver, view)
    writes = [s for s in driver.ctx.journal.get(view.data["transaction"]).steps if s.step == "card_write_1"]
    assert len(writes) == 2, "a permanent failure is not tried again"
    assert records_on(driver, "C12345678") == before and view.data["take_card"] is True


def test_a_full_chip_is_refunded_at_once(money_driver):
    driver = money_driver
    to_payment(driver, "local_adult", "CA1234567")
    driver.simulators["permit"].fill_chip(leave_free=0)
    view = pay_shown_code(driver)
    assert_refunded(driver, view)


def test_no_money_is_taken_when_the_writer_fails_before_paying(money_driver):
    driver = money_driver
    driver.start(EndorsementFlow)
    driver.simulators["idcard"].insert_card(card_for("long_term_id"))
    driver.tick_until_state("insert_permit")
    driver.simulators["permit"].insert_card("C12345678")
    driver.send(CardInserted("permit"))
    driver.touch("same")
    opened = len(driver.ctx.journal.transactions())
    driver.simulators["permit"].corrupt_next_answers(2)  # the status answer and its repeat: ERROR
    view = driver.touch("pay")
    assert view.state == "unavailable" and view.error_key == "endorsement.writer_down"
    assert len(driver.ctx.journal.transactions()) == opened, "no order, no payment"


def test_a_module_that_stops_answering_is_tried_the_allowed_times_then_refunded(money_driver):
    """Last in the module: the simulated module is switched off for good."""
    driver = money_driver
    to_payment(driver)
    driver.simulators["permit"].stop()
    view = pay_shown_code(driver)
    assert_refunded(driver, view)
    assert view.error_key == "endorsement.card_stuck" and view.data["take_card"] is False
    writes = [s for s in driver.ctx.journal.get(view.data["transaction"]).steps if s.step == "card_write_1"]
    assert [s.phase.value for s in writes] == ["before", "failed"] * WRITE_ATTEMPTS_PER_SESSION

