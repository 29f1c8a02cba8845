"""The endorsement cannot be written after payment: retried within the session, then refunded,
and the receipt says so. The order is reported as not written before the refund."""

from __future__ import annotations

from backend_client.models import OrderStatus, PaymentStatus
from devices.permit.protocol import Status
from flows.demo_cards import card_for
from flows.endorsement import WRITE_ATTEMPTS_PER_SESSION, EndorsementFlow
from flows.engine import CardInserted
from flows.journal import TxnStatus
from terminal.simulation import pay_shown_code, receipt_showing


def to_payment(pump, person="long_term_id", permit="C12345678"):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(permit)
    view = pump.send(CardInserted("permit"))
    if view.state == "offer":
        pump.touch("same")
    else:
        for level, value in (("destination", "HONG_KONG"), ("type", "G"), ("trips", "SINGLE"), ("validity_months", 3)):
            pump.touch(level, value)
    return pump.touch("pay")


def records_on(pump, permit: str) -> int:
    return len(next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == permit).endorsements)


def assert_refunded(pump, view) -> None:
    assert view.state == "refunded" and view.data["refund_id"]
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.REFUNDED
    assert txn.done("report_failure") and txn.done("refund") and txn.done("print")
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED
    assert pump.ctx.backend.get_endorsement_order(txn.order_id).status is OrderStatus.REFUNDED
    assert receipt_showing(pump.simulators["printer"], view.data["refund_id"]) is not None


def test_keys_refused_by_the_chip_are_refunded_at_once(money_driver):
    pump = money_driver
    to_payment(pump)
    before = records_on(pump, "C12345678")
    pump.simulators["permit"].fail_next_write(Status.AUTH_FAILED)
    view = pay_shown_code(pump)
    assert_refunded(pump, view)
    writes = [s for s in pump.ctx.journal.get(view.data["transaction"]).steps if s.step == "card_write_1"]
    assert len(writes) == 2, "a permanent failure is not tried again"
    assert records_on(pump, "C12345678") == before and view.data["take_card"] is True


def test_a_full_chip_is_refunded_at_once(money_driver):
    pump = money_driver
    to_payment(pump, "local_adult", "CA1234567")
    pump.simulators["permit"].fill_chip(leave_free=0)
    view = pay_shown_code(pump)
    assert_refunded(pump, view)


def test_no_money_is_taken_when_the_writer_fails_before_paying(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    opened = len(pump.ctx.journal.transactions())
    pump.simulators["permit"].corrupt_next_answers(2)  # the status answer and its repeat: ERROR
    view = pump.touch("pay")
    assert view.state == "unavailable" and view.error_key == "endorsement.writer_down"
    assert len(pump.ctx.journal.transactions()) == opened, "no order, no payment"


def test_a_module_that_stops_answering_is_tried_the_allowed_times_then_refunded(money_driver):
    """Last in the module: the simulated module is switched off for good."""
    pump = money_driver
    to_payment(pump)
    pump.simulators["permit"].stop()
    view = pay_shown_code(pump)
    assert_refunded(pump, view)
    assert view.error_key == "endorsement.card_stuck" and view.data["take_card"] is False
    writes = [s for s in pump.ctx.journal.get(view.data["transaction"]).steps if s.step == "card_write_1"]
    assert [s.phase.value for s in writes] == ["before", "failed"] * WRITE_ATTEMPTS_PER_SESSION

