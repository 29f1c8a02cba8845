"""Parsing the four card kinds from text blocks laid out by hand (offsets from DOMAIN.md section 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from devices.idcard import records
from devices.idcard.contract import IdCardError
from devices.idcard.records import CardKind, Sex

PHOTO = bytes(range(256)) * 4


def block(*fields: tuple[int, str]) -> bytes:
    """A 256-byte UCS-2 LE text block of spaces with each (byte offset, text) written in."""
    data = bytearray(" ".encode("utf-16-le") * 128)
    for offset, value in fields:
        raw = value.encode("utf-16-le")
        data[offset:offset + len(raw)] = raw
    return bytes(data)


def resident_block(valid_to: str = "20350301", ethnicity: str = "01", id_number: str = "11010519491231002X",
                   birth: str = "19491231") -> bytes:
    return block((0, "王小梅"), (30, "2"), (32, ethnicity), (36, birth), (52, "北京市东城区示例胡同1号"),
                 (122, id_number), (158, "北京市公安局东城分局"), (188, "20150301"), (204, valid_to))


def test_resident_card() -> None:
    card = records.parse_card(resident_block(), PHOTO)
    assert isinstance(card, records.ResidentIdCard) and card.kind is CardKind.RESIDENT_ID
    assert (card.name, card.sex, card.ethnicity.name_zh, card.birth_date) == (
        "王小梅", Sex.FEMALE, "汉族", date(1949, 12, 31))
    assert (card.address, card.id_number, card.issuing_authority) == (
        "北京市东城区示例胡同1号", "11010519491231002X", "北京市公安局东城分局")
    assert card.validity == records.Validity(date(2015, 3, 1), date(2035, 3, 1))
    assert card.photo == records.CardPhoto(PHOTO, None) and card.fingerprints == ()


def test_long_term_validity() -> None:
    card = records.parse_card(resident_block(valid_to="长期"), PHOTO)
    assert card.validity.long_term and card.validity.end is None
    assert card.validity.valid_on(date(2099, 1, 1)) and not card.validity.valid_on(date(2015, 2, 28))
    assert card.summary()["valid_to"] == "长期"


def test_residence_permit_type_j() -> None:
    text = block((0, "陈大文"), (30, "1"), (36, "19900101"), (52, "广东省深圳市福田区示例路8号"),
                 (122, "810000199001011230"), (158, "深圳市公安局"), (188, "20230901"), (204, "20280901"),
                 (220, "H12345678"), (238, "01"), (248, "J"))
    card = records.parse_card(text, PHOTO)
    assert isinstance(card, records.ResidencePermitCard) and card.kind is CardKind.RESIDENCE_PERMIT
    assert (card.name, card.sex, card.id_number, card.permit_number, card.issue_count) == (
        "陈大文", Sex.MALE, "810000199001011230", "H12345678", 1)
    assert card.validity == records.Validity(date(2023, 9, 1), date(2028, 9, 1))


def test_foreign_permanent_resident_card_type_i() -> None:
    text = block((0, "SMITH, JOHN"), (120, "1"), (122, "USA110080010112"), (152, "USA"), (158, "史密斯"),
                 (188, "20200601"), (204, "20300601"), (220, "19800101"), (236, "02"), (240, "1100"),
                 (248, "I"))
    card = records.parse_card(text, PHOTO)
    assert isinstance(card, records.ForeignPermanentResidentCard) and card.kind is CardKind.FOREIGN_PERMANENT
    assert (card.english_name, card.chinese_name, card.card_number, card.nationality) == (
        "SMITH, JOHN", "史密斯", "USA110080010112", "USA")
    assert (card.birth_date, card.card_version, card.authority_code) == (date(1980, 1, 1), "02", "1100")
    assert card.display_name == "史密斯" and card.document_number == "USA110080010112"


def foreign_2023_block(number: str = "931752198503150028", english: str = "LINDQVIST, ANNA MARIA",
                      english_more: str = "", nationality: str = "752") -> bytes:
    """A type "Y" block at the offsets two reader vendors' SDK samples read (no national table found)."""
    return block((0, "林安娜"), (30, "2"), (32, "01"), (36, "19850315"), (52, english), (122, number),
                 (188, "20240110"), (204, "20340110"), (220, english_more), (242, nationality),
                 (248, "Y"), (250, "123"))


def test_foreign_permanent_resident_card_2023_type_y() -> None:
    card = records.parse_card(foreign_2023_block(), PHOTO)
    assert isinstance(card, records.ForeignPermanentResident2023Card)
    assert card.kind is CardKind.FOREIGN_PERMANENT_2023
    assert (card.chinese_name, card.english_name, card.sex, card.birth_date) == (
        "林安娜", "LINDQVIST, ANNA MARIA", Sex.FEMALE, date(1985, 3, 15))
    assert (card.card_number, card.nationality, card.renewal_count, card.previous_number_link) == (
        "931752198503150028", "752", 1, "123")
    assert card.validity == records.Validity(date(2024, 1, 10), date(2034, 1, 10))
    assert card.display_name == "林安娜" and card.document_number == "931752198503150028"


def test_a_2023_english_name_goes_on_in_its_second_part() -> None:
    first = "ABCDEFGHIJKLMNOPQRSTUVWXYZ, ABCDEF "  # 35 characters, the last a space
    card = records.parse_card(foreign_2023_block(english=first, english_more="GHIJ"), PHOTO)
    assert card.english_name == first + "GHIJ"
    assert records.encode_card(card) == foreign_2023_block(english=first, english_more="GHIJ")


def test_a_2023_card_prints_masked() -> None:
    summary = records.parse_card(foreign_2023_block(), PHOTO).summary()
    assert "931752198503150028" not in str(summary) and "林安娜" not in str(summary)
    assert (summary["kind"], summary["nationality"], summary["renewal_count"]) == ("Y", "752", "1")


@pytest.mark.parametrize(("text", "problem"), [
    (foreign_2023_block(number="131752198503150021"), "not 9 \\+ 16 digits"),
    (foreign_2023_block(number="931752198503150027"), "check character"),
    (foreign_2023_block(nationality="SWE"), "3-digit country code"),
    (foreign_2023_block(english=""), "english_name is empty"),
])
def test_2023_fields_that_break_the_format_are_read_failures(text: bytes, problem: str) -> None:
    with pytest.raises(IdCardError, match=problem) as caught:
        records.parse_card(text, PHOTO)
    assert caught.value.message_key == "idcard.read_failed"


def test_an_unknown_type_flag_is_an_unrecognised_card() -> None:
    with pytest.raises(IdCardError) as caught:
        records.parse_card(block((0, "X"), (248, "Z")), PHOTO)
    assert caught.value.message_key == "idcard.unrecognised_card"


@pytest.mark.parametrize(("text", "problem"), [
    (resident_block(birth="19491332"), "birth date is not a calendar date"),
    (resident_block(valid_to="2035"), "valid-to date is not YYYYMMDD"),
    (resident_block(valid_to="20140101"), "precedes"),
    (resident_block(ethnicity="57"), "not in GB 3304"),
    (resident_block(id_number="110105194912310021"), "check digit"),
    (block((248, "J")), "name is empty"),
])
def test_fields_that_break_the_card_format_are_read_failures(text: bytes, problem: str) -> None:
    with pytest.raises(IdCardError, match=problem) as caught:
        records.parse_card(text, PHOTO)
    assert caught.value.message_key == "idcard.read_failed"


def test_ethnicity_table_is_gb3304_complete() -> None:
    expected_codes = {f"{n:02d}" for n in range(1, 57)} | {"97", "98"}
    assert set(records.ETHNICITIES) == expected_codes
    assert len({e.name_zh for e in records.ETHNICITIES.values()}) == 58
    assert records.ETHNICITIES["01"].printed == "汉"
    assert records.ETHNICITIES["10"].name_zh == "朝鲜族"
    assert records.ETHNICITIES["56"].name_zh == "基诺族"
    assert records.ETHNICITIES["98"].printed == "外国血统中国籍人士"


def test_sex_codes() -> None:
    assert [(s.value, s.label_zh) for s in Sex] == [("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未说明")]


@pytest.mark.parametrize(("number", "valid"), [
    ("11010519491231002X", True),
    ("11010519491231002x", True),
    ("360426199101010071", True),
    ("360426199101010072", False),
    ("36042619910101007", False),
    ("3604261991010100\uff171", False),  # a full-width 7 is a Unicode digit, not an ID digit
])
def test_id_number_check_digit_vectors(number: str, valid: bool) -> None:
    assert records.is_valid_id_number(number) is valid


def test_check_digit_function() -> None:
    assert records.id_check_digit("11010519491231002") == "X"
    assert records.id_check_digit("36042619910101007") == "1"
    with pytest.raises(ValueError):
        records.id_check_digit("1234")


def test_appended_address() -> None:
    raw = "上海市浦东新区示例路2号".ljust(35).encode("utf-16-le")
    assert records.decode_appended_address(raw) == "上海市浦东新区示例路2号"
    assert records.decode_appended_address(" ".encode("utf-16-le") * 35) is None


def test_records_print_masked() -> None:
    card = records.parse_card(resident_block(), PHOTO)
    shown = repr(card) + str(card.summary())
    for secret in ("小梅", "11010519491231002X", "示例胡同", "1949-12-31"):
        assert secret not in shown
    assert card.summary(show_pii=True)["id_number"] == "11010519491231002X"


def test_encode_refuses_values_longer_than_their_field() -> None:
    card = records.parse_card(resident_block(), PHOTO)
    with pytest.raises(ValueError, match="name"):
        records.encode_card(replace(card, name="名" * 16))
