"""An approved sale, query, void and settlement between the real driver and the simulator, over a pty."""

from __future__ import annotations

import logging
import time

import pytest

from devices.base import DeviceStatus
from devices.card_terminal.contract import Outcome, TransactionKind
from devices.card_terminal.simulator import FAST_TIMING, CardTerminalSimulator, Method

FULL_PAN = "6222021234567890128"


def test_sale_sends_the_documented_bytes_and_acks_the_answer(driver, simulator) -> None:
    simulator.present_card("funds")
    txn = driver.sale(1250, "ORD-1")
    assert simulator.received == [bytes.fromhex("4331 1c 303030303030303031323530 1c 4f52442d31")]
    assert txn.outcome is Outcome.APPROVED and txn.kind is TransactionKind.SALE
    assert (txn.reference, txn.amount_fen, txn.masked_pan) == ("ORD-1", 1250, "622202*********0128")
    assert txn.auth_code.isdigit() and len(txn.auth_code) == 6
    assert (txn.batch, txn.trace) == ("000001", "000001")
    time.sleep(0.05)
    assert simulator.acks_received == 1
    assert simulator.balance_of("funds") == 10_000_000 - 1250


def test_status_is_ready_when_idle(driver) -> None:
    assert driver.status() is DeviceStatus.READY


def test_status_is_busy_while_a_sale_waits_for_the_card(driver, simulator) -> None:
    import threading

    results = []
    worker = threading.Thread(target=lambda: results.append(driver.sale(500, "ORD-2")))
    worker.start()
    time.sleep(0.2)
    assert driver.status() is DeviceStatus.BUSY
    simulator.present_card("funds", method=Method.TAP)
    worker.join(3)
    assert results and results[0].approved


def test_query_last_void_and_settle(driver, simulator) -> None:
    assert driver.query_last() is None
    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    simulator.present_card("funds")
    driver.sale(3000, "ORD-2")
    last = driver.query_last()
    assert last is not None and last.reference == "ORD-2" and last.approved
    void = driver.void("ORD-1")
    assert void.kind is TransactionKind.VOID and void.approved and void.amount_fen == 1250
    assert simulator.balance_of("funds") == 10_000_000 - 3000
    settlement = driver.settle()
    assert (settlement.batch, settlement.sale_count, settlement.sale_total_fen) == ("000001", 2, 4250)
    assert (settlement.void_count, settlement.void_total_fen, settlement.net_fen) == (1, 1250, 3000)
    assert driver.query_last() is None  # a new batch
    simulator.present_card("funds")
    assert driver.sale(100, "ORD-3").batch == "000002"


def test_a_second_void_of_the_same_sale_is_refused(driver, simulator) -> None:
    from devices.card_terminal.contract import CardTerminalError

    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    driver.void("ORD-1")
    with pytest.raises(CardTerminalError):
        driver.void("ORD-1")
    assert simulator.balance_of("funds") == 10_000_000


def test_the_open_batch_survives_a_terminal_restart(state_file, driver, simulator) -> None:
    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    driver.close()
    simulator.stop()
    again = CardTerminalSimulator(state_file)
    again.start()
    try:
        from devices.card_terminal.driver import SerialCardTerminal

        from .conftest import FAST_TIMEOUTS
        other = SerialCardTerminal(again.port, 115200, FAST_TIMEOUTS)
        last = other.query_last()
        other.close()
    finally:
        again.stop()
    assert last is not None and last.reference == "ORD-1" and last.approved


def test_no_log_line_holds_the_full_card_number(driver, simulator, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    driver.query_last()
    driver.void("ORD-1")
    assert "622202*********0128" in caplog.text
    assert FULL_PAN not in caplog.text
    assert FULL_PAN.encode("ascii").hex(" ") not in caplog.text


class _SlowToFinish(CardTerminalSimulator):
    """A terminal whose sale worker lingers after its answer went out (a loaded machine)."""

    def _answer(self, master: int, message: bytes) -> None:
        super()._answer(master, message)
        if message.startswith(b"C1"):
            time.sleep(0.5)


def test_the_terminal_is_idle_once_it_answered_a_sale(state_file) -> None:
    """GIVEN the sale's worker is still finishing after the answer went out, WHEN the host sends
    its next request at once, THEN the terminal serves it (it does not answer BUSY)."""
    from devices.card_terminal.driver import SerialCardTerminal

    from .conftest import FAST_TIMEOUTS

    simulator = _SlowToFinish(state_file, baud=115200, timing=FAST_TIMING)
    simulator.start()
    driver = SerialCardTerminal(simulator.port, 115200, FAST_TIMEOUTS)
    try:
        simulator.present_card("funds")
        driver.sale(1250, "ORD-1")
        last = driver.query_last()
        simulator.present_card("funds")
        second = driver.sale(300, "ORD-2")
    finally:
        driver.close()
        simulator.stop()
    assert last is not None and last.reference == "ORD-1"
    assert second.approved and second.reference == "ORD-2"
