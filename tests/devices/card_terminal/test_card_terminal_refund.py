"""A sale of a settled batch goes back by a refund (退货, command C5), not a void: between the real
driver and the simulator over a pty, and byte-exact against docs/protocols/card-terminal.md."""

from __future__ import annotations

import pytest

from devices.card_terminal.contract import CardTerminalError, SaleNotInOpenBatch, Settlement, TransactionKind
from devices.card_terminal.framing import StxLrcFraming
from devices.card_terminal.protocol import Command, decode_settlement, encode_message, refund_fields, settlement_fields
from devices.card_terminal.simulator import CardTerminalSimulator

FUNDS = 10_000_000


def test_refund_request_matches_the_documented_example() -> None:
    frame = StxLrcFraming().encode(encode_message(Command.REFUND, *refund_fields("ORD-1", 1250)))
    assert frame == bytes.fromhex("02 0021 4335 1c 4f52442d31 1c 303030303030303031323530 03 17")


def test_settlement_carries_refunds() -> None:
    settlement = Settlement("000002", 1, 300, 0, 0, 1, 1250)
    fields = settlement_fields(settlement)
    assert fields[5:] == ("1", "000000001250")
    assert decode_settlement(fields) == settlement and settlement.net_fen == 300 - 1250
    with pytest.raises(CardTerminalError):
        decode_settlement(fields[:5])  # the version-01 answer has all seven fields


def test_a_settled_sale_cannot_be_voided_but_is_refunded_once(driver, simulator) -> None:
    """GIVEN a sale whose batch was settled, WHEN the kiosk gives it back, THEN the void is
    refused as not in the open batch, the refund credits the card once (asked again, the same
    refund is answered), and the next settlement counts it."""
    simulator.present_card("funds")
    sale = driver.sale(1250, "ORD-1")
    first = driver.settle()
    assert (first.sale_count, first.refund_count) == (1, 0)
    with pytest.raises(SaleNotInOpenBatch):
        driver.void("ORD-1")
    refund = driver.refund("ORD-1", 1250)
    assert refund.kind is TransactionKind.REFUND and refund.approved
    assert (refund.amount_fen, refund.masked_pan, refund.batch) == (1250, sale.masked_pan, "000002")
    assert simulator.balance_of("funds") == FUNDS
    again = driver.refund("ORD-1", 1250)
    assert again == refund and simulator.balance_of("funds") == FUNDS
    assert driver.query_last() == refund
    second = driver.settle()
    assert (second.batch, second.sale_count, second.refund_count, second.refund_total_fen) == ("000002", 0, 1, 1250)
    assert second.net_fen == -1250


def test_only_a_settled_sale_of_that_amount_is_refunded(driver, simulator) -> None:
    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    with pytest.raises(CardTerminalError):
        driver.refund("ORD-1", 1250)  # still in the open batch: a void, not a refund
    driver.settle()
    with pytest.raises(CardTerminalError):
        driver.refund("ORD-1", 999)  # a full refund only
    with pytest.raises(CardTerminalError):
        driver.refund("NEVER-SOLD", 1250)
    assert simulator.balance_of("funds") == FUNDS - 1250


def test_a_voided_sale_is_not_refunded_after_settlement(driver, simulator) -> None:
    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    driver.void("ORD-1")
    driver.settle()
    with pytest.raises(CardTerminalError):
        driver.refund("ORD-1", 1250)
    assert simulator.balance_of("funds") == FUNDS


def test_settled_sales_survive_a_terminal_restart(state_file, driver, simulator) -> None:
    from devices.card_terminal.driver import SerialCardTerminal

    from .conftest import FAST_TIMEOUTS

    simulator.present_card("funds")
    driver.sale(1250, "ORD-1")
    driver.settle()
    driver.close()
    simulator.stop()
    again = CardTerminalSimulator(state_file)
    again.start()
    other = SerialCardTerminal(again.port, 115200, FAST_TIMEOUTS)
    try:
        assert other.refund("ORD-1", 1250).approved
    finally:
        other.close()
        again.stop()
