"""Endorsement and fines paid by bank card (issue 21) through the real flows, the kiosk's card
terminal simulator and the reference back end: the card beside the QR code, a decline, the
citizen's cancel before the card is read, a failed card write voided the same day; receipts
with the masked number, authorisation code and reference, never the full number."""

from __future__ import annotations

from backend_client.models import OrderStatus, PaymentMethod, PaymentStatus
from devices.card_terminal.contract import TransactionKind
from devices.card_terminal.simulator import DEMO_CARDS
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import TxnStatus
from terminal.simulation import receipt_showing

CARD_SALE_LIMIT_SECONDS = 30.0  # the simulator's acquirer takes 1.5 s; a loaded machine more


def to_payment(pump, person: str = "long_term_id", permit: str = "C12345678"):
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


def pay_by_card(pump, card: str = "funds", *states: str):
    pump.simulators["card_terminal"].present_card(card)
    view = pump.touch("pay_card")
    assert view.state == "paying" and view.data["method"] == "card" and view.actions == ("cancel",)
    assert view.deadline is None, "the terminal keeps its own time"
    return pump.tick_until(lambda v: v.state != "paying" or v.finished, "the card sale", CARD_SALE_LIMIT_SECONDS)


def test_the_card_is_offered_beside_the_code(money_driver):
    view = to_payment(money_driver)
    assert view.state == "paying" and view.data["method"] == "qr" and view.data["qr"]
    assert view.actions == ("pay_card", "cancel") and view.data["card_available"] is True


def test_an_endorsement_paid_by_card_is_written_and_the_receipt_shows_the_masked_number(money_driver):
    pump = money_driver
    to_payment(pump)
    view = pay_by_card(pump)
    view = pump.tick_until_state("done", limit_seconds=CARD_SALE_LIMIT_SECONDS) if not view.finished else view
    assert view.state == "done"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.done("card_sale_1") and txn.done("card_record_1")
    payment = pump.ctx.backend.get_payment_status(txn.payment_id)
    assert payment.method is PaymentMethod.CARD and payment.status is PaymentStatus.PAID
    receipt = receipt_showing(pump.simulators["printer"], payment.card.auth_code)
    assert receipt is not None and payment.card.masked_pan in receipt and payment.card.reference in receipt
    assert DEMO_CARDS["funds"].pan not in receipt


def test_a_declined_card_leaves_the_order_unpaid_and_another_way_open(money_driver):
    pump = money_driver
    to_payment(pump)
    view = pay_by_card(pump, "poor")
    assert view.state == "payment_failed" and view.error_key == "card_terminal.insufficient_funds"
    assert "retry" in view.actions
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert pump.ctx.backend.get_endorsement_order(txn.order_id).status is OrderStatus.AWAITING_PAYMENT
    assert pump.touch("cancel").finished


def test_cancel_before_the_card_is_read_charges_nothing(money_driver):
    pump = money_driver
    to_payment(pump)
    view = pump.touch("pay_card")
    assert view.data["method"] == "card"
    pump.tick()
    view = pump.touch("cancel")
    assert view.finished and view.state == "cancelled"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED
    assert txn.last("card_sale_1").detail["status"] == "declined"
    assert pump.ctx.backend.get_endorsement_order(txn.order_id).status is OrderStatus.AWAITING_PAYMENT


def test_a_failed_card_write_voids_the_card_sale_and_refunds(money_driver):
    pump = money_driver
    to_payment(pump, "local_adult", "CA1234567")
    pump.simulators["permit"].fill_chip(leave_free=0)
    view = pay_by_card(pump)
    view = pump.tick_until(lambda v: v.finished, "the refund", CARD_SALE_LIMIT_SECONDS) if not view.finished else view
    assert view.state == "refunded"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.REFUNDED and txn.done("card_void_1") and txn.done("refund")
    reference = txn.last("card_sale_1").detail["reference"]
    voids = [t for t in pump.simulators["card_terminal"].batch_transactions
             if t.kind is TransactionKind.VOID and t.reference == reference]
    assert len(voids) == 1 and voids[0].approved
    assert pump.ctx.backend.get_payment_status(txn.payment_id).status is PaymentStatus.REFUNDED


def test_a_fine_paid_by_card(money_driver):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until(lambda v: v.state == "list", "the violation list")
    pump.touch("select", "WF-DEMO-0001")
    view = pump.touch("accept")
    assert view.state == "paying" and "pay_card" in view.actions
    view = pay_by_card(pump)
    assert view.state == "settled", (view.state, view.error_key)
    txn = pump.ctx.journal.get(view.data["transaction"])
    payment = pump.ctx.backend.get_payment_status(txn.payment_id)
    assert payment.method is PaymentMethod.CARD
    receipt = receipt_showing(pump.simulators["printer"], payment.card.auth_code)  # the payment part
    assert receipt is not None and payment.card.masked_pan in receipt and view.data["settled"][-1]["decision_number"]
    assert DEMO_CARDS["funds"].pan not in receipt


def test_choosing_the_card_redraws_the_screen(money_driver):
    """The screen listens to the flow: choosing the card (the same state, paying) must still
    send it the card's view (the terminal's picture instead of the code)."""
    pump = money_driver
    to_payment(pump)
    heard = []
    pump.listen(heard.append)
    pump.simulators["card_terminal"].present_card("funds")
    pump.touch("pay_card")
    assert heard and heard[-1].state == "paying" and heard[-1].data["method"] == "card"
    pump.tick_until(lambda v: v.finished, "the endorsement", CARD_SALE_LIMIT_SECONDS)
