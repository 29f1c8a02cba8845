"""What flows see of an ID card reader: a few verbs, a tagged read result, one exception type.

Flows never learn whether a real SAM module or the simulator answers. Expected outcomes of a
read cycle that need a different screen (no card yet, card pulled out too early) are results,
not exceptions; everything that means "the reader or the line is not working" is one
documented exception, `IdCardError`, carrying a message key the screen can translate.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

if TYPE_CHECKING:
    from devices.idcard.records import IdCardRecord

# Message keys the reader may hand to a screen (translations in assets/locale/*/kiosk.po).
MSG_PLACE_CARD = N_("idcard.no_card")
MSG_CARD_REMOVED = N_("idcard.card_removed")
MSG_READ_FAILED = N_("idcard.read_failed")
MSG_UNRECOGNISED_CARD = N_("idcard.unrecognised_card")
MSG_BAD_FRAME = N_("idcard.bad_frame")
MSG_TIMEOUT = N_("idcard.timeout")
MSG_DISCONNECTED = N_("idcard.disconnected")
MSG_READER_FAULT = N_("idcard.reader_fault")


class IdCardError(DeviceError):
    """The one exception an ID card reader raises: the reader or the line is not working.

    `message_key` is for the citizen ("idcard.timeout"), `detail` for the technician's log
    (never personal data; frames go to the DEBUG log in hex). `status_code` is the reader's
    SW3 byte when the reader itself reported the failure, else None.
    """

    def __init__(self, message_key: str, detail: str = "", status_code: int | None = None) -> None:
        super().__init__(message_key, detail)
        self.status_code = status_code


class ReadOutcome(enum.Enum):
    """How one read cycle ended, when the reader itself worked."""

    CARD = "card"  # a record was read
    NO_CARD = "no_card"  # nothing in the field (or the last card has not left it yet)
    CARD_REMOVED = "card_removed"  # the card left the field during the cycle


@dataclass(frozen=True)
class CardRead:
    """The result of one read cycle: an outcome, the record when there is one, the screen's key."""

    outcome: ReadOutcome
    record: IdCardRecord | None = None

    @property
    def message_key(self) -> str | None:
        """What the screen should say next; None after a successful read."""
        return {
            ReadOutcome.CARD: None,
            ReadOutcome.NO_CARD: MSG_PLACE_CARD,
            ReadOutcome.CARD_REMOVED: MSG_CARD_REMOVED,
        }[self.outcome]


@runtime_checkable
class IdCardReader(Protocol):
    """The ID card reader as flows and the device manager use it."""

    kind: str

    def read_card(self) -> CardRead:
        """One read cycle (find, select, read). Raises IdCardError when the reader fails."""
        ...

    def status(self) -> DeviceStatus:
        """READY, BUSY (a read is running), ERROR (SAM fault) or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...
