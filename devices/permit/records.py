"""Typed records of the electronic HK/Macau travel permit: the card and its endorsements.

Constructors validate, so a record that exists is a record the protocol can carry and the
chip can hold; a value that breaks a rule raises ValueError (the protocol's decoder turns
that into PermitError, the one error its callers see).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from core.privacy import mask_name, mask_permit_number

# C + 8 digits (first series), or C + a letter other than I/O + 7 digits (from CA0000001).
PERMIT_NUMBER = re.compile(r"C(?:[0-9]{8}|[A-HJ-NP-Z][0-9]{7})")
PINYIN_NAME = re.compile(r"[A-Z][A-Z ,\-]*")
OFFICE_CODE = re.compile(r"[0-9]{6}")
# Endorsement records a permit chip holds (DOMAIN.md section 4).
CHIP_CAPACITY = 255
MAX_NAME_BYTES = 64
RECORD_ID_MAX = 0xFFFF_FFFF


def is_valid_permit_number(number: str) -> bool:
    return PERMIT_NUMBER.fullmatch(number) is not None


class Destination(enum.Enum):
    HONG_KONG = "HK"
    MACAU = "MO"


class EndorsementType(enum.Enum):
    INDIVIDUAL_VISIT = "G"
    GROUP_TOUR = "L"
    FAMILY_VISIT = "T"
    BUSINESS = "S"
    OTHER = "Q"
    STAY = "D"


class Trips(enum.Enum):
    ONE = "1"
    TWO = "2"
    MULTIPLE = "M"


class Sex(enum.Enum):
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class Endorsement:
    """One endorsement record as the chip stores it. Eligibility rules (which types and trips
    a citizen may get) are the back end's; this checks only what the chip format requires."""

    record_id: int
    destination: Destination
    type: EndorsementType
    trips: Trips
    valid_from: dt.date
    valid_until: dt.date
    issuing_office: str

    def __post_init__(self) -> None:
        if not 0 < self.record_id <= RECORD_ID_MAX:
            raise ValueError(f"record id {self.record_id} is not a non-zero 32-bit number")
        if self.valid_until < self.valid_from:
            raise ValueError("validity ends before it starts")
        if OFFICE_CODE.fullmatch(self.issuing_office) is None:
            raise ValueError(f"issuing office {self.issuing_office!r} is not 6 digits")

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def summary(self) -> str:
        """One line for a technician: no personal data in an endorsement record."""
        return (f"#{self.record_id} {self.destination.value} {self.type.value} "
                f"trips={self.trips.value} {self.valid_from.isoformat()}..{self.valid_until.isoformat()} "
                f"office={self.issuing_office}")


@dataclass(frozen=True)
class PermitCard:
    """The personal data and endorsement records read from a permit's chip, oldest record first."""

    permit_number: str
    card_serial: str  # the chip's unique id, upper-case hex
    name_zh: str
    name_pinyin: str
    sex: Sex
    birth_date: dt.date
    expiry_date: dt.date
    endorsements: tuple[Endorsement, ...] = field(default=())

    def __post_init__(self) -> None:
        if not is_valid_permit_number(self.permit_number):
            raise ValueError("permit number is not C + 8 digits or C + letter + 7 digits")
        if re.fullmatch(r"[0-9A-F]{16}", self.card_serial) is None:
            raise ValueError("card serial is not 8 bytes of hex")
        if len(self.name_zh.encode("utf-8")) > MAX_NAME_BYTES:
            raise ValueError("Chinese name too long for the chip")
        if len(self.name_pinyin) > MAX_NAME_BYTES or PINYIN_NAME.fullmatch(self.name_pinyin) is None:
            raise ValueError("pinyin name must be capital letters, spaces, commas or hyphens")
        if len(self.endorsements) > CHIP_CAPACITY:
            raise ValueError(f"more than {CHIP_CAPACITY} endorsement records")
        if self.expiry_date < self.birth_date:
            raise ValueError("expiry before birth")

    def is_expired(self, today: dt.date) -> bool:
        return today > self.expiry_date

    @property
    def records_free(self) -> int:
        return CHIP_CAPACITY - len(self.endorsements)

    @property
    def newest_endorsement(self) -> Endorsement | None:
        return self.endorsements[-1] if self.endorsements else None

    def find_endorsement(self, record_id: int) -> Endorsement | None:
        """The record with `record_id`, e.g. to check after `card_removed` whether a write landed."""
        return next((e for e in self.endorsements if e.record_id == record_id), None)

    def masked_summary(self) -> str:
        """One line safe for the log."""
        return (f"permit {mask_permit_number(self.permit_number)} {mask_name(self.name_pinyin)} "
                f"expires {self.expiry_date.isoformat()} records={len(self.endorsements)}")
