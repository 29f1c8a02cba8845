"""What flows see of the permit card reader/writer: a few verbs, a write result, one exception.

Writing an endorsement is the one device action in the kiosk that changes a citizen's
document, so its outcome is a tagged result the flow must look at (`written`, `not_written`,
`card_removed`), decided by reading the chip back, never by trusting the write's own answer.
Everything that means "the module or the line is not working" is one exception, `PermitError`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

if TYPE_CHECKING:
    from devices.permit.records import Endorsement, PermitCard

# Message keys the module may hand to a screen (translations in assets/locale/*/kiosk.po).
MSG_NO_CARD = N_("permit.no_card")
MSG_CARD_REMOVED = N_("permit.card_removed")
MSG_NOT_WRITTEN = N_("permit.not_written")
MSG_CHIP_FULL = N_("permit.chip_full")
MSG_AUTH_FAILED = N_("permit.auth_failed")
MSG_UNREADABLE = N_("permit.unreadable")
MSG_BAD_FRAME = N_("permit.bad_frame")
MSG_TIMEOUT = N_("permit.timeout")
MSG_DISCONNECTED = N_("permit.disconnected")
MSG_MODULE_FAULT = N_("permit.module_fault")


class PermitError(DeviceError):
    """The one exception of the permit reader/writer and of its protocol parsers.

    `message_key` is for the citizen, `detail` for the technician's log (never personal
    data; frames go to the DEBUG log in hex). `status_code` is the module's status byte when
    the module itself reported the failure, else None.
    """

    def __init__(self, message_key: str, detail: str = "", status_code: int | None = None) -> None:
        super().__init__(message_key, detail)
        self.status_code = status_code


class WriteOutcome(enum.Enum):
    """How a write ended, as the chip read back after it says."""

    WRITTEN = "written"  # the read back returned the identical record
    NOT_WRITTEN = "not_written"  # the chip does not hold the record (or the module refused)
    CARD_REMOVED = "card_removed"  # the card left before the chip could confirm: unknown, not written


@dataclass(frozen=True)
class WriteResult:
    """One write's outcome; `reason` is the module's status name that explains it ("ok",
    "chip_full", "write_failed", ...), for the log and for choosing the screen."""

    outcome: WriteOutcome
    record: Endorsement
    reason: str
    records_used: int | None = None  # records on the chip after a confirmed write

    @property
    def written(self) -> bool:
        return self.outcome is WriteOutcome.WRITTEN

    @property
    def message_key(self) -> str | None:
        """What the screen should say next; None after a confirmed write."""
        if self.outcome is WriteOutcome.WRITTEN:
            return None
        if self.outcome is WriteOutcome.CARD_REMOVED:
            return MSG_CARD_REMOVED
        return {
            "no_card": MSG_NO_CARD,
            "chip_full": MSG_CHIP_FULL,
            "auth_failed": MSG_AUTH_FAILED,
        }.get(self.reason, MSG_NOT_WRITTEN)


@runtime_checkable
class PermitReaderWriter(Protocol):
    """The permit card reader/writer as flows and the device manager use it."""

    kind: str

    def read_card(self) -> PermitCard:
        """Read the inserted card. Raises PermitError (no card, card removed, line failure)."""
        ...

    def write_endorsement(self, record: Endorsement, print_on_face: bool = True) -> WriteResult:
        """Write one record, read it back, and say whether the chip holds it."""
        ...

    def eject(self) -> None:
        """Push the card out to the slot. Raises PermitError."""
        ...

    def status(self) -> DeviceStatus:
        """READY (card in), NO_CARD, BUSY (a command is running), ERROR or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...
