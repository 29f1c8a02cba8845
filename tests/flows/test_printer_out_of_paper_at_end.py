"""The printer runs out of paper just before the receipt: the service is done all the same.

The endorsement is on the card and confirmed (or the fine paid): the transaction is completed,
the screen shows what was done and says the receipt could not be printed, and the journal
flags it so the hall can reprint it.
"""

from __future__ import annotations

import pytest

from backend_client.models import OrderStatus
from devices.permit.protocol import Status
from devices.printer.status import PaperLevel
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import Phase, TxnStatus
from terminal.simulation import pay_shown_code, receipt_showing


@pytest.fixture()
def no_paper(money):
    runtime, _ = money
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    yield printer
    printer.set_paper(PaperLevel.PRESENT)


def endorsement_to_payment(pump):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    return pump.touch("pay")


def assert_flagged(pump, view) -> None:
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.last("print").phase is Phase.FAILED and txn.last("print").detail["reason"] == "printer.no_paper"
    assert "receipt not printed" in txn.note


def test_endorsement_done_without_receipt(money_driver, no_paper):
    pump = money_driver
    endorsement_to_payment(pump)
    view = pay_shown_code(pump)
    assert view.state == "done" and view.error_key == "printer.no_paper"
    assert view.data["receipt_printed"] is False and view.data["take_card"] is True
    assert pump.ctx.backend.get_endorsement_order(view.data["order_id"]).status is OrderStatus.WRITTEN
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.COMPLETED
    assert_flagged(pump, view)
    assert receipt_showing(no_paper, view.data["order_id"], timeout=0.5) is None


def test_refund_without_receipt_still_refunds(money_driver, no_paper):
    pump = money_driver
    endorsement_to_payment(pump)
    pump.simulators["permit"].fail_next_write(Status.AUTH_FAILED)
    view = pay_shown_code(pump)
    assert view.state == "refunded" and view.error_key == "printer.no_paper" and view.data["refund_id"]
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.REFUNDED
    assert_flagged(pump, view)


def test_fine_settled_without_receipt(money_driver, no_paper):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", "WF-DEMO-0001")
    pump.touch("accept")
    view = pay_shown_code(pump)
    assert view.state == "settled" and view.error_key == "printer.no_paper"
    assert view.data["settled"][-1]["receipt_printed"] is False
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert_flagged(pump, view)
