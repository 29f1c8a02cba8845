"""A bank card number never reaches a log line: core/privacy masks Luhn-valid 16-19 digit runs."""

from __future__ import annotations

import pytest

from core.privacy import luhn_valid, mask_card_number, mask_text


def test_mask_keeps_issuer_and_last_four() -> None:
    assert mask_card_number("6222021234567890128") == "622202*********0128"
    assert mask_card_number("6222 0212 3456 7890") == "622202******7890"


@pytest.mark.parametrize("pan", ["6222021234567890128", "4111111111111111", "6217001234567890122"])
def test_card_numbers_in_free_text_are_masked(pan: str) -> None:
    assert luhn_valid(pan)
    masked = mask_text(f"paid with {pan}.")
    assert pan not in masked and masked == f"paid with {mask_card_number(pan)}."


def test_digit_runs_failing_luhn_stay_readable() -> None:
    order = "2026120620153012"  # 16 digits, check digit wrong for a card
    assert not luhn_valid(order)
    assert mask_text(f"order {order}") == f"order {order}"


def test_id_numbers_are_still_masked_as_id_numbers() -> None:
    assert mask_text("11010519491231002X") == "110105**********2X"
