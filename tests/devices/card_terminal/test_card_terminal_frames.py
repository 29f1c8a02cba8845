"""Byte-exact frames of the card terminal protocol (docs/protocols/card-terminal.md)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card_terminal.contract import CardTerminalError, CardTransaction, Settlement, TransactionKind
from devices.card_terminal.framing import BadFrame, Control, StxLrcFraming, bcd_length, lrc
from devices.card_terminal.protocol import (
    Answer,
    Command,
    decode_message,
    decode_reply,
    decode_sale_fields,
    decode_settlement,
    decode_transaction,
    encode_message,
    encode_reply,
    sale_fields,
    settlement_fields,
    transaction_fields,
)

FRAMING = StxLrcFraming()


def test_status_request_matches_the_documented_example() -> None:
    assert FRAMING.encode(encode_message(Command.STATUS)) == bytes.fromhex("02 0002 5330 03 62")


def test_sale_request_matches_the_documented_example() -> None:
    frame = FRAMING.encode(encode_message(Command.SALE, *sale_fields(1250, "ORD-1")))
    assert frame == bytes.fromhex("02 0021 4331 1c 303030303030303031323530 1c 4f52442d31 03 13")


def test_length_is_bcd_and_lrc_covers_length_data_and_etx() -> None:
    assert bcd_length(1234) == b"\x12\x34"
    frame = FRAMING.encode(b"X" * 21)
    assert frame[1:3] == b"\x00\x21"
    assert frame[-1] == lrc(frame[1:-1])


def test_ack_and_nak_are_single_bytes() -> None:
    assert FRAMING.control(Control.ACK) == b"\x06"
    assert FRAMING.control(Control.NAK) == b"\x15"


def test_reader_skips_noise_and_reports_controls_frames_and_bad_frames() -> None:
    good = FRAMING.encode(b"S0")
    bad = good[:-1] + bytes((good[-1] ^ 0x01,))
    items = FRAMING.reader().feed(b"\xff\x00" + b"\x06" + bad + b"\x15" + good)
    assert items[0] is Control.ACK
    assert isinstance(items[1], BadFrame) and "LRC" in items[1].detail
    assert items[2:] == [Control.NAK, b"S0"]


def test_reader_keeps_a_frame_that_arrives_in_pieces() -> None:
    frame = FRAMING.encode(b"C2")
    reader = FRAMING.reader()
    assert reader.feed(frame[:3]) == []
    assert reader.feed(frame[3:]) == [b"C2"]


def test_transaction_round_trips_through_its_fields() -> None:
    txn = CardTransaction(TransactionKind.SALE, "00", "ORD-1", 1250, "007919", "622202*********0128",
                          "000001", "000001", dt.datetime(2026, 12, 6, 20, 14, 18))
    reply = decode_reply(encode_reply(Command.SALE, Answer.DONE, *transaction_fields(txn)))
    assert reply.answer is Answer.DONE and decode_transaction(reply.fields) == txn


def test_an_unmasked_card_number_from_the_terminal_is_refused() -> None:
    fields = ("S", "00", "ORD-1", "000000001250", "007919", "6222021234567890128", "000001", "000001", "")
    with pytest.raises(CardTerminalError, match="unmasked"):
        decode_transaction(fields)


def test_settlement_round_trips() -> None:
    settlement = Settlement("000007", 3, 45000, 1, 15000)
    assert decode_settlement(settlement_fields(settlement)) == settlement
    assert settlement.net_fen == 30000


@pytest.mark.parametrize("amount", [0, -1, 10 ** 12])
def test_amounts_out_of_range_are_refused(amount: int) -> None:
    with pytest.raises(CardTerminalError):
        sale_fields(amount, "ORD-1")


@pytest.mark.parametrize("reference", ["", "R" * 33, "订单1", "A\x1cB"])
def test_bad_references_are_refused(reference: str) -> None:
    with pytest.raises(CardTerminalError):
        sale_fields(1250, reference)


def test_sale_request_fields_decode() -> None:
    message = decode_message(encode_message(Command.SALE, *sale_fields(1250, "ORD-1")))
    assert decode_sale_fields(message.fields) == (1250, "ORD-1")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_only_items_never_an_exception(data: bytes) -> None:
    for item in FRAMING.reader().feed(data):
        assert isinstance(item, (bytes, Control, BadFrame))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_any_message_bytes_give_a_reply_or_card_terminal_error(data: bytes) -> None:
    with contextlib.suppress(CardTerminalError):
        reply = decode_reply(data)
        with contextlib.suppress(CardTerminalError):
            decode_transaction(reply.fields)
        with contextlib.suppress(CardTerminalError):
            decode_settlement(reply.fields)
