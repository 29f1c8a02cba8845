"""Typed records for the three cards a second-generation reader reads (DOMAIN.md sections 2-3).

The 256-byte text block is UCS-2 little-endian, space padded, at fixed offsets. The three
kinds share the block size and the position of the card-type flag (bytes 248-249): "I" is
the foreign permanent-resident card of 2017, "Y" its 2023 edition, "J" the Hong Kong/Macau/
Taiwan residence permit, and a blank flag (a space on real cards) the resident ID card. Parsing is strict: a field
that is not what the card format promises (a date that is not a date, an ID number with a
wrong check digit) raises IdCardError, because a half-read card must never fill a form.

Records print masked (`repr`, `summary()`): they travel through logs and terminals.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar, Self

from core.privacy import mask_id_number, mask_name
from devices.idcard.contract import MSG_READ_FAILED, MSG_UNRECOGNISED_CARD, IdCardError
from devices.idcard.protocol import TEXT_SIZE

TEXT_ENCODING = "utf-16-le"  # UCS-2 LE on the card; no card character needs a surrogate pair
PAD = " "
LONG_TERM = "长期"  # "valid to" of cards that never expire (holders aged 46 and over)
TYPE_FLAG = slice(248, 250)


class CardKind(enum.Enum):
    RESIDENT_ID = "resident"
    RESIDENCE_PERMIT = "J"  # Hong Kong / Macau / Taiwan residents
    FOREIGN_PERMANENT = "I"  # foreigners' permanent-residence ID card (2017 edition)
    FOREIGN_PERMANENT_2023 = "Y"  # its 2023 edition: an 18-digit number starting with 9


class Sex(enum.Enum):
    """GB/T 2261.1 codes; cards carry 1 or 2."""

    UNKNOWN = "0"
    MALE = "1"
    FEMALE = "2"
    UNSPECIFIED = "9"

    @property
    def label_zh(self) -> str:
        return {"0": "未知", "1": "男", "2": "女", "9": "未说明"}[self.value]


@dataclass(frozen=True)
class Ethnicity:
    """A GB 3304 code with its Chinese name and the standard's romanisation."""

    code: str
    name_zh: str
    name_en: str

    @property
    def printed(self) -> str:
        """As the card face prints it: the name without 族 ("汉"), full name for 97/98."""
        return self.name_zh.removesuffix("族") if int(self.code) <= LAST_ETHNIC_GROUP_CODE else self.name_zh


LAST_ETHNIC_GROUP_CODE = 56  # 01..56 are the 56 groups; 97 and 98 are not group names

ETHNICITIES: dict[str, Ethnicity] = {e.code: e for e in (
    Ethnicity("01", "汉族", "Han"), Ethnicity("02", "蒙古族", "Mongol"),
    Ethnicity("03", "回族", "Hui"), Ethnicity("04", "藏族", "Zang"),
    Ethnicity("05", "维吾尔族", "Uygur"), Ethnicity("06", "苗族", "Miao"),
    Ethnicity("07", "彝族", "Yi"), Ethnicity("08", "壮族", "Zhuang"),
    Ethnicity("09", "布依族", "Buyei"), Ethnicity("10", "朝鲜族", "Chosen"),
    Ethnicity("11", "满族", "Man"), Ethnicity("12", "侗族", "Dong"),
    Ethnicity("13", "瑶族", "Yao"), Ethnicity("14", "白族", "Bai"),
    Ethnicity("15", "土家族", "Tujia"), Ethnicity("16", "哈尼族", "Hani"),
    Ethnicity("17", "哈萨克族", "Kazak"), Ethnicity("18", "傣族", "Dai"),
    Ethnicity("19", "黎族", "Li"), Ethnicity("20", "傈僳族", "Lisu"),
    Ethnicity("21", "佤族", "Va"), Ethnicity("22", "畲族", "She"),
    Ethnicity("23", "高山族", "Gaoshan"), Ethnicity("24", "拉祜族", "Lahu"),
    Ethnicity("25", "水族", "Sui"), Ethnicity("26", "东乡族", "Dongxiang"),
    Ethnicity("27", "纳西族", "Naxi"), Ethnicity("28", "景颇族", "Jingpo"),
    Ethnicity("29", "柯尔克孜族", "Kirgiz"), Ethnicity("30", "土族", "Tu"),
    Ethnicity("31", "达斡尔族", "Daur"), Ethnicity("32", "仫佬族", "Mulao"),
    Ethnicity("33", "羌族", "Qiang"), Ethnicity("34", "布朗族", "Blang"),
    Ethnicity("35", "撒拉族", "Salar"), Ethnicity("36", "毛南族", "Maonan"),
    Ethnicity("37", "仡佬族", "Gelao"), Ethnicity("38", "锡伯族", "Xibe"),
    Ethnicity("39", "阿昌族", "Achang"), Ethnicity("40", "普米族", "Pumi"),
    Ethnicity("41", "塔吉克族", "Tajik"), Ethnicity("42", "怒族", "Nu"),
    Ethnicity("43", "乌孜别克族", "Uzbek"), Ethnicity("44", "俄罗斯族", "Russ"),
    Ethnicity("45", "鄂温克族", "Ewenki"), Ethnicity("46", "德昂族", "Deang"),
    Ethnicity("47", "保安族", "Bonan"), Ethnicity("48", "裕固族", "Yugur"),
    Ethnicity("49", "京族", "Gin"), Ethnicity("50", "塔塔尔族", "Tatar"),
    Ethnicity("51", "独龙族", "Derung"), Ethnicity("52", "鄂伦春族", "Oroqen"),
    Ethnicity("53", "赫哲族", "Hezhen"), Ethnicity("54", "门巴族", "Monba"),
    Ethnicity("55", "珞巴族", "Lhoba"), Ethnicity("56", "基诺族", "Jino"),
    Ethnicity("97", "其他", "Other"), Ethnicity("98", "外国血统中国籍人士", "Foreign origin"),
)}


# ---- ID numbers (GB 11643-1999, ISO 7064 MOD 11-2) ------------------------------------------

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID (or residence-permit) number."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("an ID number's first 17 characters must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def is_valid_id_number(number: str) -> bool:
    """True for an 18-character number whose check digit matches (a lower-case x is accepted)."""
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        return False
    return id_check_digit(number[:17]) == number[17].upper()


# ---- records -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Validity:
    start: date
    end: date | None  # None: long-term ("长期")

    @property
    def long_term(self) -> bool:
        return self.end is None

    def valid_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class CardPhoto:
    """The chip's photo: always the raw WLT bytes; a BMP only when a vendor decoder is configured."""

    wlt: bytes
    bmp: bytes | None = None


class _Card(abc.ABC):
    """What every card record offers flows, whatever its kind."""

    kind: ClassVar[CardKind]
    photo: CardPhoto
    fingerprints: tuple[bytes, ...]

    @property
    @abc.abstractmethod
    def display_name(self) -> str:
        """The name to greet the holder with."""

    @property
    @abc.abstractmethod
    def document_number(self) -> str:
        """The number that identifies the holder to the back end."""

    def with_photo_bmp(self, bmp: bytes | None) -> Self:
        return replace(self, photo=CardPhoto(self.photo.wlt, bmp))  # type: ignore[type-var]

    @abc.abstractmethod
    def summary(self, show_pii: bool = False) -> dict[str, str]:
        """Printable fields, masked unless `show_pii` (for the technician CLI and reports)."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.summary(show_pii=False).items())
        return f"{type(self).__name__}({fields})"


@dataclass(frozen=True, repr=False)
class ResidentIdCard(_Card):
    kind: ClassVar[CardKind] = CardKind.RESIDENT_ID
    name: str
    sex: Sex
    ethnicity: Ethnicity
    birth_date: date
    address: str
    id_number: str
    issuing_authority: str
    validity: Validity
    photo: CardPhoto
    fingerprints: tuple[bytes, ...] = ()
    appended_address: str | None = None  # newest address added on the chip after issue (30 03)

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def document_number(self) -> str:
        return self.id_number

    def summary(self, show_pii: bool = False) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "name": _pii(self.name, show_pii, mask_name),
            "sex": self.sex.label_zh,
            "ethnicity": self.ethnicity.printed,
            "birth_date": _date_pii(self.birth_date, show_pii),
            "address": _pii(self.address, show_pii, mask_address),
            **({"appended_address": _pii(self.appended_address, show_pii, mask_address)}
               if self.appended_address else {}),
            "id_number": _pii(self.id_number, show_pii, mask_id_number),
            "issuing_authority": self.issuing_authority,
            **_validity_summary(self.validity),
            **_photo_summary(self),
        }


@dataclass(frozen=True, repr=False)
class ResidencePermitCard(_Card):
    """港澳台居民居住证: a resident-card layout plus the travel-permit number and issue count."""

    kind: ClassVar[CardKind] = CardKind.RESIDENCE_PERMIT
    name: str
    sex: Sex
    birth_date: date
    address: str
    id_number: str  # 18 characters, starting 810000 (HK), 820000 (Macau) or 830000 (Taiwan)
    issuing_authority: str
    validity: Validity
    permit_number: str  # the holder's HK/Macau or Taiwan travel permit
    issue_count: int
    photo: CardPhoto
    fingerprints: tuple[bytes, ...] = ()

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def document_number(self) -> str:
        return self.id_number

    def summary(self, show_pii: bool = False) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "name": _pii(self.name, show_pii, mask_name),
            "sex": self.sex.label_zh,
            "birth_date": _date_pii(self.birth_date, show_pii),
            "address": _pii(self.address, show_pii, mask_address),
            "id_number": _pii(self.id_number, show_pii, mask_id_number),
            "permit_number": _pii(self.permit_number, show_pii, mask_document_number),
            "issue_count": str(self.issue_count),
            "issuing_authority": self.issuing_authority,
            **_validity_summary(self.validity),
            **_photo_summary(self),
        }


@dataclass(frozen=True, repr=False)
class ForeignPermanentResidentCard(_Card):
    """外国人永久居留身份证 (2017 layout): English and Chinese names, ISO 3166 nationality."""

    kind: ClassVar[CardKind] = CardKind.FOREIGN_PERMANENT
    english_name: str
    chinese_name: str
    sex: Sex
    card_number: str  # 15 characters: nationality, area code, birth date, sequence, check
    nationality: str  # ISO 3166-1 alpha-3
    birth_date: date
    validity: Validity
    card_version: str
    authority_code: str  # the accepting authority's code
    photo: CardPhoto
    fingerprints: tuple[bytes, ...] = ()

    @property
    def display_name(self) -> str:
        return self.chinese_name or self.english_name

    @property
    def document_number(self) -> str:
        return self.card_number

    def summary(self, show_pii: bool = False) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "english_name": _pii(self.english_name, show_pii, mask_name),
            "chinese_name": _pii(self.chinese_name, show_pii, mask_name),
            "sex": self.sex.label_zh,
            "nationality": self.nationality,
            "birth_date": _date_pii(self.birth_date, show_pii),
            "card_number": _pii(self.card_number, show_pii, mask_id_number),
            "card_version": self.card_version,
            "authority_code": self.authority_code,
            **_validity_summary(self.validity),
            **_photo_summary(self),
        }


@dataclass(frozen=True, repr=False)
class ForeignPermanentResident2023Card(_Card):
    """外国人永久居留身份证, 2023 edition (issued from 2023-12-01; type flag "Y").

    Laid out like the resident card: Chinese name, sex, renewal count, birth date, English
    name (35 characters where the resident card has its address, 11 more at bytes 220-241),
    the 18-character number where the resident card has its ID number, the validity, the
    numeric GB/T 2659 country code, and a 3-character link to the holder's 2017-edition number.
    The number is 9, the province of first issue (2), the country code (3), the birth date
    (8), a sequence (3) and a GB 11643 check character.
    """

    kind: ClassVar[CardKind] = CardKind.FOREIGN_PERMANENT_2023
    chinese_name: str
    english_name: str  # up to 46 characters, stored as 35 + 11
    sex: Sex
    card_number: str
    nationality: str  # GB/T 2659 (ISO 3166-1) numeric code, e.g. "840"
    birth_date: date
    validity: Validity
    renewal_count: int
    previous_number_link: str  # blank on a first card
    photo: CardPhoto
    fingerprints: tuple[bytes, ...] = ()

    @property
    def display_name(self) -> str:
        return self.chinese_name or self.english_name

    @property
    def document_number(self) -> str:
        return self.card_number

    def summary(self, show_pii: bool = False) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "english_name": _pii(self.english_name, show_pii, mask_name),
            "chinese_name": _pii(self.chinese_name, show_pii, mask_name),
            "sex": self.sex.label_zh,
            "nationality": self.nationality,
            "birth_date": _date_pii(self.birth_date, show_pii),
            "card_number": _pii(self.card_number, show_pii, mask_id_number),
            "renewal_count": str(self.renewal_count),
            **({"previous_number_link": self.previous_number_link} if self.previous_number_link else {}),
            **_validity_summary(self.validity),
            **_photo_summary(self),
        }


IdCardRecord = ResidentIdCard | ResidencePermitCard | ForeignPermanentResidentCard | ForeignPermanentResident2023Card


def mask_address(address: str) -> str:
    """Keep the first 6 characters (province and city), hide the rest."""
    return address[:6] + "*" * max(len(address) - 6, 0)


def mask_document_number(number: str) -> str:
    """Keep the first and last 2 characters of a short document number."""
    return number[:1] + "*" * max(len(number) - 3, 0) + number[-2:] if len(number) > 3 else "*" * len(number)


# ---- text block layouts: (field, first byte, byte width) ------------------------------------

RESIDENT_LAYOUT = (
    ("name", 0, 30), ("sex", 30, 2), ("ethnicity", 32, 4), ("birth_date", 36, 16),
    ("address", 52, 70), ("id_number", 122, 36), ("issuing_authority", 158, 30),
    ("valid_from", 188, 16), ("valid_to", 204, 16),
)
RESIDENCE_PERMIT_LAYOUT = (
    ("name", 0, 30), ("sex", 30, 2), ("birth_date", 36, 16),
    ("address", 52, 70), ("id_number", 122, 36), ("issuing_authority", 158, 30),
    ("valid_from", 188, 16), ("valid_to", 204, 16),
    ("permit_number", 220, 18), ("issue_count", 238, 4), ("type", 248, 2),
)
FOREIGN_LAYOUT = (
    ("english_name", 0, 120), ("sex", 120, 2), ("card_number", 122, 30),
    ("nationality", 152, 6), ("chinese_name", 158, 30), ("valid_from", 188, 16),
    ("valid_to", 204, 16), ("birth_date", 220, 16), ("card_version", 236, 4),
    ("authority_code", 240, 8), ("type", 248, 2),
)
# The 2023 edition (type "Y"). Offsets as two reader vendors' published SDK samples read them
# (they agree field for field); the national rule's own table could not be consulted. The
# number's form (9, 17 digits, MOD 11-2) is the National Immigration Administration's.
FOREIGN_2023_LAYOUT = (
    ("chinese_name", 0, 30), ("sex", 30, 2), ("renewal_count", 32, 4), ("birth_date", 36, 16),
    ("english_name", 52, 70), ("card_number", 122, 36), ("valid_from", 188, 16),
    ("valid_to", 204, 16), ("english_name_more", 220, 22), ("nationality", 242, 6),
    ("type", 248, 2), ("previous_number_link", 250, 6),
)
ENGLISH_NAME_FIRST_PART = 35  # characters at bytes 52-121; the rest (up to 11) at 220-241


def card_kind(text: bytes) -> CardKind:
    """Which card the text block belongs to, from its type flag."""
    _expect_text_size(text)
    flag = _decode(text[TYPE_FLAG], "type flag")
    for kind in (CardKind.RESIDENCE_PERMIT, CardKind.FOREIGN_PERMANENT, CardKind.FOREIGN_PERMANENT_2023):
        if flag == kind.value:
            return kind
    if flag == "":
        return CardKind.RESIDENT_ID
    raise IdCardError(MSG_UNRECOGNISED_CARD, f"card type flag {flag!r} is not I, J, Y or blank")


def parse_card(text: bytes, photo: bytes, fingerprints: tuple[bytes, ...] = ()) -> IdCardRecord:
    """The record for one card's text block and WLT photo (photo not decoded here)."""
    kind = card_kind(text)
    if kind is CardKind.RESIDENT_ID:
        return _parse_resident(_fields(text, RESIDENT_LAYOUT), photo, fingerprints)
    if kind is CardKind.RESIDENCE_PERMIT:
        return _parse_residence_permit(_fields(text, RESIDENCE_PERMIT_LAYOUT), photo, fingerprints)
    if kind is CardKind.FOREIGN_PERMANENT_2023:
        return _parse_foreign_2023(_fields(text, FOREIGN_2023_LAYOUT), photo, fingerprints)
    return _parse_foreign(_fields(text, FOREIGN_LAYOUT), photo, fingerprints)


def decode_appended_address(block: bytes) -> str | None:
    """The newest appended address (30 03 answer), or None when the block is blank."""
    return _decode(block, "appended address") or None


def encode_card(record: IdCardRecord) -> bytes:
    """The text block a card carries for `record`; the simulator answers with it.

    Raises ValueError when a value does not fit its field (a technician's typo, not a device fault).
    """
    if isinstance(record, ResidentIdCard):
        values = {"name": record.name, "sex": record.sex.value, "ethnicity": record.ethnicity.code,
                  "birth_date": _date_text(record.birth_date), "address": record.address,
                  "id_number": record.id_number, "issuing_authority": record.issuing_authority,
                  **_validity_text(record.validity)}
        return _encode(values, RESIDENT_LAYOUT)
    if isinstance(record, ResidencePermitCard):
        values = {"name": record.name, "sex": record.sex.value,
                  "birth_date": _date_text(record.birth_date), "address": record.address,
                  "id_number": record.id_number, "issuing_authority": record.issuing_authority,
                  **_validity_text(record.validity), "permit_number": record.permit_number,
                  "issue_count": f"{record.issue_count:02d}", "type": CardKind.RESIDENCE_PERMIT.value}
        return _encode(values, RESIDENCE_PERMIT_LAYOUT)
    if isinstance(record, ForeignPermanentResident2023Card):
        values = {"chinese_name": record.chinese_name, "sex": record.sex.value,
                  "renewal_count": f"{record.renewal_count:02d}", "birth_date": _date_text(record.birth_date),
                  "english_name": record.english_name[:ENGLISH_NAME_FIRST_PART],
                  "english_name_more": record.english_name[ENGLISH_NAME_FIRST_PART:],
                  "card_number": record.card_number, **_validity_text(record.validity),
                  "nationality": record.nationality, "type": CardKind.FOREIGN_PERMANENT_2023.value,
                  "previous_number_link": record.previous_number_link}
        return _encode(values, FOREIGN_2023_LAYOUT)
    values = {"english_name": record.english_name, "chinese_name": record.chinese_name,
              "sex": record.sex.value, "card_number": record.card_number,
              "nationality": record.nationality, "birth_date": _date_text(record.birth_date),
              **_validity_text(record.validity), "card_version": record.card_version,
              "authority_code": record.authority_code, "type": CardKind.FOREIGN_PERMANENT.value}
    return _encode(values, FOREIGN_LAYOUT)


def encode_appended_address(address: str | None) -> bytes:
    return _encode({"address": address or ""}, (("address", 0, 70),), size=70)


# ---- parsing helpers ---------------------------------------------------------------------------

def _parse_resident(f: dict[str, str], photo: bytes, fingerprints: tuple[bytes, ...]) -> ResidentIdCard:
    return ResidentIdCard(
        name=_required(f, "name"), sex=_sex(f["sex"]), ethnicity=_ethnicity(f["ethnicity"]),
        birth_date=_date(f["birth_date"], "birth date"), address=_required(f, "address"),
        id_number=_id_number(f["id_number"]), issuing_authority=_required(f, "issuing_authority"),
        validity=_validity(f), photo=CardPhoto(photo), fingerprints=fingerprints)


def _parse_residence_permit(f: dict[str, str], photo: bytes,
                            fingerprints: tuple[bytes, ...]) -> ResidencePermitCard:
    return ResidencePermitCard(
        name=_required(f, "name"), sex=_sex(f["sex"]), birth_date=_date(f["birth_date"], "birth date"),
        address=_required(f, "address"), id_number=_id_number(f["id_number"]),
        issuing_authority=_required(f, "issuing_authority"), validity=_validity(f),
        permit_number=_required(f, "permit_number"), issue_count=_count(f["issue_count"]),
        photo=CardPhoto(photo), fingerprints=fingerprints)


def _parse_foreign(f: dict[str, str], photo: bytes,
                   fingerprints: tuple[bytes, ...]) -> ForeignPermanentResidentCard:
    return ForeignPermanentResidentCard(
        english_name=_required(f, "english_name"), chinese_name=f["chinese_name"], sex=_sex(f["sex"]),
        card_number=_foreign_card_number(f["card_number"]), nationality=_nationality(f["nationality"]),
        birth_date=_date(f["birth_date"], "birth date"), validity=_validity(f),
        card_version=f["card_version"], authority_code=f["authority_code"],
        photo=CardPhoto(photo), fingerprints=fingerprints)


def _parse_foreign_2023(f: dict[str, str], photo: bytes,
                        fingerprints: tuple[bytes, ...]) -> ForeignPermanentResident2023Card:
    # The first part is space padded to its 35 characters when the name goes on at byte 220.
    first = f["english_name"]
    english = (first.ljust(ENGLISH_NAME_FIRST_PART) + f["english_name_more"]) if f["english_name_more"] else first
    if not english.strip():
        raise IdCardError(MSG_READ_FAILED, "english_name is empty")
    return ForeignPermanentResident2023Card(
        chinese_name=f["chinese_name"], english_name=english, sex=_sex(f["sex"]),
        card_number=_foreign_2023_card_number(f["card_number"]),
        nationality=_numeric_nationality(f["nationality"]), birth_date=_date(f["birth_date"], "birth date"),
        validity=_validity(f), renewal_count=_count(f["renewal_count"], "renewal count"),
        previous_number_link=f["previous_number_link"], photo=CardPhoto(photo), fingerprints=fingerprints)


def _fields(text: bytes, layout: tuple[tuple[str, int, int], ...]) -> dict[str, str]:
    return {name: _decode(text[start:start + width], name) for name, start, width in layout}


def _decode(raw: bytes, what: str) -> str:
    try:
        value = raw.decode(TEXT_ENCODING)
    except UnicodeDecodeError:
        raise IdCardError(MSG_READ_FAILED, f"{what}: not UCS-2 text") from None
    return value.rstrip(PAD + "\x00")


def _encode(values: dict[str, str], layout: tuple[tuple[str, int, int], ...], size: int = TEXT_SIZE) -> bytes:
    block = bytearray(PAD.encode(TEXT_ENCODING) * (size // 2))
    for name, start, width in layout:
        raw = values.get(name, "").encode(TEXT_ENCODING)
        if len(raw) > width:
            raise ValueError(f"{name} is longer than its {width // 2} characters")
        block[start:start + len(raw)] = raw
    return bytes(block)


def _expect_text_size(text: bytes) -> None:
    if len(text) != TEXT_SIZE:
        raise IdCardError(MSG_READ_FAILED, f"text block of {len(text)} bytes, expected {TEXT_SIZE}")


def _required(fields: dict[str, str], name: str) -> str:
    if not fields[name]:
        raise IdCardError(MSG_READ_FAILED, f"{name} is empty")
    return fields[name]


def _sex(code: str) -> Sex:
    try:
        return Sex(code)
    except ValueError:
        raise IdCardError(MSG_READ_FAILED, f"sex code {code!r} is not defined") from None


def _ethnicity(code: str) -> Ethnicity:
    try:
        return ETHNICITIES[code]
    except KeyError:
        raise IdCardError(MSG_READ_FAILED, f"ethnicity code {code!r} is not in GB 3304") from None


def _date(text: str, what: str) -> date:
    if len(text) != 8 or not text.isdigit() or not text.isascii():
        raise IdCardError(MSG_READ_FAILED, f"{what} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise IdCardError(MSG_READ_FAILED, f"{what} is not a calendar date") from None


def _validity(fields: dict[str, str]) -> Validity:
    start = _date(fields["valid_from"], "valid-from date")
    if fields["valid_to"] == LONG_TERM:
        return Validity(start, None)
    end = _date(fields["valid_to"], "valid-to date")
    if end < start:
        raise IdCardError(MSG_READ_FAILED, "valid-to date precedes valid-from date")
    return Validity(start, end)


def _id_number(text: str) -> str:
    if not is_valid_id_number(text):
        raise IdCardError(MSG_READ_FAILED, "ID number has a wrong format or check digit")
    return text.upper()


def _foreign_card_number(text: str) -> str:
    if len(text) != 15 or not text.isascii() or not text.isalnum():
        raise IdCardError(MSG_READ_FAILED, "permanent-residence card number is not 15 letters and digits")
    return text


def _foreign_2023_card_number(text: str) -> str:
    if not text.startswith("9") or not is_valid_id_number(text):
        raise IdCardError(MSG_READ_FAILED, "2023 permanent-residence card number is not 9 + 16 digits + check character")
    return text.upper()


def _numeric_nationality(text: str) -> str:
    if len(text) != 3 or not text.isdigit() or not text.isascii():
        raise IdCardError(MSG_READ_FAILED, "nationality is not a 3-digit country code")
    return text


def _nationality(text: str) -> str:
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        raise IdCardError(MSG_READ_FAILED, "nationality is not a 3-letter code")
    return text


def _count(text: str, what: str = "issue count") -> int:
    if not text.isdigit() or not text.isascii():
        raise IdCardError(MSG_READ_FAILED, f"{what} is not a number")
    return int(text)


def _date_text(day: date) -> str:
    return day.strftime("%Y%m%d")


def _validity_text(validity: Validity) -> dict[str, str]:
    return {"valid_from": _date_text(validity.start),
            "valid_to": LONG_TERM if validity.end is None else _date_text(validity.end)}


# ---- summary helpers ---------------------------------------------------------------------------

def _pii(value: str, show: bool, mask: Callable[[str], str]) -> str:
    return value if show else mask(value)


def _date_pii(day: date, show: bool) -> str:
    return day.isoformat() if show else f"{day.year}-**-**"


def _validity_summary(validity: Validity) -> dict[str, str]:
    return {"valid_from": validity.start.isoformat(),
            "valid_to": LONG_TERM if validity.end is None else validity.end.isoformat()}


def _photo_summary(card: _Card) -> dict[str, str]:
    decoded = "decoded BMP" if card.photo.bmp else "not decoded"
    summary = {"photo": f"{len(card.photo.wlt)} bytes WLT, {decoded}"}
    if card.fingerprints:
        summary["fingerprints"] = str(len(card.fingerprints))
    return summary
