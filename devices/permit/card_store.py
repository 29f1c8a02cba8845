"""The simulated permit cards and which one is in the slot, kept in a JSON file.

The simulator's cards live on disk so that an endorsement written in one run is still on the
"chip" after the kiosk restarts, as it would be on a real card. The first start seeds a few
demo cards (one of them expired), none of them in the slot: a card is there only once the
citizen (the simulation panel, a test) inserts one. Writes replace the file atomically, so a crash mid-save
never leaves a half-written file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from devices.permit.records import CHIP_CAPACITY, Destination, Endorsement, EndorsementType, PermitCard, Sex, Trips

log = logging.getLogger(__name__)

# 2: the demo chips name the reference back end's holders (the chip holder check needs them to);
# 3: the residence-permit holder's card (CH8901234);
# 4: no card in the slot at the first start (issue 22: a card already there let the kiosk pass
#    the "insert your permit" step with someone else's card).
STORE_VERSION = 4
# The card in the slot when the simulator starts for the first time: none, until one is inserted.
FIRST_INSERTED: str | None = None
# Record ids the chip-full control uses for its filler records (old, expired endorsements).
FILLER_RECORD_ID_BASE = 0xF000_0000


def _endorsement(record_id: int, destination: str, kind: str, trips: str, start: str, end: str,
                 office: str = "440300") -> Endorsement:
    return Endorsement(record_id, Destination(destination), EndorsementType(kind), Trips(trips),
                       dt.date.fromisoformat(start), dt.date.fromisoformat(end), office)


def demo_cards() -> list[PermitCard]:
    """The permits of the reference back end's demo people (backend/seed.py PERMITS), each chip
    naming its holder exactly as their ID card does (name, sex, birth date), so the kiosk's
    holder check passes for them; plus cards no back end record explains.

    Kept by hand (devices may not import the back end); tests/flows/test_permit_holder.py
    checks them against backend/seed.py. Deliberate exceptions: CG7890123, whose chip names
    another holder than the person the back end links it to (`permit_other_holder`: refused
    before payment); C87654321, an older expired card of 王芳's; CB7654321, a child's card of
    nobody in the back end. Endorsement records end the day before the same date months later
    (backend/rules/endorsements.py endorsement_end)."""
    return [
        PermitCard("C12345678", "04A1B2C3D4E5F601", "欧阳秀英", "OUYANG XIUYING", Sex.FEMALE,
                   dt.date(1956, 11, 2), dt.date(2030, 8, 19), (
                       _endorsement(1001, "HK", "G", "1", "2023-04-01", "2023-06-30"),
                       _endorsement(1002, "MO", "L", "1", "2024-02-10", "2024-05-09", "440100"),
                   )),
        PermitCard("CA1234567", "04A1B2C3D4E5F602", "张伟", "ZHANG WEI", Sex.MALE,
                   dt.date(1985, 3, 12), dt.date(2032, 5, 9)),
        PermitCard("C87654321", "04A1B2C3D4E5F603", "王芳", "WANG FANG", Sex.FEMALE,
                   dt.date(1978, 4, 5), dt.date(2020, 8, 1), (
                       _endorsement(1003, "HK", "S", "M", "2019-05-01", "2020-04-30", "110000"),
                   )),
        PermitCard("CB7654321", "04A1B2C3D4E5F604", "欧阳小明", "OUYANG XIAOMING", Sex.MALE,
                   dt.date(2012, 9, 30), dt.date(2027, 10, 1)),
        PermitCard("CB2345678", "04A1B2C3D4E5F605", "阿依古丽·买买提艾力", "AYIGULI MAIMAITIAILI", Sex.FEMALE,
                   dt.date(1992, 8, 20), dt.date(2033, 2, 28)),
        PermitCard("CC3456789", "04A1B2C3D4E5F606", "王芳", "WANG FANG", Sex.FEMALE,
                   dt.date(1978, 4, 5), dt.date(2023, 8, 31)),
        PermitCard("CF6789012", "04A1B2C3D4E5F607", "李建国", "LI JIANGUO", Sex.MALE,
                   dt.date(1970, 7, 1), dt.date(2031, 4, 1)),
        PermitCard("CD4567890", "04A1B2C3D4E5F608", "刘洋", "LIU YANG", Sex.MALE,
                   dt.date(1995, 12, 30), dt.date(2034, 1, 14)),
        PermitCard("CE5678901", "04A1B2C3D4E5F609", "张小明", "ZHANG XIAOMING", Sex.MALE,
                   dt.date(2014, 5, 20), dt.date(2029, 2, 28)),
        PermitCard("CG7890123", "04A1B2C3D4E5F60A", "周强", "ZHOU QIANG", Sex.MALE,
                   dt.date(1986, 1, 20), dt.date(2033, 5, 31)),
        PermitCard("CH8901234", "04A1B2C3D4E5F60B", "陈静", "CHEN JING", Sex.FEMALE,
                   dt.date(1993, 4, 18), dt.date(2033, 8, 31)),
    ]


class CardStore:
    """All simulated cards by permit number, and the one in the slot. Thread-safe."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        # permit number -> id of the record printed on the card face (the newest one written)
        self._face_prints: dict[str, int] = {}
        if path.exists() and _stored_version(path) == STORE_VERSION:
            self._cards, self._inserted, self._face_prints = _load(path)
        else:
            if path.exists():
                log.warning("simulated card store %s is of another version or unreadable: demo cards reseeded", path)
            self._cards = {card.permit_number: card for card in demo_cards()}
            self._inserted = FIRST_INSERTED
            self._save()

    @property
    def path(self) -> Path:
        return self._path

    def inserted(self) -> PermitCard | None:
        with self._lock:
            return self._cards[self._inserted] if self._inserted else None

    def cards(self) -> list[PermitCard]:
        with self._lock:
            return list(self._cards.values())

    def insert(self, permit_number: str) -> None:
        with self._lock:
            if permit_number not in self._cards:
                raise KeyError(f"no simulated card {permit_number}; have {', '.join(self._cards)}")
            self._inserted = permit_number
            self._save()

    def restore_demo_card(self, permit_number: str) -> None:
        """Put a demo card back as it was issued, dropping what was written on it since: a demo
        (or a test) that shows the card's seeded history needs it as seeded."""
        issued = {card.permit_number: card for card in demo_cards()}
        with self._lock:
            self._cards[permit_number] = issued[permit_number]
            self._face_prints.pop(permit_number, None)
            self._save()

    def remove(self) -> None:
        with self._lock:
            self._inserted = None
            self._save()

    def append_endorsement(self, permit_number: str, record: Endorsement) -> int:
        """Commit one record to the card's chip; return how many records it then holds."""
        with self._lock:
            card = self._cards[permit_number]
            self._cards[permit_number] = replace(card, endorsements=(*card.endorsements, record))
            self._save()
            return len(card.endorsements) + 1

    def print_on_face(self, permit_number: str, record_id: int) -> None:
        with self._lock:
            self._face_prints[permit_number] = record_id
            self._save()

    def face_print(self, permit_number: str) -> int | None:
        """Id of the record printed on the card's face, None when the kiosk never printed one."""
        with self._lock:
            return self._face_prints.get(permit_number)

    def fill_chip(self, permit_number: str, leave_free: int = 0) -> None:
        """Top the chip up with old endorsements until only `leave_free` records are free."""
        with self._lock:
            card = self._cards[permit_number]
            missing = max(0, CHIP_CAPACITY - leave_free - len(card.endorsements))
            fillers = tuple(
                _endorsement(FILLER_RECORD_ID_BASE + i, "HK" if i % 2 else "MO", "G", "1",
                             "2015-01-01", "2015-04-01")
                for i in range(missing))
            self._cards[permit_number] = replace(card, endorsements=(*card.endorsements, *fillers))
            self._save()

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps({
            "version": STORE_VERSION,
            "inserted": self._inserted,
            "cards": [_card_to_json(card) for card in self._cards.values()],
            "face_prints": self._face_prints,
        }, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self._path)


def _stored_version(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None


def _load(path: Path) -> tuple[dict[str, PermitCard], str | None, dict[str, int]]:
    content = json.loads(path.read_text(encoding="utf-8"))
    cards = {c["permit_number"]: _card_from_json(c) for c in content["cards"]}
    inserted = content["inserted"]
    return cards, inserted if inserted in cards else None, dict(content.get("face_prints", {}))


def _card_to_json(card: PermitCard) -> dict[str, Any]:
    return {
        "permit_number": card.permit_number, "card_serial": card.card_serial,
        "name_zh": card.name_zh, "name_pinyin": card.name_pinyin, "sex": card.sex.value,
        "birth_date": card.birth_date.isoformat(), "expiry_date": card.expiry_date.isoformat(),
        "endorsements": [
            {"record_id": e.record_id, "destination": e.destination.value, "type": e.type.value,
             "trips": e.trips.value, "valid_from": e.valid_from.isoformat(),
             "valid_until": e.valid_until.isoformat(), "issuing_office": e.issuing_office}
            for e in card.endorsements],
    }


def _card_from_json(data: dict[str, Any]) -> PermitCard:
    return PermitCard(
        data["permit_number"], data["card_serial"], data["name_zh"], data["name_pinyin"],
        Sex(data["sex"]), dt.date.fromisoformat(data["birth_date"]),
        dt.date.fromisoformat(data["expiry_date"]),
        tuple(_endorsement(e["record_id"], e["destination"], e["type"], e["trips"], e["valid_from"],
                           e["valid_until"], e["issuing_office"]) for e in data["endorsements"]))
