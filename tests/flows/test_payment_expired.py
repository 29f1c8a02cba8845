"""The QR code expires before anyone pays: the back end's expiry, and the kiosk's countdown.

The back end here lets a code live 2 s; the flows' clock is the driver's virtual clock, so
the kiosk's own countdown is run out by advancing it, while the back end still says pending.
"""

from __future__ import annotations

import time

import pytest

from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import TxnStatus
from flows.payment import PAYMENT_EXPIRY_GRACE_SECONDS
from terminal.simulation import pay_shown_code

EXPIRY_SECONDS = 2.0


@pytest.fixture(scope="module")
def money(money_kiosk_factory):
    with money_kiosk_factory("expiring", {"backend": {"reference_payment_expiry_seconds": EXPIRY_SECONDS}}) as kiosk:
        yield kiosk


def to_payment(pump):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    return pump.touch("pay")


def test_code_expired_at_the_back_end_then_a_new_one_is_paid(money_driver):
    pump = money_driver
    view = to_payment(pump)
    assert 0 <= view.data["seconds_left"] <= EXPIRY_SECONDS
    time.sleep(EXPIRY_SECONDS + 0.1)
    view = pump.tick_until_state("payment_failed")
    assert view.error_key == "payment.expired"
    view = pump.touch("retry")
    assert view.state == "paying"
    view = pay_shown_code(pump)
    assert view.state == "done"
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.last("payment_1_result").detail["status"] == "expired"


def test_kiosk_countdown_runs_out_while_the_back_end_still_says_pending(money_driver, money_kiosk_factory):
    """Clocks differ: after the countdown and its grace the kiosk stops showing the code,
    journals it as abandoned (recovery looks at it later) and offers a new one."""
    pump = money_driver
    to_payment(pump)
    pump.clock.advance(EXPIRY_SECONDS + PAYMENT_EXPIRY_GRACE_SECONDS + 1)
    view = pump.tick_until_state("payment_failed")
    assert view.error_key == "payment.expired" and "retry" in view.actions
    pump.touch("cancel")
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED
    assert txn.last("payment_1_result").detail["status"] == "abandoned"


def test_an_expired_fine_payment_leaves_the_decision_unpaid(money_driver):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("select", "WF-DEMO-0001")
    pump.touch("accept")
    pump.clock.advance(EXPIRY_SECONDS + PAYMENT_EXPIRY_GRACE_SECONDS + 1)
    view = pump.tick_until_state("payment_failed")
    view = pump.touch("cancel")
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.CANCELLED and "accepted" in txn.note
    left = pump.ctx.backend.list_violations(card_for("local_adult").document_number)
    unpaid = next(v for v in left.violations if v.violation_number == "WF-DEMO-0001")
    assert unpaid.decision_number is not None, "the decision stands; it can be paid later"
