"""Every decline the terminal gives comes back as a declined transaction with its reason."""

from __future__ import annotations

import threading
import time

import pytest

from devices.card_terminal.contract import (
    MSG_CANCELLED,
    MSG_CARD_EXPIRED,
    MSG_INSUFFICIENT_FUNDS,
    MSG_TIMED_OUT,
    MSG_WRONG_PIN,
    DeclineReason,
    Outcome,
)
from devices.card_terminal.simulator import Method


@pytest.mark.parametrize(("card", "pin", "reason", "message"), [
    ("poor", None, DeclineReason.INSUFFICIENT_FUNDS, MSG_INSUFFICIENT_FUNDS),
    ("expired", None, DeclineReason.CARD_EXPIRED, MSG_CARD_EXPIRED),
    ("funds", "000000", DeclineReason.WRONG_PIN, MSG_WRONG_PIN),
])
def test_declines(driver, simulator, card, pin, reason, message) -> None:
    simulator.present_card(card, pin=pin)
    txn = driver.sale(1250, "ORD-1")
    assert txn.outcome is Outcome.DECLINED
    assert txn.decline_reason is reason and reason.message_key == message
    assert txn.auth_code == "" and txn.reference == "ORD-1"
    assert simulator.balance_of(card) == {"poor": 500}.get(card, 10_000_000)


def test_no_card_presented_times_out(driver, simulator) -> None:
    started = time.monotonic()
    txn = driver.sale(1250, "ORD-1")
    assert txn.decline_reason is DeclineReason.TIMED_OUT
    assert txn.decline_reason.message_key == MSG_TIMED_OUT
    assert time.monotonic() - started >= 1.9  # FAST_TIMING's card wait


def test_cancel_before_the_card_is_read(driver, simulator) -> None:
    results = []
    worker = threading.Thread(target=lambda: results.append(driver.sale(1250, "ORD-1")))
    worker.start()
    time.sleep(0.2)
    driver.cancel()
    worker.join(3)
    assert results[0].decline_reason is DeclineReason.CANCELLED
    assert results[0].decline_reason.message_key == MSG_CANCELLED
    simulator.present_card("funds")  # too late: nothing is charged
    time.sleep(0.1)
    assert simulator.balance_of("funds") == 10_000_000


def test_a_small_contactless_payment_needs_no_pin(driver, simulator) -> None:
    simulator.present_card("funds", pin="", method=Method.TAP)
    assert driver.sale(1250, "ORD-1").approved


def test_a_large_contactless_payment_needs_the_pin(driver, simulator) -> None:
    simulator.present_card("funds", pin="", method=Method.TAP)
    assert driver.sale(150000, "ORD-1").decline_reason is DeclineReason.WRONG_PIN
