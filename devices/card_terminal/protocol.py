"""The card terminal's messages (docs/protocols/card-terminal.md), as pure bytes.

A message is ASCII: a 2-character command, then fields, each preceded by FS (0x1C).
Answers repeat the command, then a 2-character answer code, then the command's fields.
The framing around a message is devices/card_terminal/framing.py's. Every parser raises only
CardTerminalError, whatever bytes it is fed.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from devices.card_terminal.contract import (
    MSG_BAD_FRAME,
    CardTerminalError,
    CardTransaction,
    Settlement,
    TransactionKind,
)

FS = b"\x1c"
PROTOCOL_VERSION = "01"
AMOUNT_DIGITS = 12
MAX_AMOUNT_FEN = 10 ** AMOUNT_DIGITS - 1
MAX_REFERENCE = 32
TIME_FORMAT = "%Y%m%d%H%M%S"


class Command(enum.Enum):
    STATUS = "S0"
    SALE = "C1"
    QUERY_LAST = "C2"
    VOID = "C3"
    SETTLE = "C4"
    REFUND = "C5"
    CANCEL = "CX"


class Answer(enum.Enum):
    """The answer code of a command (not the transaction's result code)."""

    DONE = "00"
    NOT_FOUND = "25"  # no such transaction (QUERY_LAST with none, VOID of an unknown or voided sale)
    BUSY = "B1"  # a sale is running: only STATUS and CANCEL are served
    BAD_REQUEST = "12"  # fields the terminal cannot use


class TerminalState(enum.Enum):
    IDLE = "I"
    BUSY = "B"


@dataclass(frozen=True)
class Message:
    command: Command
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    command: Command
    answer: Answer
    fields: tuple[str, ...] = ()


def encode_message(command: Command, *fields: str) -> bytes:
    return command.value.encode("ascii") + b"".join(FS + _ascii_field(f) for f in fields)


def encode_reply(command: Command, answer: Answer, *fields: str) -> bytes:
    return encode_message(command, answer.value, *fields)


def _ascii_field(value: str) -> bytes:
    try:
        raw = value.encode("ascii")
    except UnicodeEncodeError:
        raise CardTerminalError(MSG_BAD_FRAME, "field is not ASCII") from None
    if FS in raw:
        raise CardTerminalError(MSG_BAD_FRAME, "field contains FS")
    return raw


def _split(raw: bytes) -> tuple[Command, tuple[str, ...]]:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise CardTerminalError(MSG_BAD_FRAME, "message is not ASCII") from None
    head, *fields = text.split(FS.decode("ascii"))
    try:
        return Command(head), tuple(fields)
    except ValueError:
        raise CardTerminalError(MSG_BAD_FRAME, f"unknown command {head[:8]!r}") from None


def decode_message(raw: bytes) -> Message:
    command, fields = _split(raw)
    return Message(command, fields)


def decode_reply(raw: bytes) -> Reply:
    command, fields = _split(raw)
    if not fields:
        raise CardTerminalError(MSG_BAD_FRAME, f"{command.name} answer without an answer code")
    try:
        answer = Answer(fields[0])
    except ValueError:
        raise CardTerminalError(MSG_BAD_FRAME, f"unknown answer code {fields[0][:8]!r}") from None
    return Reply(command, answer, fields[1:])


# --- fields ------------------------------------------------------------------------------


def encode_amount(amount_fen: int) -> str:
    if not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise CardTerminalError(MSG_BAD_FRAME, f"amount {amount_fen} fen out of range")
    return f"{amount_fen:0{AMOUNT_DIGITS}d}"


def decode_amount(text: str) -> int:
    if len(text) != AMOUNT_DIGITS or not text.isdigit():
        raise CardTerminalError(MSG_BAD_FRAME, f"amount {text[:16]!r} is not {AMOUNT_DIGITS} digits")
    return int(text)


def check_reference(reference: str) -> str:
    if not 0 < len(reference) <= MAX_REFERENCE or not reference.isascii() or not reference.isprintable():
        raise CardTerminalError(MSG_BAD_FRAME, f"reference must be 1-{MAX_REFERENCE} printable ASCII characters")
    return reference


def sale_fields(amount_fen: int, reference: str) -> tuple[str, str]:
    return encode_amount(amount_fen), check_reference(reference)


def decode_sale_fields(fields: tuple[str, ...]) -> tuple[int, str]:
    if len(fields) != 2:
        raise CardTerminalError(MSG_BAD_FRAME, f"sale request has {len(fields)} fields, not 2")
    return decode_amount(fields[0]), check_reference(fields[1])


TRANSACTION_FIELDS = 9


def transaction_fields(txn: CardTransaction) -> tuple[str, ...]:
    """kind, result code, reference, amount, auth code, masked PAN, batch, trace, time."""
    return (txn.kind.value, txn.result_code, txn.reference, encode_amount(txn.amount_fen), txn.auth_code,
            txn.masked_pan, txn.batch, txn.trace, txn.when.strftime(TIME_FORMAT) if txn.when else "")


def decode_transaction(fields: tuple[str, ...]) -> CardTransaction:
    if len(fields) != TRANSACTION_FIELDS:
        raise CardTerminalError(MSG_BAD_FRAME, f"transaction has {len(fields)} fields, not {TRANSACTION_FIELDS}")
    kind, code, reference, amount, auth, pan, batch, trace, when = fields
    try:
        txn_kind = TransactionKind(kind)
    except ValueError:
        raise CardTerminalError(MSG_BAD_FRAME, f"unknown transaction kind {kind[:4]!r}") from None
    if len(code) != 2:
        raise CardTerminalError(MSG_BAD_FRAME, f"result code {code[:8]!r} is not 2 characters")
    check_masked_pan(pan)
    try:
        moment = dt.datetime.strptime(when, TIME_FORMAT) if when else None
    except ValueError:
        raise CardTerminalError(MSG_BAD_FRAME, f"time {when[:16]!r} is not YYYYMMDDhhmmss") from None
    return CardTransaction(txn_kind, code, reference, decode_amount(amount), auth, pan, batch, trace, moment)


def check_masked_pan(pan: str) -> None:
    """A terminal sending a card number with more than 10 digits in clear is refused, so a
    misconfigured terminal cannot put a full number into the journal or a receipt."""
    if sum(c.isdigit() for c in pan) > 10:
        raise CardTerminalError(MSG_BAD_FRAME, "terminal sent an unmasked card number")


def refund_fields(reference: str, amount_fen: int) -> tuple[str, str]:
    return check_reference(reference), encode_amount(amount_fen)


def decode_refund_fields(fields: tuple[str, ...]) -> tuple[str, int]:
    if len(fields) != 2:
        raise CardTerminalError(MSG_BAD_FRAME, f"refund request has {len(fields)} fields, not 2")
    return check_reference(fields[0]), decode_amount(fields[1])


def settlement_fields(settlement: Settlement) -> tuple[str, ...]:
    return (settlement.batch, str(settlement.sale_count), f"{settlement.sale_total_fen:0{AMOUNT_DIGITS}d}",
            str(settlement.void_count), f"{settlement.void_total_fen:0{AMOUNT_DIGITS}d}",
            str(settlement.refund_count), f"{settlement.refund_total_fen:0{AMOUNT_DIGITS}d}")


def decode_settlement(fields: tuple[str, ...]) -> Settlement:
    if len(fields) != 7 or not all(f.isdigit() for f in fields):
        raise CardTerminalError(MSG_BAD_FRAME, "settlement is not batch, then count and total of sales, voids, refunds")
    batch, sales, sale_total, voids, void_total, refunds, refund_total = fields
    return Settlement(batch, int(sales), int(sale_total), int(voids), int(void_total), int(refunds), int(refund_total))


def status_fields(state: TerminalState) -> tuple[str, str]:
    return PROTOCOL_VERSION, state.value


def decode_status(fields: tuple[str, ...]) -> TerminalState:
    if len(fields) != 2:
        raise CardTerminalError(MSG_BAD_FRAME, "status is not VERSION, STATE")
    if fields[0] != PROTOCOL_VERSION:
        raise CardTerminalError(MSG_BAD_FRAME, f"terminal speaks protocol {fields[0][:4]!r}, not {PROTOCOL_VERSION}")
    try:
        return TerminalState(fields[1])
    except ValueError:
        raise CardTerminalError(MSG_BAD_FRAME, f"unknown terminal state {fields[1][:4]!r}") from None
