"""Recovery of a bank card payment cut off at each of its journalled points (issue 21,
flows/card_recovery.py): the journal as the interrupted kiosk left it, the terminal's record
as the terminal kept it, then `recover()`. Whatever the point, the money is either taken and
the order paid (then, as nothing was written to the card, voided and refunded) or not taken:
never both, never neither; a terminal that cannot be asked leaves the transaction open."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from backend import seed
from backend_client import models as mo
from backend_client import new_request_id
from devices.card_terminal.contract import TransactionKind
from devices.card_terminal.driver import SerialCardTerminal, Timeouts
from devices.card_terminal.simulator import FAST_TIMING, CardTerminalSimulator
from flows import endorsement
from flows.card_payment import (
    VOID_TOO_LATE,
    CardOutcome,
    CardSale,
    record_step,
    refund_step,
    sale_step,
    transaction_detail,
    void_step,
)
from flows.journal import TxnStatus
from flows.payment import fen
from flows.recovery import recover

FAST_TIMEOUTS = Timeouts(ack=1.0, status=1.0, query=2.0, sale=4.0, host=3.0)  # room for a loaded machine
SALE_WAIT_SECONDS = 10.0


class WithTerminal:
    """The runtime's devices, with the given card terminal in place of the default one."""

    def __init__(self, devices: Any, terminal: Any) -> None:
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
def ctx(money, terminal):
    runtime, _ = money
    simulator, driver = terminal
    simulator.remove_card()
    return dataclasses.replace(runtime.flow_context(), devices=WithTerminal(runtime.devices, driver))


def open_endorsement(ctx) -> tuple[str, mo.EndorsementOrder]:
    choice = mo.EndorsementChoice(mo.Destination.MACAU, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)
    order = ctx.backend.create_endorsement_order(seed.person("local_adult").id_number, "CA1234567", [choice],
                                                 new_request_id())
    txn_id = ctx.journal.open_transaction(endorsement.FLOW_NAME, {}, amount_fen=fen(order.amount))
    ctx.journal.set_refs(txn_id, order_id=order.order_id)
    ctx.journal.after(txn_id, endorsement.ORDER_STEP, {"order_id": order.order_id, "amount_fen": fen(order.amount)})
    return txn_id, order


def charged(simulator, reference: str) -> bool:
    """The card holder's money is gone: an approved sale with no approved void after it."""
    mine = [t for t in simulator.batch_transactions if t.reference == reference and t.approved]
    return any(t.kind is TransactionKind.SALE for t in mine) and not any(t.kind is TransactionKind.VOID for t in mine)


def assert_settled(ctx, simulator, txn_id: str, reference: str, order_id: str, expected: TxnStatus) -> None:
    txn = ctx.journal.get(txn_id)
    assert txn.status is expected, (txn.status, txn.note)
    order = ctx.backend.get_endorsement_order(order_id).status
    assert not charged(simulator, reference), "nothing was written: the card sale must not stand"
    assert order in (mo.OrderStatus.AWAITING_PAYMENT, mo.OrderStatus.REFUNDED)


def sale_on_terminal(ctx, simulator, txn_id: str, order: mo.EndorsementOrder) -> CardSale:
    """The sale ran and was approved at the terminal; the kiosk journalled only what `sale` did."""
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    ctx.journal.before(txn_id, sale_step(1), {"reference": sale.reference, "order_id": order.order_id,
                                              "amount_fen": fen(order.amount)})
    answer = ctx.card_terminal().sale(fen(order.amount), sale.reference)
    assert answer.approved
    return sale


def test_killed_after_the_sale_began_before_the_terminal_got_it(ctx, terminal):
    simulator, _ = terminal
    txn_id, order = open_endorsement(ctx)
    reference = f"{txn_id}-1"
    ctx.journal.before(txn_id, sale_step(1), {"reference": reference, "order_id": order.order_id,
                                              "amount_fen": fen(order.amount)})
    assert recover(ctx, ctx.journal.get(txn_id)).status is TxnStatus.CANCELLED
    assert ctx.journal.get(txn_id).last(sale_step(1)).detail["status"] == "absent"
    assert_settled(ctx, simulator, txn_id, reference, order.order_id, TxnStatus.CANCELLED)


def test_killed_while_the_terminal_had_approved_it(ctx, terminal):
    """The answer never journalled: the terminal's last transaction is ours, approved -> the
    payment is recorded with the flow's request id, then (nothing written) voided and refunded."""
    simulator, _ = terminal
    txn_id, order = open_endorsement(ctx)
    sale = sale_on_terminal(ctx, simulator, txn_id, order)
    recovered = recover(ctx, ctx.journal.get(txn_id))
    assert recovered.status is TxnStatus.REFUNDED
    txn = ctx.journal.get(txn_id)
    assert txn.done(record_step(1)) and txn.done(void_step(1)) and txn.done(endorsement.REFUND_STEP)
    assert ctx.backend.get_payment_status(txn.payment_id).status is mo.PaymentStatus.REFUNDED
    assert_settled(ctx, simulator, txn_id, sale.reference, order.order_id, TxnStatus.REFUNDED)


def test_killed_after_the_approval_was_journalled_before_the_back_end_heard(ctx, terminal):
    simulator, _ = terminal
    txn_id, order = open_endorsement(ctx)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    sale._thread.join(SALE_WAIT_SECONDS)  # the kiosk dies before looking at the answer
    answer = sale._answer
    assert answer is not None and answer.approved
    ctx.journal.after(txn_id, sale_step(1), {"status": "approved", **transaction_detail(answer)})
    ctx.journal.before(txn_id, record_step(1), {"reference": sale.reference})
    assert recover(ctx, ctx.journal.get(txn_id)).status is TxnStatus.REFUNDED
    assert_settled(ctx, simulator, txn_id, sale.reference, order.order_id, TxnStatus.REFUNDED)


def test_killed_after_the_back_end_recorded_it(ctx, terminal):
    simulator, _ = terminal
    txn_id, order = open_endorsement(ctx)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID  # then the kiosk dies before writing
    assert recover(ctx, ctx.journal.get(txn_id)).status is TxnStatus.REFUNDED
    assert_settled(ctx, simulator, txn_id, sale.reference, order.order_id, TxnStatus.REFUNDED)


def test_killed_while_voiding(ctx, terminal):
    """The void began; whether the terminal did it, its last transaction says (here: it did)."""
    simulator, _ = terminal
    txn_id, order = open_endorsement(ctx)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    ctx.journal.before(txn_id, void_step(1), {"reference": sale.reference, "reason": "card write failed"})
    assert ctx.card_terminal().void(sale.reference).approved
    recovered = recover(ctx, ctx.journal.get(txn_id))
    assert recovered.status is TxnStatus.REFUNDED, recovered.reason
    voids = [t for t in simulator.batch_transactions if t.kind is TransactionKind.VOID and t.reference == sale.reference]
    assert len(voids) == 1, "voided once, not twice"
    assert_settled(ctx, simulator, txn_id, sale.reference, order.order_id, TxnStatus.REFUNDED)


def test_a_terminal_that_cannot_be_asked_leaves_it_open(money, tmp_path):
    runtime, _ = money
    gone = CardTerminalSimulator(tmp_path / "batch.json", baud=115200, timing=FAST_TIMING)
    gone.start()
    driver = SerialCardTerminal(gone.port, 115200, FAST_TIMEOUTS)
    gone.stop()  # the terminal is off (or its line cut)
    ctx = dataclasses.replace(runtime.flow_context(), devices=WithTerminal(runtime.devices, driver))
    try:
        txn_id, order = open_endorsement(ctx)
        ctx.journal.before(txn_id, sale_step(1), {"reference": f"{txn_id}-1", "order_id": order.order_id,
                                                  "amount_fen": fen(order.amount)})
        recovered = recover(ctx, ctx.journal.get(txn_id))
    finally:
        driver.close()
    assert recovered.status is TxnStatus.OPEN and "card terminal" in recovered.reason
    assert ctx.backend.get_endorsement_order(order.order_id).status is mo.OrderStatus.AWAITING_PAYMENT


def test_a_sale_settled_before_recovery_is_refunded_on_the_terminal_not_voided(ctx, terminal):
    """GIVEN a recorded card payment whose batch the daily close settled before recovery ran,
    WHEN recovery gives it back (nothing was written), THEN the void is refused as too late, the
    sale is refunded on the terminal (退货), and the back end's payment refunded."""
    simulator, driver = terminal
    txn_id, order = open_endorsement(ctx)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    driver.settle()
    before = simulator.balance_of("funds")
    recovered = recover(ctx, ctx.journal.get(txn_id))
    assert recovered.status is TxnStatus.REFUNDED, recovered.reason
    txn = ctx.journal.get(txn_id)
    assert txn.last(void_step(1)).detail["status"] == VOID_TOO_LATE
    assert txn.last(refund_step(1)).detail["status"] == "refunded"
    assert simulator.balance_of("funds") == before + fen(order.amount)
    assert ctx.backend.get_payment_status(txn.payment_id).status is mo.PaymentStatus.REFUNDED
    assert [t.kind for t in simulator.batch_transactions if t.reference == sale.reference] == [TransactionKind.REFUND]


def test_killed_while_refunding_a_settled_sale(ctx, terminal):
    """The refund began and the terminal did it, the kiosk died before journalling its answer:
    recovery asks again and the terminal answers the same refund; the card is credited once."""
    simulator, driver = terminal
    txn_id, order = open_endorsement(ctx)
    simulator.present_card("funds")
    sale = CardSale(ctx, txn_id, order.order_id, order.amount, 1)
    sale.start()
    assert sale.wait(SALE_WAIT_SECONDS) is CardOutcome.PAID
    driver.settle()
    ctx.journal.before(txn_id, void_step(1), {"reference": sale.reference, "reason": "card write failed"})
    ctx.journal.after(txn_id, void_step(1), {"status": VOID_TOO_LATE})
    ctx.journal.before(txn_id, refund_step(1), {"reference": sale.reference, "amount_fen": fen(order.amount)})
    assert driver.refund(sale.reference, fen(order.amount)).approved
    credited = simulator.balance_of("funds")
    recovered = recover(ctx, ctx.journal.get(txn_id))
    assert recovered.status is TxnStatus.REFUNDED, recovered.reason
    assert simulator.balance_of("funds") == credited, "refunded once, not twice"
    assert ctx.journal.get(txn_id).done(refund_step(1))
    assert ctx.backend.get_payment_status(ctx.journal.get(txn_id).payment_id).status is mo.PaymentStatus.REFUNDED
