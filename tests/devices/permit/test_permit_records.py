"""Permit numbers and the rules a record must meet before it can go onto a chip."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.permit.records import PermitCard, Sex, is_valid_permit_number


@pytest.mark.parametrize("number", ["C12345678", "CA0000001", "CZ1234567", "CH7654321"])
def test_valid_permit_numbers(number: str) -> None:
    assert is_valid_permit_number(number)


@pytest.mark.parametrize("number", [
    "C1234567",  # too short
    "C123456789",  # too long
    "CI1234567",  # I is not used (looks like 1)
    "CO1234567",  # O is not used (looks like 0)
    "D12345678",  # not a mainland HK/Macau permit
    "c12345678",
    "CA123456X",
    "C١٢٣٤٥٦٧٨",  # digits of another script
])
def test_invalid_permit_numbers(number: str) -> None:
    assert not is_valid_permit_number(number)


def test_endorsement_rules(endorsement) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        endorsement(valid_from=dt.date(2027, 1, 2), valid_until=dt.date(2027, 1, 1))
    with pytest.raises(ValueError, match="6 digits"):
        endorsement(issuing_office="44030")
    with pytest.raises(ValueError, match="32-bit"):
        endorsement(0)
    assert endorsement().is_valid_on(dt.date(2027, 1, 1))
    assert "440300" in endorsement().summary()


def test_card_rules_and_masked_summary(endorsement) -> None:
    card = PermitCard("C12345678", "04A1B2C3D4E5F601", "张伟", "ZHANG WEI", Sex.MALE,
                      dt.date(1985, 3, 12), dt.date(2031, 5, 1), (endorsement(1), endorsement(2)))
    assert card.newest_endorsement == endorsement(2) and card.records_free == 253
    summary = card.masked_summary()
    assert "C12345678" not in summary and "ZHANG WEI" not in summary and "C******78" in summary
    with pytest.raises(ValueError, match="pinyin"):
        PermitCard("C12345678", "04A1B2C3D4E5F601", "张伟", "zhang wei", Sex.MALE,
                   dt.date(1985, 3, 12), dt.date(2031, 5, 1))
    with pytest.raises(ValueError, match="permit number"):
        PermitCard("C1234567", "04A1B2C3D4E5F601", "张伟", "ZHANG WEI", Sex.MALE,
                   dt.date(1985, 3, 12), dt.date(2031, 5, 1))
