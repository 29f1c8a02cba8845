"""Personal data never reaches a log line: ID numbers, phone numbers, permit numbers, known names."""

from __future__ import annotations

import logging

from hypothesis import given, settings
from hypothesis import strategies as st

from core.privacy import KnownNames, PersonalDataFilter, mask_id_number, mask_name, mask_phone, mask_text

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def with_check_digit(first17: str) -> str:
    return first17 + CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


id_numbers = st.builds(
    lambda region, y, m, d, seq: with_check_digit(f"{region:06d}{y:04d}{m:02d}{d:02d}{seq:03d}"),
    st.integers(110000, 829999), st.integers(1900, 2025), st.integers(1, 12), st.integers(1, 28),
    st.integers(0, 999))
filler = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="0123456789"),
                 max_size=20)


def masked_record(message: str, names: KnownNames | None = None) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, message, None, None)
    PersonalDataFilter(names or KnownNames()).filter(record)
    return record.getMessage()


@settings(max_examples=300)
@given(number=id_numbers, before=filler, after=filler)
def test_no_generated_id_number_survives_the_filter(number, before, after):
    out = masked_record(f"{before}{number}{after}")
    assert number not in out
    assert number[:6] + "*" * 10 + number[-2:] in out


@settings(max_examples=100)
@given(number=id_numbers)
def test_id_number_in_a_formatted_record_is_masked(number):
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "card %s read", (number,), None)
    PersonalDataFilter(KnownNames()).filter(record)
    assert number not in record.getMessage()


def test_documented_examples():
    assert mask_id_number("11010519491231002X") == "110105**********2X"
    assert mask_phone("13812345678") == "*******5678"
    assert mask_name("张三丰") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("ZHANG SANFENG") == "ZHANG *******"


def test_phone_and_permit_numbers_in_text_are_masked():
    out = mask_text("call +86 13912345678 about permit CA1234567 and C12345678")
    assert "13912345678" not in out and "5678" in out
    assert "CA1234567" not in out and "C12345678" not in out


def test_long_digit_runs_that_are_not_ids_are_left_alone():
    assert mask_text("order 20261126071530123456789") == "order 20261126071530123456789"


def test_registered_names_are_masked_until_the_session_forgets_them():
    names = KnownNames()
    names.add("买买提·艾力")
    assert "买买提·艾力" not in masked_record("verified 买买提·艾力", names)
    names.clear()
    assert "买买提·艾力" in masked_record("verified 买买提·艾力", names)
