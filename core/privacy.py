"""Masking personal data before it reaches a log, a report or a terminal.

Rules (the hall's): ID numbers keep the first 6 and last 2 characters, names keep the
surname, phone numbers keep the last 4. Free text is scanned for ID, permit and phone
numbers; names cannot be recognised in free text, so the session registers the names it
holds (`PersonalData.remember_name`) and the log filter masks those wherever they appear.
"""

from __future__ import annotations

import logging
import re
import threading

# 18-character resident ID / residence-permit numbers, and the older 15-digit ones.
# ASCII digits only ([0-9], not \d: other scripts' digits are not ID numbers).
# Lookarounds keep longer digit runs (timestamps, order numbers) from matching in part;
# letters around a number do not protect it ("id11010519491231002Xok" is still masked).
ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
# Mainland mobile numbers, optionally with +86.
PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9]{9})(?![0-9])")
# Electronic HK/Macau permit numbers: C + 8 digits, or C + letter (not I/O) + 7 digits.
PERMIT_NUMBER = re.compile(r"(?<![0-9A-Za-z])(C(?:[0-9]{8}|[A-HJ-NP-Z][0-9]{7}))(?![0-9A-Za-z])")
# Mainland vehicle plates (GA 36): province character, issuing-office letter, 5 characters
# (6 for new-energy vehicles), optionally written with a middle dot: 湘A12345, 湘A·D12345.
PLATE_NUMBER = re.compile(r"(?<![0-9A-Za-z])([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
                          r"[A-HJ-NP-Z])[·• ]?([A-HJ-NP-Z0-9]{5,6})(?![0-9A-Za-z])")
# Bank card numbers (PANs) in free text: 16-19 digit runs passing the Luhn check (16 and 19
# are UnionPay's lengths; 18-digit runs are taken as ID numbers first). The Luhn check keeps
# most order numbers and timestamps readable.
CARD_NUMBER = re.compile(r"(?<![0-9])([0-9]{16,19})(?![0-9])")
# Compound surnames that keep two characters.
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "令狐", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台",
})


def mask_id_number(number: str) -> str:
    """`11010519491231002X` -> `110105**********2X`."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 8) + number[-2:]


def mask_phone(phone: str) -> str:
    """Keep the last 4 digits: `13812345678` -> `*******5678`."""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_permit_number(number: str) -> str:
    """Keep the letter series and the last 2 characters: `C12345678` -> `C******78`."""
    return number[0] + "*" * (len(number) - 3) + number[-2:]


def mask_plate(plate: str) -> str:
    """Keep the province and office letter: `湘A12345` -> `湘A*****`."""
    found = PLATE_NUMBER.fullmatch(plate.strip())
    if found is None:
        return plate[:1] + "*" * (len(plate) - 1)
    return found.group(1) + "*" * len(found.group(2))


def luhn_valid(digits: str) -> bool:
    """The check digit of bank card numbers (ISO/IEC 7812)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return bool(digits) and total % 10 == 0


def mask_card_number(pan: str) -> str:
    """Keep the first 6 (the issuer) and the last 4, as receipts print it (PCI DSS 3.3):
    `6222021234567890128` -> `622202*********0128`."""
    digits = "".join(c for c in pan if c.isdigit())
    if len(digits) <= 10:
        return "*" * len(digits)
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_name(name: str) -> str:
    """Keep the surname: `张三丰` -> `张**`, `欧阳娜娜` -> `欧阳**`, `ZHANG SANFENG` -> `ZHANG *******`."""
    name = name.strip()
    if not name:
        return name
    if " " in name or name.isascii():
        surname, _, rest = name.partition(" ")
        return surname + (" " + "*" * len(rest) if rest else "")
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "*" * (len(name) - keep)


def mask_text(text: str, names: frozenset[str] = frozenset()) -> str:
    """Mask every ID, permit, plate and phone number in free text, and every name in `names`."""
    for name in sorted(names, key=len, reverse=True):
        if name and name in text:
            text = text.replace(name, mask_name(name))
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)
    text = CARD_NUMBER.sub(lambda m: mask_card_number(m.group(1)) if luhn_valid(m.group(1)) else m.group(1), text)
    text = PERMIT_NUMBER.sub(lambda m: mask_permit_number(m.group(1)), text)
    text = PLATE_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)
    return PHONE.sub(lambda m: mask_phone(m.group(1)), text)


class KnownNames:
    """Names of the people the current session holds, so the log filter can mask them."""

    def __init__(self) -> None:
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *names: str) -> None:
        with self._lock:
            self._names.update(n.strip() for n in names if n and n.strip())

    def clear(self) -> None:
        with self._lock:
            self._names.clear()

    def snapshot(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._names)


KNOWN_NAMES = KnownNames()


class PersonalDataFilter(logging.Filter):
    """Rewrites every record's message with personal data masked. Attach it to handlers,
    so records from every logger (Kivy's, zeep's, ours) pass through it."""

    def __init__(self, names: KnownNames = KNOWN_NAMES) -> None:
        super().__init__()
        self._names = names

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = mask_text(message, self._names.snapshot())
        record.args = None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self._names.snapshot())
        return True
