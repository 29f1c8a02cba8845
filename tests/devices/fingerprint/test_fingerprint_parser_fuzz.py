"""The packet parser fed random, truncated and bit-flipped packets: it answers a packet or its one
documented error (a bad frame), never another exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devices.fingerprint.contract import MSG_BAD_FRAME, FingerprintError
from devices.fingerprint.protocol import decode_packet, encode_packet


@given(st.binary(max_size=300))
def test_random_bytes_are_a_packet_or_a_bad_frame(raw: bytes) -> None:
    try:
        decode_packet(raw)
    except FingerprintError as exc:
        assert exc.message_key == MSG_BAD_FRAME


@given(st.integers(0, 0xFFFFFFFF), st.sampled_from([0x01, 0x02, 0x07, 0x08]), st.binary(max_size=256),
       st.data())
def test_a_packet_round_trips_and_any_damage_is_caught(address: int, packet_id: int, payload: bytes,
                                                       data: st.DataObject) -> None:
    raw = encode_packet(address, packet_id, payload)
    packet = decode_packet(raw)
    assert (packet.address, packet.packet_id, packet.payload) == (address, packet_id, payload)
    cut = data.draw(st.integers(0, len(raw) - 1))
    try:
        decode_packet(raw[:cut])
        raise AssertionError("a truncated packet was accepted")
    except FingerprintError as exc:
        assert exc.message_key == MSG_BAD_FRAME
    at = data.draw(st.integers(0, len(raw) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = raw[:at] + bytes((raw[at] ^ (1 << bit),)) + raw[at + 1:]
    if 2 <= at < 6:  # the address is not covered by the sum: a flip there changes the address
        assert decode_packet(flipped).address != address
        return
    try:
        decode_packet(flipped)
        raise AssertionError(f"a flip of bit {bit} in byte {at} was accepted")
    except FingerprintError as exc:
        assert exc.message_key == MSG_BAD_FRAME
