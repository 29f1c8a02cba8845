"""What flows see of the bank card terminal: a sale, the last transaction, a void, a settlement.

The terminal (a certified UnionPay POS in "MIS-POS" mode) reads the card, takes the PIN on its
own pin pad and talks to the acquirer; the kiosk only asks and reads answers. Everything that
means money moved, or did not, is a result the flow must look at (`CardTransaction`); every
failure of the line or the terminal is one exception, `CardTerminalError`. A failure during a
sale means "outcome unknown": the flow asks `query_last()` before deciding anything.

The kiosk never sees a full card number: the terminal sends it masked (first 6, last 4).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.i18n import N_
from devices.base import DeviceError, DeviceStatus

# Message keys the terminal may hand to a screen (translations in assets/locale/*/kiosk.po).
MSG_DECLINED = N_("card_terminal.declined")
MSG_INSUFFICIENT_FUNDS = N_("card_terminal.insufficient_funds")
MSG_WRONG_PIN = N_("card_terminal.wrong_pin")
MSG_CARD_EXPIRED = N_("card_terminal.card_expired")
MSG_TIMED_OUT = N_("card_terminal.timed_out")
MSG_CANCELLED = N_("card_terminal.cancelled")
MSG_BUSY = N_("card_terminal.busy")
MSG_NO_ANSWER = N_("card_terminal.no_answer")
MSG_DISCONNECTED = N_("card_terminal.disconnected")
MSG_BAD_FRAME = N_("card_terminal.bad_frame")
MSG_TERMINAL_FAULT = N_("card_terminal.fault")


class CardTerminalError(DeviceError):
    """The one exception of the card terminal and its protocol parsers.

    `message_key` is for the citizen, `detail` for the technician's log (never a card number:
    the terminal only ever sends masked ones). After a CardTerminalError during `sale`, the
    outcome is unknown until `query_last()` answers.
    """


class SaleNotInOpenBatch(CardTerminalError):
    """A void named a sale the open batch does not hold: its batch was settled (结算) since, so the
    money can only go back by a refund (退货), or it was voided already."""


class TransactionKind(enum.Enum):
    SALE = "S"
    VOID = "V"  # a same-batch cancellation of a sale (撤销): the money never leaves the card
    REFUND = "R"  # a sale of a settled batch given back (退货): the acquirer credits the card


class Outcome(enum.Enum):
    APPROVED = "approved"
    DECLINED = "declined"


class DeclineReason(enum.Enum):
    """Why a sale was declined, from the terminal's result code."""

    INSUFFICIENT_FUNDS = "51"
    CARD_EXPIRED = "54"
    WRONG_PIN = "55"
    TIMED_OUT = "98"  # no card presented, or no PIN entered, in time
    CANCELLED = "96"  # the kiosk cancelled before the card was read
    OTHER = "other"  # any other acquirer refusal (the code is kept in CardTransaction.result_code)

    @property
    def message_key(self) -> str:
        return {
            DeclineReason.INSUFFICIENT_FUNDS: MSG_INSUFFICIENT_FUNDS,
            DeclineReason.CARD_EXPIRED: MSG_CARD_EXPIRED,
            DeclineReason.WRONG_PIN: MSG_WRONG_PIN,
            DeclineReason.TIMED_OUT: MSG_TIMED_OUT,
            DeclineReason.CANCELLED: MSG_CANCELLED,
        }.get(self, MSG_DECLINED)


APPROVED_CODE = "00"


@dataclass(frozen=True)
class CardTransaction:
    """One transaction as the terminal recorded it. Approved ones carry an authorisation code,
    a masked card number and the batch/trace numbers that settlement and receipts need."""

    kind: TransactionKind
    result_code: str  # "00" approved, else the acquirer's or terminal's refusal code
    reference: str  # the kiosk's order reference, repeated by the terminal
    amount_fen: int
    auth_code: str = ""
    masked_pan: str = ""  # 622202******1234
    batch: str = ""
    trace: str = ""
    when: dt.datetime | None = None

    @property
    def outcome(self) -> Outcome:
        return Outcome.APPROVED if self.result_code == APPROVED_CODE else Outcome.DECLINED

    @property
    def approved(self) -> bool:
        return self.outcome is Outcome.APPROVED

    @property
    def decline_reason(self) -> DeclineReason | None:
        if self.approved:
            return None
        try:
            return DeclineReason(self.result_code)
        except ValueError:
            return DeclineReason.OTHER


@dataclass(frozen=True)
class Settlement:
    """A closed batch's totals as the terminal counted them (结算)."""

    batch: str
    sale_count: int
    sale_total_fen: int
    void_count: int
    void_total_fen: int
    refund_count: int = 0
    refund_total_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.sale_total_fen - self.void_total_fen - self.refund_total_fen


@runtime_checkable
class CardTerminal(Protocol):
    """The bank card terminal as flows and the device manager use it."""

    kind: str

    def sale(self, amount_fen: int, reference: str) -> CardTransaction:
        """Charge `amount_fen` for the kiosk order `reference`: blocks while the citizen presents
        the card and enters the PIN. Approved or declined is the result; CardTerminalError means
        the outcome is unknown (ask query_last)."""
        ...

    def cancel(self) -> None:
        """Ask the terminal to abandon the running sale; it does so only before the card is read."""
        ...

    def query_last(self) -> CardTransaction | None:
        """The terminal's last transaction (None when it has none since its last settlement)."""
        ...

    def void(self, reference: str) -> CardTransaction:
        """Cancel the approved sale `reference` of the open batch (冲正/撤销). SaleNotInOpenBatch
        when the batch holds no such sale (settled since, or voided already)."""
        ...

    def refund(self, reference: str, amount_fen: int) -> CardTransaction:
        """Give back the approved sale `reference` of a settled batch (退货), in full. Asked again
        for a sale already refunded, the terminal answers that refund again (no second credit)."""
        ...

    def settle(self) -> Settlement:
        """Close the batch: the terminal's totals, which the daily close reconciles."""
        ...

    def status(self) -> DeviceStatus:
        """READY, BUSY (a transaction is running), ERROR or DISCONNECTED. Never raises."""
        ...

    def close(self) -> None:
        ...
