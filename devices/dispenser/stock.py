"""The simulated dispenser's mechanism and contents, kept in a JSON file.

What a real module keeps in non-volatile memory and what its sensors would find, so that a
document loaded in one run is still in its slot after the kiosk restarts, and a dispense cut
by a power loss leaves the document in the picker for the restarted kiosk to find. Each slot
keeps the id it was loaded with (the module's record) and the id physically in it (what the
picker would read): the two differ only when staff put a document in the wrong slot, or it
was taken out by hand. Writes replace the file atomically, so a crash mid-save never leaves
a half-written file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.dispenser.contract import Location, Sensors, Slot, Whereabouts

log = logging.getLogger(__name__)

STORE_VERSION = 1
DEFAULT_SLOT_COUNT = 12
DEFAULT_REJECT_CAPACITY = 20
# How many handed-out documents the module remembers (its non-volatile log).
TAKEN_LOG_SIZE = 200


@dataclass(frozen=True)
class DemoDocument:
    """A finished document in the demo stock: in `slot`, loaded as `document_id`.

    `holder` names the demo person (backend/seed.py key) it was made for; kept by hand, as
    the permit card store's demo cards are (devices may not import the back end). The back
    end's ready documents (issue 13, ListReadyDocuments) must name the same ids and slots."""

    slot: int
    document_id: str
    kind: str  # "PASSPORT" or "HK_MACAU_PERMIT"
    holder: str
    physical_id: str | None = None  # what is really in the slot, when staff put another one there

    @property
    def in_slot(self) -> str:
        return self.document_id if self.physical_id is None else self.physical_id


# Ready documents of some demo people; slot 4 holds 赵磊's passport though it was loaded as
# 刘洋's (a loading mistake the picker's reader catches: WRONG_DOCUMENT).
DEMO_STOCK: tuple[DemoDocument, ...] = (
    DemoDocument(1, "E61234501", "PASSPORT", "local_adult"),
    DemoDocument(2, "C30000002", "HK_MACAU_PERMIT", "long_term_id"),
    DemoDocument(3, "E61234503", "PASSPORT", "minority_name"),
    DemoDocument(4, "E61234504", "PASSPORT", "non_local_hukou", physical_id="E61234505"),
    DemoDocument(5, "C30000006", "HK_MACAU_PERMIT", "residence_permit_holder"),
)


class DispenserStock:
    """Slots, picker, tray, reject bin, door and jam state of the simulated module. Thread-safe;
    every change is saved before the method returns (what a module's NVRAM would hold)."""

    def __init__(self, path: Path, slot_count: int = DEFAULT_SLOT_COUNT,
                 reject_capacity: int = DEFAULT_REJECT_CAPACITY) -> None:
        self._path = path
        self.lock = threading.RLock()
        if path.exists() and _stored_version(path) == STORE_VERSION:
            self._state = json.loads(path.read_text(encoding="utf-8"))
        else:
            if path.exists():
                log.warning("simulated dispenser stock %s is of another version or unreadable: demo stock reseeded",
                            path)
            self._state = _demo_state(slot_count, reject_capacity)
            self.save()

    @property
    def path(self) -> Path:
        return self._path

    @property
    def slot_count(self) -> int:
        return len(self._state["slots"])

    @property
    def reject_capacity(self) -> int:
        return int(self._state["reject_capacity"])

    # --- reading ---------------------------------------------------------------------------

    def slots(self) -> list[Slot]:
        with self.lock:
            return [Slot(i + 1, s["loaded"]) for i, s in enumerate(self._state["slots"])]

    def loaded(self, slot: int) -> str | None:
        with self.lock:
            return self._state["slots"][slot - 1]["loaded"]

    def physical(self, slot: int) -> str | None:
        with self.lock:
            return self._state["slots"][slot - 1]["physical"]

    @property
    def picker(self) -> str | None:
        return self._state["picker"]

    @property
    def tray(self) -> str | None:
        return self._state["tray"]

    @property
    def tray_foreign(self) -> bool:
        return bool(self._state["tray_foreign"])

    @property
    def reject_bin(self) -> list[str]:
        return list(self._state["reject_bin"])

    @property
    def reject_count(self) -> int:
        return len(self._state["reject_bin"]) + int(self._state["reject_unread"])

    @property
    def taken(self) -> list[str]:
        return list(self._state["taken"])

    def sensors(self) -> Sensors:
        with self.lock:
            s = self._state
            return Sensors(tray_occupied=s["tray"] is not None or s["tray_foreign"],
                           document_taken=s["document_taken"], door_open=s["door_open"],
                           reject_bin_full=self.reject_count >= s["reject_capacity"],
                           picker_jammed=s["jammed"], picker_occupied=s["picker"] is not None)

    def where_is(self, document_id: str) -> Whereabouts:
        """The module's answer: picker, tray, slot (by its record), reject bin, then its taken log."""
        with self.lock:
            s = self._state
            if s["picker"] == document_id:
                return Whereabouts(document_id, Location.PICKER)
            if s["tray"] == document_id:
                return Whereabouts(document_id, Location.TRAY)
            for number, slot in enumerate(s["slots"], start=1):
                if slot["loaded"] == document_id:
                    return Whereabouts(document_id, Location.SLOT, number)
            if document_id in s["reject_bin"]:
                return Whereabouts(document_id, Location.REJECT_BIN)
            if document_id in s["taken"]:
                return Whereabouts(document_id, Location.TAKEN)
            return Whereabouts(document_id, Location.UNKNOWN)

    def knows(self, document_id: str) -> bool:
        """The document is somewhere in the machine (a slot, the picker or the tray)."""
        return self.where_is(document_id).location in (Location.SLOT, Location.PICKER, Location.TRAY)

    # --- moving ------------------------------------------------------------------------------

    def load(self, slot: int, document_id: str, physical_id: str | None = None) -> None:
        with self.lock:
            self._forget(document_id)
            self._state["slots"][slot - 1] = {"loaded": document_id,
                                              "physical": document_id if physical_id is None else physical_id}
            self.save()

    def clear_slot(self, slot: int) -> None:
        with self.lock:
            self._state["slots"][slot - 1] = {"loaded": None, "physical": None}
            self.save()

    def set_physical(self, slot: int, document_id: str | None) -> None:
        with self.lock:
            self._state["slots"][slot - 1]["physical"] = document_id
            self.save()

    def pick(self, slot: int) -> str:
        """Slot -> picker (what is physically there); the slot's record is kept until delivered."""
        with self.lock:
            document = self._state["slots"][slot - 1]["physical"]
            assert document is not None, "pick from an empty slot"
            self._state["slots"][slot - 1]["physical"] = None
            self._state["picker"] = document
            self._state["picker_from"] = slot
            self.save()
            return document

    def put_back(self) -> None:
        """Picker -> the slot it came from (a refused document)."""
        with self.lock:
            slot = self._state["picker_from"]
            self._state["slots"][slot - 1]["physical"] = self._state["picker"]
            self._state["picker"] = None
            self.save()

    def deliver(self) -> None:
        """Picker -> tray; the slot it came from is now empty."""
        with self.lock:
            slot = self._state["picker_from"]
            self._state["slots"][slot - 1] = {"loaded": None, "physical": None}
            self._state["tray"] = self._state["picker"]
            self._state["picker"] = None
            self._state["document_taken"] = False
            self.save()

    def take_from_tray(self) -> str | None:
        """The citizen's hand empties the tray: a document goes to the taken log."""
        with self.lock:
            document = self._state["tray"]
            if document is None and not self._state["tray_foreign"]:
                return None
            if document is not None:
                self._state["taken"] = [*self._state["taken"], document][-TAKEN_LOG_SIZE:]
                self._state["document_taken"] = True
            self._state["tray"] = None
            self._state["tray_foreign"] = False
            self.save()
            return document

    def retract(self) -> str | None:
        """Tray (else picker) -> reject bin; the id, or None for an object nobody loaded."""
        with self.lock:
            s = self._state
            if s["tray"] is not None or s["tray_foreign"]:
                document, s["tray"], s["tray_foreign"] = s["tray"], None, False
            else:  # a dispense cut short: the slot it came from no longer holds it
                document, s["picker"] = s["picker"], None
                s["slots"][s["picker_from"] - 1] = {"loaded": None, "physical": None}
            if document is None:
                s["reject_unread"] += 1
            else:
                s["reject_bin"] = [*s["reject_bin"], document]
            self.save()
            return document

    def set_flag(self, name: str, value: bool) -> None:
        """door_open, jammed or tray_foreign."""
        assert name in ("door_open", "jammed", "tray_foreign")
        with self.lock:
            self._state[name] = value
            self.save()

    def fill_reject_bin(self) -> None:
        with self.lock:
            self._state["reject_unread"] = max(0, self.reject_capacity - len(self._state["reject_bin"]))
            self.save()

    def empty_reject_bin(self) -> list[str]:
        with self.lock:
            emptied = self.reject_bin
            self._state["reject_bin"], self._state["reject_unread"] = [], 0
            self.save()
            return emptied

    def save(self) -> None:
        with self.lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self._state, indent=1), encoding="utf-8")
            os.replace(temporary, self._path)

    def _forget(self, document_id: str) -> None:
        """A document loaded again leaves the reject bin's and the taken log's records."""
        s = self._state
        s["reject_bin"] = [d for d in s["reject_bin"] if d != document_id]
        s["taken"] = [d for d in s["taken"] if d != document_id]


def _demo_state(slot_count: int, reject_capacity: int) -> dict[str, Any]:
    slots: list[dict[str, str | None]] = [{"loaded": None, "physical": None} for _ in range(slot_count)]
    for document in DEMO_STOCK:
        if document.slot <= slot_count:
            slots[document.slot - 1] = {"loaded": document.document_id, "physical": document.in_slot}
    return {"version": STORE_VERSION, "slots": slots, "picker": None, "picker_from": None, "tray": None,
            "tray_foreign": False, "document_taken": False, "reject_bin": [], "reject_unread": 0,
            "reject_capacity": reject_capacity, "taken": [], "door_open": False, "jammed": False}


def _stored_version(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
