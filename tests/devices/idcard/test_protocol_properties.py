"""Property tests: random, truncated and corrupted input to every parser yields IdCardError or a value,
never any other exception; valid frames and records survive a round trip."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard import protocol, records
from devices.idcard.contract import IdCardError
from devices.idcard.protocol import Response
from devices.idcard.records import (
    ETHNICITIES,
    CardPhoto,
    ForeignPermanentResident2023Card,
    ForeignPermanentResidentCard,
    ResidencePermitCard,
    ResidentIdCard,
    Sex,
    Validity,
)

settings.register_profile("idcard", deadline=None, max_examples=150)
settings.load_profile("idcard")

PARSERS = [
    protocol.parse_response,
    protocol.parse_request,
    protocol.frame_length,
    protocol.parse_text_photo,
    protocol.parse_text_photo_fingerprint,
    protocol.parse_appended_address,
    protocol.parse_sam_id,
    records.card_kind,
    records.decode_appended_address,
    lambda text: records.parse_card(text, bytes(1024)),
]


def only_id_card_errors(parser, data: bytes) -> None:
    with contextlib.suppress(IdCardError):
        parser(data)


@given(st.sampled_from(PARSERS), st.binary(max_size=2400))
def test_random_bytes(parser, data: bytes) -> None:
    only_id_card_errors(parser, data)


@given(st.sampled_from(PARSERS), st.binary(min_size=256, max_size=256))
def test_random_text_blocks(parser, data: bytes) -> None:
    only_id_card_errors(parser, data)


valid_answers = st.builds(
    lambda sw3, data: Response(sw3, data).encode(),
    st.sampled_from(list(protocol.Sw3)), st.binary(max_size=1400))


@given(valid_answers)
def test_valid_answers_round_trip(frame: bytes) -> None:
    answer = protocol.parse_response(frame)
    assert answer.encode() == frame


@given(valid_answers, st.data())
def test_truncated_answers_are_bad_frames(frame: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(frame) - 1))
    try:
        protocol.parse_response(frame[:cut])
    except IdCardError as error:
        assert error.message_key == "idcard.bad_frame"
    else:
        raise AssertionError("a truncated frame parsed")


@given(valid_answers, st.data())
def test_any_single_corrupted_byte_is_detected(frame: bytes, data: st.DataObject) -> None:
    """XOR catches every single-byte error after the preamble; the preamble check catches the rest."""
    position = data.draw(st.integers(0, len(frame) - 1))
    flip = data.draw(st.integers(1, 255))
    corrupted = bytearray(frame)
    corrupted[position] ^= flip
    try:
        protocol.parse_response(bytes(corrupted))
    except IdCardError as error:
        assert error.message_key == "idcard.bad_frame"
    else:
        raise AssertionError(f"corruption at byte {position} went unnoticed")


@given(st.sampled_from(PARSERS[3:]), valid_answers)
def test_payload_parsers_on_arbitrary_answer_data(parser, frame: bytes) -> None:
    only_id_card_errors(parser, protocol.parse_response(frame).data)


# ---- records -----------------------------------------------------------------------------------

def text(max_chars: int, min_chars: int = 1) -> st.SearchStrategy[str]:
    """Card text: CJK and ASCII letters, no padding spaces at the ends."""
    alphabet = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5) | st.sampled_from("ABCXYZ0189-")
    return st.text(alphabet, min_size=min_chars, max_size=max_chars)


digits = st.text("0123456789", min_size=17, max_size=17)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
validities = st.one_of(
    st.builds(lambda start: Validity(start, None), dates),
    st.builds(lambda start, days: Validity(start, date.fromordinal(start.toordinal() + days)),
              st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 1, 1)), st.integers(0, 7300)),
)
photos = st.builds(CardPhoto, st.binary(min_size=1024, max_size=1024))
sexes = st.sampled_from([Sex.MALE, Sex.FEMALE])
id_numbers = digits.map(lambda d: d + records.id_check_digit(d))

resident_cards = st.builds(
    ResidentIdCard, name=text(15), sex=sexes, ethnicity=st.sampled_from(list(ETHNICITIES.values())),
    birth_date=dates, address=text(35), id_number=id_numbers, issuing_authority=text(15),
    validity=validities, photo=photos)
residence_permits = st.builds(
    ResidencePermitCard, name=text(15), sex=sexes, birth_date=dates, address=text(35),
    id_number=id_numbers, issuing_authority=text(15), validity=validities,
    permit_number=st.text("HM0123456789", min_size=9, max_size=9), issue_count=st.integers(0, 99),
    photo=photos)
foreign_cards = st.builds(
    ForeignPermanentResidentCard, english_name=text(60), chinese_name=text(15, min_chars=0), sex=sexes,
    card_number=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=15, max_size=15),
    nationality=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3), birth_date=dates,
    validity=validities, card_version=st.text("0123456789", min_size=2, max_size=2),
    authority_code=st.text("0123456789", min_size=4, max_size=4), photo=photos)
foreign_2023_cards = st.builds(
    ForeignPermanentResident2023Card, chinese_name=text(15, min_chars=0), english_name=text(46), sex=sexes,
    card_number=st.text("0123456789", min_size=16, max_size=16).map(
        lambda d: "9" + d + records.id_check_digit("9" + d)),
    nationality=st.text("0123456789", min_size=3, max_size=3), birth_date=dates, validity=validities,
    renewal_count=st.integers(0, 99), previous_number_link=st.text("0123456789", max_size=3), photo=photos)
all_cards = st.one_of(resident_cards, residence_permits, foreign_cards, foreign_2023_cards)


@given(all_cards)
def test_records_round_trip_through_the_text_block(record) -> None:
    block = records.encode_card(record)
    assert len(block) == protocol.TEXT_SIZE
    assert records.parse_card(block, record.photo.wlt) == record


@given(all_cards, st.data())
def test_corrupted_text_blocks_yield_a_record_or_id_card_error(record, data: st.DataObject) -> None:
    block = bytearray(records.encode_card(record))
    for _ in range(data.draw(st.integers(1, 8))):
        block[data.draw(st.integers(0, 255))] = data.draw(st.integers(0, 255))
    only_id_card_errors(lambda b: records.parse_card(b, bytes(1024)), bytes(block))


@given(digits)
def test_check_digit_makes_a_valid_number_and_any_other_is_invalid(first17: str) -> None:
    check = records.id_check_digit(first17)
    assert records.is_valid_id_number(first17 + check)
    for other in "0123456789X":
        if other != check:
            assert not records.is_valid_id_number(first17 + other)
