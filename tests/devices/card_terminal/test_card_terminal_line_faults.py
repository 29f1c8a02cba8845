"""The line: an answer lost after approval, an answer sent twice, NAKs, garbled answers, a dead port."""

from __future__ import annotations

import time

import pytest

from devices.base import DeviceStatus
from devices.card_terminal.contract import MSG_DISCONNECTED, MSG_NO_ANSWER, CardTerminalError
from devices.card_terminal.driver import SerialCardTerminal

from .conftest import FAST_TIMEOUTS


def test_lost_line_after_approval_then_query_last_recovers(driver, simulator) -> None:
    """GIVEN the terminal approves a sale whose answer never reaches the kiosk
    WHEN the kiosk gives up waiting and asks for the last transaction
    THEN it learns the sale was approved, with its authorisation, and can void it."""
    simulator.lose_line_after_next_approval()
    simulator.present_card("funds")
    with pytest.raises(CardTerminalError) as raised:
        driver.sale(1250, "ORD-1")
    assert raised.value.message_key == MSG_NO_ANSWER
    assert simulator.balance_of("funds") == 10_000_000 - 1250  # the money moved
    last = driver.query_last()
    assert last is not None and last.approved and last.reference == "ORD-1" and last.auth_code
    assert driver.void("ORD-1").approved
    assert simulator.balance_of("funds") == 10_000_000


def test_an_answer_sent_twice_is_not_taken_for_the_next_sale(driver, simulator) -> None:
    simulator.answer_next_twice()
    simulator.present_card("funds")
    first = driver.sale(1250, "ORD-1")
    time.sleep(0.05)  # the duplicate is now waiting on the line
    simulator.present_card("poor")
    second = driver.sale(300, "ORD-2")
    assert (first.reference, first.approved) == ("ORD-1", True)
    assert (second.reference, second.approved, second.amount_fen) == ("ORD-2", True, 300)
    assert simulator.balance_of("poor") == 200


def test_a_nakked_request_is_sent_again(driver, simulator) -> None:
    simulator.nak_next_requests(2)
    assert driver.status() is DeviceStatus.READY
    assert simulator.received == [b"S0"]  # executed once, after the third send


def test_three_naks_give_up(driver, simulator) -> None:
    simulator.nak_next_requests(3)
    with pytest.raises(CardTerminalError) as raised:
        driver.query_last()
    assert raised.value.message_key == MSG_NO_ANSWER
    assert simulator.received == []


def test_a_garbled_answer_is_nakked_and_sent_again(driver, simulator) -> None:
    simulator.corrupt_next_answers(1)
    simulator.present_card("funds")
    assert driver.sale(1250, "ORD-1").approved
    assert len([t for t in simulator.batch_transactions if t.reference == "ORD-1"]) == 1


def test_a_stopped_terminal_is_disconnected_and_comes_back(simulator) -> None:
    port = simulator.port
    driver = SerialCardTerminal(port, 115200, FAST_TIMEOUTS)
    assert driver.status() is DeviceStatus.READY
    simulator.stop()
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(CardTerminalError) as raised:
        driver.query_last()
    assert raised.value.message_key in (MSG_DISCONNECTED, MSG_NO_ANSWER)
    driver.close()


def test_a_missing_port_is_disconnected() -> None:
    driver = SerialCardTerminal("/dev/does-not-exist-card", 9600, FAST_TIMEOUTS)
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(CardTerminalError) as raised:
        driver.sale(100, "ORD-1")
    assert raised.value.message_key == MSG_DISCONNECTED


def test_a_sale_whose_ack_was_lost_is_sent_again_and_charged_once(driver, simulator) -> None:
    """GIVEN the terminal's ACK of a SALE is lost, WHEN the driver sends the SALE again,
    THEN the terminal serves it once: one approval, one charge."""
    simulator.lose_next_acks(1)
    simulator.present_card("funds")
    txn = driver.sale(1250, "ORD-1")
    assert txn.approved
    assert simulator.received.count(simulator.received[0]) == 2  # the SALE arrived twice
    assert simulator.balance_of("funds") == 10_000_000 - 1250
    assert len(simulator.batch_transactions) == 1


def test_a_sale_repeating_a_paid_reference_is_not_charged_again(driver, simulator) -> None:
    simulator.present_card("funds")
    first = driver.sale(1250, "ORD-1")
    simulator.present_card("funds")
    again = driver.sale(1250, "ORD-1")
    assert again == first
    assert simulator.balance_of("funds") == 10_000_000 - 1250
