"""Property tests: whatever bytes reach a permit protocol parser, only PermitError comes out."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.permit.contract import PermitError
from devices.permit.protocol import (
    Command,
    Frame,
    FrameSplitter,
    Status,
    decode_card,
    decode_frame,
    decode_record,
    decode_record_id,
    decode_response,
    decode_status_data,
    decode_write,
    encode_card,
    encode_frame,
    encode_record,
    encode_request,
    encode_response,
)
from devices.permit.records import CHIP_CAPACITY, Destination, Endorsement, EndorsementType, PermitCard, Sex, Trips

PARSERS = (decode_frame, decode_card, decode_record, decode_record_id, decode_write, decode_status_data)

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31))


@st.composite
def endorsements(draw: st.DrawFn) -> Endorsement:
    start = draw(dates)
    end = draw(st.dates(min_value=start, max_value=dt.date(2099, 12, 31)))
    return Endorsement(draw(st.integers(1, 0xFFFF_FFFF)), draw(st.sampled_from(Destination)),
                       draw(st.sampled_from(EndorsementType)), draw(st.sampled_from(Trips)), start, end,
                       draw(st.from_regex(r"\A[0-9]{6}\Z")))


@st.composite
def cards(draw: st.DrawFn) -> PermitCard:
    birth = draw(dates)
    number = draw(st.from_regex(r"\AC([0-9]{8}|[A-HJ-NP-Z][0-9]{7})\Z"))
    name_zh = draw(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=21))
    pinyin = draw(st.from_regex(r"\A[A-Z][A-Z ,\-]{0,40}\Z"))
    records = tuple(draw(st.lists(endorsements(), max_size=4)))
    return PermitCard(number, draw(st.from_regex(r"\A[0-9A-F]{16}\Z")), name_zh, pinyin,
                      draw(st.sampled_from(Sex)), birth,
                      draw(st.dates(min_value=birth, max_value=dt.date(2099, 12, 31))), records)


def only_permit_errors(parser, data: bytes) -> None:
    with contextlib.suppress(PermitError):
        parser(data)


@given(st.binary(max_size=300))
def test_random_bytes_raise_only_permit_error(data: bytes) -> None:
    for parser in PARSERS:
        only_permit_errors(parser, data)


@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=64))
def test_any_frame_content_decodes_to_a_response_or_permit_error(seq: int, command: int, body: bytes) -> None:
    only_permit_errors(decode_response, Frame(seq, command, body))


@given(cards(), st.data())
@settings(max_examples=60)
def test_truncated_card_frames_are_refused(card: PermitCard, data: st.DataObject) -> None:
    frame = encode_response(1, Command.READ_CARD, Status.OK, encode_card(card))
    cut = data.draw(st.integers(0, len(frame) - 1))
    try:
        decode_frame(frame[:cut])
        raise AssertionError("a truncated frame was accepted")
    except PermitError:
        pass
    body = encode_card(card)
    only_permit_errors(decode_card, body[:data.draw(st.integers(0, len(body) - 1))])


@given(cards(), st.data())
@settings(max_examples=80)
def test_any_corrupted_byte_is_detected(card: PermitCard, data: st.DataObject) -> None:
    frame = bytearray(encode_response(7, Command.READ_CARD, Status.OK, encode_card(card)))
    position = data.draw(st.integers(0, len(frame) - 1))
    frame[position] ^= data.draw(st.integers(1, 255))
    try:
        decode_frame(bytes(frame))
        raise AssertionError(f"corruption at byte {position} went unnoticed")
    except PermitError:
        pass


@given(cards())
@settings(max_examples=60)
def test_cards_round_trip(card: PermitCard) -> None:
    frame = decode_frame(encode_response(3, Command.READ_CARD, Status.OK, encode_card(card)))
    assert decode_card(decode_response(frame).data) == card


@given(endorsements())
def test_records_round_trip(record: Endorsement) -> None:
    assert decode_record(encode_record(record)) == record


@given(st.lists(st.tuples(st.binary(max_size=8), st.integers(1, 255), st.binary(max_size=40)), max_size=6),
       st.data())
def test_splitter_finds_every_frame_between_noise_in_any_chunking(
        items: list[tuple[bytes, int, bytes]], data: st.DataObject) -> None:
    noise_free = [bytes(b for b in noise if b != 0x02) for noise, _, _ in items]
    stream = b"".join(noise + encode_request(seq, Command.READ_RECORD, body)
                      for noise, (_, seq, body) in zip(noise_free, items, strict=True))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    splitter = FrameSplitter()
    found = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        found += splitter.feed(stream[start:end])
    assert found == [Frame(seq, Command.READ_RECORD, body) for _, seq, body in items]


@given(st.binary(max_size=400), st.lists(st.integers(1, 50), max_size=8))
def test_splitter_never_raises_on_garbage(garbage: bytes, chunks: list[int]) -> None:
    splitter = FrameSplitter()
    position = 0
    for size in [*chunks, len(garbage)]:
        for item in splitter.feed(garbage[position:position + size]):
            assert isinstance(item, (Frame, PermitError))
        position += size
    splitter.discard_partial()


def test_a_full_chip_fits_in_one_frame() -> None:
    record = Endorsement(1, Destination.MACAU, EndorsementType.GROUP_TOUR, Trips.TWO,
                         dt.date(2020, 1, 1), dt.date(2020, 4, 1), "440300")
    card = PermitCard("C12345678", "0" * 16, "欧" * 21, "A" * 64, Sex.MALE, dt.date(1980, 1, 1),
                      dt.date(2030, 1, 1), tuple(record for _ in range(CHIP_CAPACITY)))
    frame = encode_frame(Frame(1, Command.READ_CARD | 0x80, b"\x00" + encode_card(card)))
    assert decode_card(decode_response(decode_frame(frame)).data) == card
