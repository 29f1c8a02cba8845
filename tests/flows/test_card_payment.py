"""One bank card payment attempt (flows/card_payment.py) against the kiosk's real runtime: the
card terminal simulator on its pty and the reference back end. Approved, declined, cancelled
before the card, a lost line after approval, an order paid otherwise meanwhile (voided), the
void after a failed card write; journalled before and after, masked card numbers only."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest
import requests

from backend import seed
from backend_client import models as mo
from backend_client import new_request_id
from devices.card_terminal.contract import TransactionKind
from devices.card_terminal.driver import SerialCardTerminal, Timeouts
from devices.card_terminal.simulator import DEMO_CARDS, FAST_TIMING, CardTerminalSimulator
from flows.card_payment import CardOutcome, CardSale, sale_step
from flows.journal import Phase

SALE_WAIT_SECONDS = 10.0
FULL_PAN = DEMO_CARDS["funds"].pan
# The terminal's waits shortened as in tests/devices/card_terminal (a lost answer is noticed in
# seconds, not the real two minutes), still far above the simulator's wire and acquirer time.
FAST_TIMEOUTS = Timeouts(ack=1.0, status=1.0, query=2.0, sale=4.0, host=3.0)  # room for a loaded machine


class WithTerminal:
    """The runtime's devices, with this module's quick card terminal in place of the default one."""

    def __init__(self, devices: Any, terminal: SerialCardTerminal) -> None:
        self._devices, self._terminal = devices, terminal

    def get(self, kind: str) -> Any:
        return self._terminal if kind == "card_terminal" else self._devices.get(kind)


@pytest.fixture(scope="module")
def terminal(tmp_path_factory):
    simulator = CardTerminalSimulator(tmp_path_factory.mktemp("card") / "batch.json", baud=115200,
                                      timing=FAST_TIMING)
    simulator.start()
    driver = SerialCardTerminal(simulator.port, 115200, FAST_TIMEOUTS)
    yield simulator, driver
    driver.close()
    simulator.stop()


@pytest.fixture()
def kiosk(money, terminal):
    """The runtime and the quick terminal's driver."""
    runtime, _ = money
    simulator, driver = terminal
    simulator.remove_card()
    yield runtime, driver
    simulator.remove_card()


@pytest.fixture()
def card_sim(terminal) -> CardTerminalSimulator:
    return terminal[0]


def new_sale(kiosk, attempt: int = 1) -> CardSale:
    runtime, driver = kiosk
    ctx = runtime.flow_context()
    ctx = dataclasses.replace(ctx, devices=WithTerminal(ctx.devices, driver))
    choice = mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)
    order = ctx.backend.create_endorsement_order(seed.person("local_adult").id_number, "CA1234567", [choice],
                                                 new_request_id())
    txn_id = ctx.journal.open_transaction("endorsement", {"order": order.order_id})
    return CardSale(ctx, txn_id, order.order_id, order.amount, attempt)


def phases(sale: CardSale, step: str) -> list[Phase]:
    return [r.phase for r in sale.ctx.journal.get(sale.txn_id).steps if r.step == step]


def journal_text(kiosk) -> str:
    db = sqlite3.connect(kiosk[0].journal.path)
    try:
        return repr(db.execute("SELECT * FROM steps").fetchall()) + repr(db.execute("SELECT * FROM transactions").fetchall())
    finally:
        db.close()


def test_an_approved_sale_pays_the_order_and_keeps_only_the_masked_number(kiosk, card_sim):
    card_sim.present_card("funds")
    sale = new_sale(kiosk)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    assert sale.payment.method is mo.PaymentMethod.CARD and sale.payment.card.reference == sale.reference
    assert sale.ctx.backend.get_endorsement_order(sale.order_id).status is mo.OrderStatus.PAID
    assert phases(sale, sale_step(1)) == [Phase.BEFORE, Phase.AFTER]
    assert sale.ctx.journal.get(sale.txn_id).last("paid").detail == {"payment_id": sale.payment.payment_id,
                                                                    "method": "card"}
    masked = sale.approved.masked_pan
    assert masked.startswith(FULL_PAN[:6]) and masked.endswith(FULL_PAN[-4:]) and "*" in masked
    assert dict(sale.receipt_lines())["receipt.card_number"] == masked
    assert FULL_PAN not in journal_text(kiosk)


def test_a_card_without_funds_is_declined_and_nothing_is_recorded(kiosk, card_sim):
    card_sim.present_card("poor")
    sale = new_sale(kiosk)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.DECLINED
    assert sale.error_key == "card_terminal.insufficient_funds"
    assert sale.ctx.backend.get_endorsement_order(sale.order_id).status is mo.OrderStatus.AWAITING_PAYMENT
    assert sale.ctx.journal.get(sale.txn_id).last(sale_step(1)).detail["status"] == "declined"


def test_cancel_before_the_card_is_read_charges_nothing(kiosk, card_sim):
    sale = new_sale(kiosk)
    sale.start()
    assert sale.poll() is CardOutcome.RUNNING
    sale.cancel()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.DECLINED
    assert sale.error_key == "card_terminal.cancelled"
    assert sale.ctx.backend.get_endorsement_order(sale.order_id).status is mo.OrderStatus.AWAITING_PAYMENT


def test_a_lost_line_after_approval_is_settled_by_asking_the_terminal(kiosk, card_sim):
    simulator = card_sim
    simulator.lose_line_after_next_approval()
    simulator.present_card("funds")
    sale = new_sale(kiosk)
    sale.start()
    assert sale.wait(60.0) is CardOutcome.PAID
    assert sale.approved.reference == sale.reference
    assert sale.ctx.backend.get_endorsement_order(sale.order_id).status is mo.OrderStatus.PAID


def test_an_order_paid_by_phone_meanwhile_gets_the_card_sale_voided(kiosk, card_sim):
    sale = new_sale(kiosk)
    qr = sale.ctx.backend.create_payment(sale.order_id, new_request_id())
    assert requests.post(qr.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200
    card_sim.present_card("funds")
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.VOIDED
    assert sale.error_key == "backend.not_eligible.order_already_paid"
    kinds = [(t.kind, t.reference) for t in card_sim.batch_transactions]
    assert (TransactionKind.VOID, sale.reference) in kinds


def test_a_failed_write_voids_the_sale_the_same_day(kiosk, card_sim):
    card_sim.present_card("funds")
    sale = new_sale(kiosk)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    before = card_sim.balance_of("funds")
    assert sale.void("card write failed")
    assert card_sim.balance_of("funds") == before + sale.approved.amount_fen


def test_each_attempt_has_its_own_reference(kiosk, card_sim):
    first, second = new_sale(kiosk, 1), new_sale(kiosk, 2)
    assert first.reference != second.reference and len(second.reference) <= 32


def test_a_failed_write_after_settlement_is_refunded_on_the_terminal(kiosk, card_sim):
    """The batch was settled between the sale and the give-back (a write retried past the daily
    close): the void is too late, so the sale is refunded on the terminal (退货) instead."""
    from flows.card_payment import VOID_TOO_LATE, refund_step, void_step

    card_sim.present_card("funds")
    sale = new_sale(kiosk)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    kiosk[1].settle()  # the daily close
    before = card_sim.balance_of("funds")
    assert sale.void("card write failed")
    assert card_sim.balance_of("funds") == before + sale.approved.amount_fen
    txn = sale.ctx.journal.get(sale.txn_id)
    assert txn.last(void_step(1)).detail["status"] == VOID_TOO_LATE
    refund = txn.last(refund_step(1))
    assert refund.detail["status"] == "refunded" and refund.detail["masked_pan"] == sale.approved.masked_pan
