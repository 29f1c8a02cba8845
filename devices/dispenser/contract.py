"""What flows see of the document dispenser: a few verbs, where a document is, one exception.

Handing out a passport is an external effect that must never happen twice and never be
reported done when it was not: so every answer says where the document physically is
(`Location`), the tray sensor alone decides whether it was taken (`TakeOutcome`), and after
a crash the kiosk asks `where_is` instead of guessing. Everything that means "the module or
the line is not working" is one exception, `DispenserError`, whose `fault` names the cause.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

# Message keys the module may hand to a screen (translations in assets/locale/*/kiosk.po).
MSG_SLOT_EMPTY = N_("dispenser.slot_empty")
MSG_WRONG_DOCUMENT = N_("dispenser.wrong_document")
MSG_JAMMED = N_("dispenser.jammed")
MSG_TRAY_BLOCKED = N_("dispenser.tray_blocked")
MSG_DOOR_OPEN = N_("dispenser.door_open")
MSG_REJECT_BIN_FULL = N_("dispenser.reject_bin_full")
MSG_PICKER_OCCUPIED = N_("dispenser.picker_occupied")
MSG_REFUSED = N_("dispenser.refused")
MSG_BAD_FRAME = N_("dispenser.bad_frame")
MSG_TIMEOUT = N_("dispenser.timeout")
MSG_DISCONNECTED = N_("dispenser.disconnected")
MSG_MODULE_FAULT = N_("dispenser.module_fault")


class Fault(enum.Enum):
    """Why a command failed: the fault catalogue (docs/protocols/dispenser.md, "Faults")."""

    SLOT_EMPTY = "slot_empty"  # the slot's sensor finds nothing to pick
    WRONG_DOCUMENT = "wrong_document"  # the picker read another document than the one asked for
    JAMMED = "jammed"  # the picker cannot move; a technician must clear it
    TRAY_BLOCKED = "tray_blocked"  # something lies in the tray already
    DOOR_OPEN = "door_open"  # the service door is open: the mechanism is stopped
    REJECT_BIN_FULL = "reject_bin_full"  # nothing more can be retracted
    SLOT_OCCUPIED = "slot_occupied"  # load into a slot that holds a document
    NOTHING_TO_RETRACT = "nothing_to_retract"  # retract with tray and picker empty
    PICKER_OCCUPIED = "picker_occupied"  # a document was left in the picker (power cut): retract it first
    NOTHING_HELD = "nothing_held"  # PRESENT with no document (or another one) held in the picker
    BAD_PARAMETER = "bad_parameter"  # a slot number out of range, a malformed document id
    BAD_FRAME = "bad_frame"  # a frame that failed its checks (either direction)
    UNKNOWN_COMMAND = "unknown_command"
    SILENT = "silent"  # no answer in time (module off, power lost, cable out)
    DISCONNECTED = "disconnected"  # the port cannot be opened or failed


class DispenserError(DeviceError):
    """The one exception of the dispenser and of its protocol parsers.

    `message_key` is for the citizen, `detail` for the technician's log (document numbers are
    masked there); `fault` is the catalogue entry; `document_read` is what the picker read
    when it refused a WRONG_DOCUMENT (or, from `dispense`, the other document it holds).
    """

    def __init__(self, message_key: str, detail: str = "", fault: Fault = Fault.BAD_FRAME,
                 document_read: str | None = None) -> None:
        super().__init__(message_key, detail)
        self.fault = fault
        self.document_read = document_read


class Location(enum.Enum):
    """Where a document is, as the module's sensors and its non-volatile log say."""

    SLOT = "slot"
    PICKER = "picker"  # between slot and tray: a dispense stopped mid-way (jam, power cut)
    TRAY = "tray"  # out in the tray, not taken yet
    REJECT_BIN = "reject_bin"  # retracted: not handed out
    TAKEN = "taken"  # the tray sensor saw the citizen take it
    UNKNOWN = "unknown"  # the module has no record of it


@dataclass(frozen=True)
class Whereabouts:
    document_id: str
    location: Location
    slot: int | None = None  # for Location.SLOT


@dataclass(frozen=True)
class Slot:
    number: int  # 1..slot_count
    document_id: str | None  # what was loaded into it; None when empty


@dataclass(frozen=True)
class Sensors:
    """The module's status bits, as every answer carries them."""

    tray_occupied: bool = False
    document_taken: bool = False  # the tray was emptied by hand since the last dispense
    door_open: bool = False
    reject_bin_full: bool = False
    picker_jammed: bool = False
    picker_occupied: bool = False

    def device_status(self) -> DeviceStatus:
        """What the device manager shows: a stopped mechanism is not usable."""
        if self.door_open:
            return DeviceStatus.COVER_OPEN
        if self.picker_jammed or self.reject_bin_full or self.picker_occupied:
            return DeviceStatus.ERROR  # picker_occupied between commands: a dispense was cut short
        return DeviceStatus.READY

    def problem(self) -> str:
        """Why the module is not usable, for doctor and the log ("" when it is)."""
        names = [name for name, on in (("door open", self.door_open), ("picker jammed", self.picker_jammed),
                                       ("reject bin full", self.reject_bin_full),
                                       ("document left in the picker", self.picker_occupied)) if on]
        return ", ".join(names)


@dataclass(frozen=True)
class ModuleStatus:
    sensors: Sensors
    slot_count: int
    reject_count: int  # documents in the reject bin
    reject_capacity: int


class ReadSource(enum.Enum):
    """How the module's reader at the picker read a document on its way out."""

    OPTICAL = "optical"  # the passport's MRZ or the document's printed barcode
    CHIP = "chip"  # the permit card's chip, by the contactless reader at the picker


@dataclass(frozen=True)
class DocumentRead:
    """What the module read from the document it holds in the picker (the host checks it
    against the back end's record before presenting it: the module's own comparison is not the
    only check)."""

    document_id: str
    source: ReadSource


class TakeOutcome(enum.Enum):
    TAKEN = "taken"  # the tray sensor saw the document leave
    NOT_TAKEN = "not_taken"  # still in the tray when the time ran out: retract it


@runtime_checkable
class DocumentDispenser(Protocol):
    """The document dispenser as flows, the technician CLI and the device manager use it."""

    kind: str

    def module_status(self) -> ModuleStatus:
        """Sensors, slot count, reject bin fill. Raises DispenserError."""
        ...

    def slots(self) -> list[Slot]:
        """Every slot and what was loaded into it. Raises DispenserError."""
        ...

    def load(self, slot: int, document_id: str) -> None:
        """Record that `document_id` was placed in `slot` (staff, through the loader). Raises
        DispenserError (SLOT_OCCUPIED, BAD_PARAMETER, ...)."""
        ...

    def unload(self, slot: int) -> str:
        """Release the slot's document to the staff (door open); return its id."""
        ...

    def stage(self, slot: int, document_id: str) -> DocumentRead | None:
        """Bring `document_id` from `slot` past the module's reader to the picker and hold it
        there, behind the tray: nothing reaches the citizen yet. A module that compares puts
        another document back and refuses it (WRONG_DOCUMENT). Returns what the reader read
        (None from a module without one), for the host to check against the back end's record
        before `present` (or `retract`, which takes the held document to the reject bin).
        Raises DispenserError; after one the document may be anywhere: ask `where_is`."""
        ...

    def present(self, document_id: str) -> None:
        """Move the held `document_id` from the picker to the output tray. Raises DispenserError
        (NOTHING_HELD when the picker does not hold that document: nothing moved)."""
        ...

    def dispense(self, slot: int, document_id: str) -> DocumentRead | None:
        """`stage`, the check of what was read, then `present` (the technician's and the bench's
        one step; a flow journals between the steps itself). A document read as another one is
        left held in the picker and refused (WRONG_DOCUMENT, `document_read` its id): `retract` it."""
        ...

    def wait_taken(self, timeout_s: float) -> TakeOutcome:
        """Wait until the tray sensor sees the document taken, at most `timeout_s`."""
        ...

    def retract(self) -> str | None:
        """Move what is in the tray (or left in the picker) to the reject bin; return its id
        (None for an object the module could not read, e.g. a citizen's own card left in the tray)."""
        ...

    def where_is(self, document_id: str) -> Whereabouts:
        """Where the module last saw `document_id` (for recovery after a crash or power cut)."""
        ...

    def status(self) -> DeviceStatus:
        """READY, BUSY, COVER_OPEN (door open), ERROR (jammed, reject bin full) or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...


def mask_document_id(document_id: str | None) -> str:
    """A document number for logs: the series letter and the last 2 characters (`E******01`)."""
    from core.privacy import mask_permit_number

    if not document_id:
        return "-"
    return mask_permit_number(document_id) if len(document_id) > 3 else "*" * len(document_id)
