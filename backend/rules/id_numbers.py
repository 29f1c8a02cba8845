"""GB 11643-1999 resident ID numbers (and the residence permits that share the format)."""

from __future__ import annotations

import datetime as dt

# ISO 7064 MOD 11-2 weights for the first 17 digits, and the check character for sum % 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

# Residence permits for Hong Kong, Macau and Taiwan residents use these "address codes".
HONG_KONG_PERMIT_PREFIX = "810000"
MACAU_PERMIT_PREFIX = "820000"
TAIWAN_PERMIT_PREFIX = "830000"


def check_character(first_17: str) -> str:
    """The 18th character for 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def with_check_character(first_17: str) -> str:
    return first_17 + check_character(first_17)


def is_valid(number: str) -> bool:
    """18 characters, 17 digits, a correct check character and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[17] != check_character(number[:17]):
        return False
    return birth_date(number) is not None


def birth_date(number: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        return None


def is_male(number: str) -> bool:
    """The sequence number (digits 15-17) is odd for men, even for women."""
    return int(number[16]) % 2 == 1


def is_residence_permit(number: str) -> bool:
    return number[:6] in (HONG_KONG_PERMIT_PREFIX, MACAU_PERMIT_PREFIX, TAIWAN_PERMIT_PREFIX)
