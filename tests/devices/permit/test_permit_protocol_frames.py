"""Byte-exact frames of the permit card protocol (docs/protocols/permit-card.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.permit.contract import PermitError
from devices.permit.protocol import (
    Command,
    Frame,
    FrameSplitter,
    SlotState,
    Status,
    bad_frame_response,
    crc16,
    decode_card,
    decode_frame,
    decode_record,
    decode_response,
    decode_slot_state,
    decode_status_data,
    decode_write,
    encode_card,
    encode_record,
    encode_record_id,
    encode_request,
    encode_response,
    encode_status_data,
    encode_write,
)
from devices.permit.records import PermitCard, Sex


def test_crc_is_ccitt_false() -> None:
    assert crc16(b"123456789") == 0x29B1


def test_status_request_matches_the_documented_example() -> None:
    assert encode_request(1, Command.STATUS) == bytes.fromhex("02 0002 01 01 C9B0 03")


def test_status_answer_matches_the_documented_example() -> None:
    frame = encode_response(1, Command.STATUS, Status.OK, encode_status_data(card_present=True))
    assert frame == bytes.fromhex("02 0005 01 81 00 01 01 9002 03")


def test_bad_frame_answer_has_seq_zero_and_bare_response_flag() -> None:
    frame = bad_frame_response()
    assert frame[:6] == bytes.fromhex("02 0003 00 80 06")
    assert decode_frame(frame) == Frame(0, 0x80, b"\x06")


def test_read_record_request(endorsement) -> None:
    frame = encode_request(0x2A, Command.READ_RECORD, encode_record_id(7001))
    assert frame[:9] == bytes.fromhex("02 0006 2A 11 00001B59")
    assert frame[9:11] == crc16(frame[1:9]).to_bytes(2, "big") and frame[-1] == 0x03


def test_record_layout_is_thirty_fixed_bytes(endorsement) -> None:
    raw = encode_record(endorsement(7001))
    assert raw == bytes.fromhex("00001B59") + b"HKG1" + b"20261201" + b"20270301" + b"440300"
    assert len(raw) == 30
    assert decode_record(raw) == endorsement(7001)


def test_write_request_carries_the_print_flag_then_the_record(endorsement) -> None:
    body = encode_write(endorsement(7001), print_on_face=True)
    assert body[0] == 0x01 and body[1:] == encode_record(endorsement(7001))
    assert encode_write(endorsement(7001), print_on_face=False)[0] == 0x00
    assert decode_write(body) == (endorsement(7001), True)


def test_card_block_layout(endorsement) -> None:
    card = PermitCard("CA1234567", "04A1B2C3D4E5F602", "李娜", "LI NA", Sex.FEMALE,
                      dt.date(1992, 11, 2), dt.date(2034, 1, 15), (endorsement(7001),))
    raw = encode_card(card)
    name = "李娜".encode()
    assert raw == (b"CA1234567" + bytes.fromhex("04A1B2C3D4E5F602") + b"F" + b"19921102" + b"20340115"
                   + bytes((len(name),)) + name + b"\x05LI NA" + b"\x01" + encode_record(endorsement(7001)))
    assert decode_card(raw) == card


def test_response_decoding() -> None:
    frame = decode_frame(encode_response(9, Command.WRITE_ENDORSEMENT, Status.CHIP_FULL))
    response = decode_response(frame)
    assert (response.seq, response.command, response.status, response.data) == \
        (9, Command.WRITE_ENDORSEMENT, Status.CHIP_FULL, b"")
    assert Status.CHIP_FULL.reason == "chip_full"


@pytest.mark.parametrize(("raw", "problem"), [
    (bytes.fromhex("02 0002 01 01 C9B1 03"), "CRC"),
    (bytes.fromhex("02 0002 01 01 C9B0 04"), "ETX"),
    (bytes.fromhex("03 0002 01 01 C9B0 03"), "STX"),
    (bytes.fromhex("02 2801 01 01 C9B0 03"), "LEN"),
    (bytes.fromhex("02 0001 01 01 C9B0 03"), "LEN"),
    (bytes.fromhex("02 0002 01 01 C9B0"), "bytes"),
])
def test_broken_frames_are_refused(raw: bytes, problem: str) -> None:
    with pytest.raises(PermitError) as caught:
        decode_frame(raw)
    assert caught.value.message_key == "permit.bad_frame"
    assert problem in caught.value.detail


def test_status_data_of_another_protocol_version_is_refused() -> None:
    assert decode_status_data(b"\x01\x00") is False
    with pytest.raises(PermitError, match="version 2"):
        decode_status_data(b"\x02\x01")


def test_splitter_skips_noise_and_joins_pieces() -> None:
    first = encode_request(1, Command.STATUS)
    second = encode_request(2, Command.READ_CARD)
    stream = b"\xff\x00noise" + first + second
    splitter = FrameSplitter()
    found = splitter.feed(stream[:9]) + splitter.feed(stream[9:20]) + splitter.feed(stream[20:])
    assert found == [Frame(1, Command.STATUS), Frame(2, Command.READ_CARD)]
    assert not splitter.has_partial


def test_splitter_reports_a_bad_frame_and_resyncs_on_the_next() -> None:
    good = encode_request(3, Command.EJECT)
    corrupted = bytearray(encode_request(2, Command.STATUS))
    corrupted[4] ^= 0x40
    found = FrameSplitter().feed(bytes(corrupted) + good)
    assert isinstance(found[0], PermitError)
    assert found[-1] == Frame(3, Command.EJECT)


def test_splitter_drops_a_stalled_partial_frame() -> None:
    splitter = FrameSplitter()
    assert splitter.feed(encode_request(1, Command.STATUS)[:5]) == []
    assert isinstance(splitter.discard_partial(), PermitError)
    assert splitter.feed(encode_request(2, Command.STATUS)) == [Frame(2, Command.STATUS)]


def test_status_answer_with_a_card_at_the_opening_matches_the_documented_example() -> None:
    """Issue 14: a module with the opening sensor adds CARD_AT_OPENING (docs/protocols/permit-card.md)."""
    frame = encode_response(1, Command.STATUS, Status.OK, encode_status_data(card_present=False, at_opening=True))
    assert frame == bytes.fromhex("02 0006 01 81 00 01 00 01 7A2B 03")
    assert decode_slot_state(decode_frame(frame).body[1:]) == SlotState(card_present=False, at_opening=True)


def test_status_answer_without_the_opening_sensor_says_it_cannot_tell() -> None:
    assert decode_slot_state(b"\x01\x01") == SlotState(card_present=True, at_opening=None)
    with pytest.raises(PermitError):
        decode_slot_state(b"\x01\x00\x02")  # a flag is 0 or 1
    with pytest.raises(PermitError):
        decode_slot_state(b"\x01\x00\x01\x00")


def test_retract_request_is_byte_exact() -> None:
    assert encode_request(2, Command.RETRACT) == bytes.fromhex("02 0002 02 31 AAB0 03")
