"""A simulated UnionPay terminal in MIS-POS mode on a pty: the far side of the line the real driver opens.

It speaks docs/protocols/card-terminal.md byte for byte (ACK/NAK, retransmission on NAK),
keeps its open batch on disk (so a kiosk restarted after a crash finds its last transaction,
as with a real terminal), and has the controls a technician panel and the tests need: insert
or tap a demo card with the PIN the citizen will type, let a sale time out, lose the line
after the next approval, answer twice, NAK the next requests, garble the next answers.

The demo cards' numbers are test numbers that belong to nobody; they never leave the
simulator unmasked.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import os
import select
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.privacy import mask_card_number
from devices.card_terminal.contract import (
    APPROVED_CODE,
    CardTerminalError,
    CardTransaction,
    DeclineReason,
    Settlement,
    TransactionKind,
)
from devices.card_terminal.driver import SerialCardTerminal
from devices.card_terminal.framing import BadFrame, Control, Framing, StxLrcFraming, framing_named
from devices.card_terminal.protocol import (
    TIME_FORMAT,
    Answer,
    Command,
    Message,
    TerminalState,
    decode_message,
    decode_refund_fields,
    decode_sale_fields,
    encode_reply,
    settlement_fields,
    status_fields,
    transaction_fields,
)
from devices.channels import PtyPair, line_time, open_pty

if TYPE_CHECKING:
    from devices.factory import DeviceContext

log = logging.getLogger(__name__)

STATE_FILE = "card-terminal-batch.json"
POLL_SECONDS = 0.01
# A request whose bytes stop arriving for this long is dropped (and NAKed).
REQUEST_GAP_TIMEOUT = 0.2
# Sends of one answer when the host NAKs it (protocol: 3).
MAX_SENDS = 3
# Contactless payments up to this amount need no PIN (UnionPay QuickPass small-amount rule).
NO_PIN_LIMIT_FEN = 100000


class Method(enum.Enum):
    CHIP = "chip"  # inserted: always a PIN
    TAP = "tap"  # contactless: a PIN above NO_PIN_LIMIT_FEN


@dataclass(frozen=True)
class DemoCard:
    pan: str
    expiry: dt.date  # last valid day
    pin: str
    balance_fen: int


DEMO_CARDS: dict[str, DemoCard] = {
    # 62: UnionPay. Luhn-valid test numbers that belong to nobody.
    "funds": DemoCard("6222021234567890128", dt.date(2031, 12, 31), "123456", 10_000_000),
    "poor": DemoCard("6217001234567890122", dt.date(2030, 6, 30), "123456", 500),
    "expired": DemoCard("6228481234567890128", dt.date(2023, 1, 31), "123456", 10_000_000),
}


@dataclass(frozen=True)
class Timing:
    """Seconds the terminal takes: waiting for a card, for the acquirer, for a settlement."""

    card_wait: float = 60.0
    acquirer: float = 1.5
    settle: float = 2.0


FAST_TIMING = Timing(card_wait=2.0, acquirer=0.01, settle=0.01)


@dataclass
class _Presented:
    card: DemoCard
    pin: str
    method: Method


class CardTerminalSimulator:
    """The terminal's side of a pty; `start()` returns the port the driver opens."""

    def __init__(self, state_file: Path | None = None, baud: int = 9600, timing: Timing = Timing(),
                 framing: Framing | None = None, today: Any = dt.date.today) -> None:
        self._state_file = state_file
        self._baud = baud
        self._timing = timing
        self._framing = framing or StxLrcFraming()
        self._today = today
        self._lock = threading.Lock()
        self._card_event = threading.Event()
        self._stop = threading.Event()
        self._pty: PtyPair | None = None
        self._thread: threading.Thread | None = None
        self._sale_thread: threading.Thread | None = None
        # True from a SALE's start until just before its answer goes on the line: the host sends
        # its next request only after that answer, and must find the terminal idle (the sale's
        # thread may still be finishing then; its liveness is no measure of "busy").
        self._selling = False
        self._presented: _Presented | None = None
        self._card_read = False
        self._cancel = False
        self._balances = {card.pan: card.balance_fen for card in DEMO_CARDS.values()}
        # faults for the next answers
        self._lose_next_answer = False
        self._answer_twice = False
        self._nak_requests = 0
        self._lost_acks = 0
        self._running_request = b""  # the SALE being served: a retransmission of it is not a new sale
        self._corrupt_answers = 0
        self._last_sent = b""
        self._sends_of_last = 0
        self.received: list[bytes] = []  # every message the host sent, for the tests
        self.acks_received = 0
        # The open batch; and the approved sales of settled batches with their refunds, which a
        # refund (退货) names: a real terminal asks the acquirer, which keeps them.
        self._batch, self._trace, self._transactions, self._settled = self._load()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> str:
        self._pty = open_pty()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="card-terminal-simulator", daemon=True)
        self._thread.start()
        log.info("card terminal simulator listening on %s (%d baud)", self._pty.slave_path, self._baud)
        return self._pty.slave_path

    @property
    def port(self) -> str:
        if self._pty is None:
            raise RuntimeError("simulator not started")
        return self._pty.slave_path

    def describe(self) -> str:
        return (f"UnionPay card terminal (MIS-POS, {self._framing.name}) on {self.port} ({self._baud} baud); "
                f"batch {self._batch:06d} with {len(self._transactions)} transactions")

    def stop(self) -> None:
        self._stop.set()
        self._card_event.set()
        for thread in (self._sale_thread, self._thread):
            if thread is not None:
                thread.join(timeout=2)
        self._thread = self._sale_thread = None
        if self._pty is not None:
            self._pty.close()
            self._pty = None

    # --- controls (technician panel, tests) --------------------------------------------------

    def present_card(self, card: str | DemoCard = "funds", pin: str | None = None,
                     method: Method = Method.CHIP) -> None:
        """The citizen inserts (or taps) `card` and will type `pin` (the card's own by default)."""
        chosen = DEMO_CARDS[card] if isinstance(card, str) else card
        with self._lock:
            self._presented = _Presented(chosen, chosen.pin if pin is None else pin, method)
        self._card_event.set()

    def remove_card(self) -> None:
        with self._lock:
            self._presented = None

    def lose_line_after_next_approval(self) -> None:
        """The next sale is approved at the terminal, and its answer never reaches the kiosk."""
        with self._lock:
            self._lose_next_answer = True

    def answer_next_twice(self) -> None:
        """The next answer is sent twice, as a terminal does that missed the kiosk's ACK."""
        with self._lock:
            self._answer_twice = True

    def nak_next_requests(self, count: int = 1) -> None:
        """NAK the next `count` requests as line noise would make it (the host sends them again)."""
        with self._lock:
            self._nak_requests = count

    def lose_next_acks(self, count: int = 1) -> None:
        """Serve the next `count` requests but lose their ACKs on the line: the host sends them
        again, and the terminal must not take a retransmitted SALE for a second one."""
        with self._lock:
            self._lost_acks = count

    def corrupt_next_answers(self, count: int = 1) -> None:
        """Garble the LRC of the next `count` answers (the host NAKs; the terminal sends again)."""
        with self._lock:
            self._corrupt_answers = count

    def balance_of(self, card: str) -> int:
        return self._balances[DEMO_CARDS[card].pan]

    @property
    def batch_transactions(self) -> list[CardTransaction]:
        with self._lock:
            return list(self._transactions)

    # --- serving -----------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._pty is not None
        master = self._pty.master_fd
        reader = self._framing.reader()
        last_byte_at = 0.0
        while not self._stop.is_set():
            readable, _, _ = select.select([master], [], [], POLL_SECONDS)
            if not readable:
                if time.monotonic() - last_byte_at > REQUEST_GAP_TIMEOUT and reader.discard_partial():
                    self._write(master, self._framing.control(Control.NAK))
                continue
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            last_byte_at = time.monotonic()
            for item in reader.feed(data):
                self._on_item(master, item)

    def _on_item(self, master: int, item: bytes | Control | BadFrame) -> None:
        if item is Control.ACK:
            self.acks_received += 1
            return
        if item is Control.NAK:
            if self._last_sent and self._sends_of_last < MAX_SENDS:
                self._sends_of_last += 1
                self._write(master, self._last_sent)
            return
        if isinstance(item, BadFrame):
            self._write(master, self._framing.control(Control.NAK))
            return
        with self._lock:
            nak = self._nak_requests > 0
            self._nak_requests -= 1 if nak else 0
        if nak:
            self._write(master, self._framing.control(Control.NAK))
            return
        with self._lock:
            lost_ack = self._lost_acks > 0
            self._lost_acks -= 1 if lost_ack else 0
        if not lost_ack:
            self._write(master, self._framing.control(Control.ACK))
        if item == self._running_request and self._sale_running():
            log.debug("card terminal simulator: the running SALE sent again; ACKed, not run twice")
            return
        try:
            message = decode_message(item)
        except CardTerminalError as exc:
            log.debug("card terminal simulator: unusable message (%s)", exc.detail)
            return
        self.received.append(item)
        if message.command is Command.SALE and not self._sale_running():
            self._running_request = item
        self._dispatch(master, message)

    def _sale_running(self) -> bool:
        with self._lock:
            return self._selling

    def _dispatch(self, master: int, message: Message) -> None:
        command = message.command
        busy = self._sale_running()
        if command is Command.CANCEL:
            with self._lock:
                self._cancel = busy and not self._card_read
            self._card_event.set()
            return
        if command is Command.STATUS:
            state = TerminalState.BUSY if busy else TerminalState.IDLE
            self._answer(master, encode_reply(command, Answer.DONE, *status_fields(state)))
            return
        if busy:
            self._answer(master, encode_reply(command, Answer.BUSY))
            return
        if command is Command.SALE:
            try:
                amount, reference = decode_sale_fields(message.fields)
            except CardTerminalError:
                self._answer(master, encode_reply(command, Answer.BAD_REQUEST))
                return
            done = next((t for t in self.batch_transactions if t.kind is TransactionKind.SALE and t.approved
                         and t.reference == reference), None)
            if done is not None:  # the reference was paid already: its answer again, no second charge
                self._answer(master, encode_reply(command, Answer.DONE, *transaction_fields(done)))
                return
            with self._lock:
                self._cancel = self._card_read = False
                self._selling = True
            self._sale_thread = threading.Thread(target=self._sale, args=(master, amount, reference),
                                                 name="card-terminal-sale", daemon=True)
            self._sale_thread.start()
        elif command is Command.QUERY_LAST:
            last = self.batch_transactions[-1:] if self._transactions else []
            self._answer(master, encode_reply(command, Answer.DONE, *transaction_fields(last[0])) if last
                         else encode_reply(command, Answer.NOT_FOUND))
        elif command is Command.VOID:
            self._void(master, message)
        elif command is Command.REFUND:
            self._refund(master, message)
        elif command is Command.SETTLE:
            time.sleep(self._timing.settle)
            self._answer(master, encode_reply(command, Answer.DONE, *settlement_fields(self._settle())))

    # --- transactions ------------------------------------------------------------------------

    def _sale(self, master: int, amount: int, reference: str) -> None:
        presented = self._wait_for_card()
        if presented is None:
            with self._lock:
                code = DeclineReason.CANCELLED.value if self._cancel else DeclineReason.TIMED_OUT.value
            txn = self._record(TransactionKind.SALE, code, reference, amount)
        else:
            code = self._decide(presented, amount)
            time.sleep(self._timing.acquirer)
            txn = self._record(TransactionKind.SALE, code, reference, amount, presented.card)
            with self._lock:
                self._presented = None  # the citizen takes the card back
        with self._lock:
            lose = self._lose_next_answer and txn.approved
            self._lose_next_answer = self._lose_next_answer and not lose
            self._selling = False
        if lose:
            log.info("card terminal simulator: sale %s approved; its answer is lost on the line", reference)
            return
        self._answer(master, encode_reply(Command.SALE, Answer.DONE, *transaction_fields(txn)))

    def _wait_for_card(self) -> _Presented | None:
        deadline = time.monotonic() + self._timing.card_wait
        while not self._stop.is_set():
            with self._lock:
                if self._cancel:
                    return None
                if self._presented is not None:
                    self._card_read = True
                    return self._presented
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._card_event.wait(min(remaining, 0.05))
            self._card_event.clear()
        return None

    def _decide(self, presented: _Presented, amount: int) -> str:
        card = presented.card
        if card.expiry < self._today():
            return DeclineReason.CARD_EXPIRED.value
        pin_needed = presented.method is Method.CHIP or amount > NO_PIN_LIMIT_FEN
        if pin_needed and presented.pin != card.pin:
            return DeclineReason.WRONG_PIN.value
        with self._lock:
            if self._balances.get(card.pan, 0) < amount:
                return DeclineReason.INSUFFICIENT_FUNDS.value
            self._balances[card.pan] = self._balances.get(card.pan, 0) - amount
        return APPROVED_CODE

    def _void(self, master: int, message: Message) -> None:
        reference = message.fields[0] if len(message.fields) == 1 else ""
        with self._lock:
            voided = {t.reference for t in self._transactions if t.kind is TransactionKind.VOID}
            sale = next((t for t in reversed(self._transactions) if t.kind is TransactionKind.SALE
                         and t.approved and t.reference == reference), None)
        if sale is None or reference in voided:
            self._answer(master, encode_reply(Command.VOID, Answer.NOT_FOUND))
            return
        self._give_back(master, Command.VOID, TransactionKind.VOID, sale)

    def _refund(self, master: int, message: Message) -> None:
        """Give back a sale of a settled batch, in full; asked again, answer the same refund."""
        try:
            reference, amount = decode_refund_fields(message.fields)
        except CardTerminalError:
            self._answer(master, encode_reply(Command.REFUND, Answer.BAD_REQUEST))
            return
        with self._lock:
            history = self._settled + self._transactions
            done = next((t for t in history if t.kind is TransactionKind.REFUND and t.reference == reference), None)
            sale = next((t for t in self._settled if t.kind is TransactionKind.SALE and t.reference == reference
                         and t.amount_fen == amount), None)
        if done is not None:
            self._answer(master, encode_reply(Command.REFUND, Answer.DONE, *transaction_fields(done)))
            return
        if sale is None:
            self._answer(master, encode_reply(Command.REFUND, Answer.NOT_FOUND))
            return
        self._give_back(master, Command.REFUND, TransactionKind.REFUND, sale)

    def _give_back(self, master: int, command: Command, kind: TransactionKind, sale: CardTransaction) -> None:
        """A void or a refund of `sale`, approved by the acquirer: the card credited, the
        transaction recorded and answered."""
        time.sleep(self._timing.acquirer)
        pan = next((c.pan for c in DEMO_CARDS.values() if mask_card_number(c.pan) == sale.masked_pan), None)
        if pan is not None:
            with self._lock:
                self._balances[pan] += sale.amount_fen
        txn = self._record(kind, APPROVED_CODE, sale.reference, sale.amount_fen, masked_pan=sale.masked_pan)
        self._answer(master, encode_reply(command, Answer.DONE, *transaction_fields(txn)))

    def _record(self, kind: TransactionKind, code: str, reference: str, amount: int,
                card: DemoCard | None = None, masked_pan: str = "") -> CardTransaction:
        with self._lock:
            self._trace += 1
            approved = code == APPROVED_CODE
            txn = CardTransaction(
                kind, code, reference, amount,
                auth_code=f"{(self._trace * 7919) % 1_000_000:06d}" if approved else "",
                masked_pan=masked_pan or (mask_card_number(card.pan) if card else ""),
                batch=f"{self._batch:06d}", trace=f"{self._trace:06d}",
                when=dt.datetime.now().replace(microsecond=0))
            self._transactions.append(txn)
            self._save()
        return txn

    def _settle(self) -> Settlement:
        with self._lock:
            sales = [t for t in self._transactions if t.kind is TransactionKind.SALE and t.approved]
            voids = [t for t in self._transactions if t.kind is TransactionKind.VOID and t.approved]
            refunds = [t for t in self._transactions if t.kind is TransactionKind.REFUND and t.approved]
            settlement = Settlement(f"{self._batch:06d}", len(sales), sum(t.amount_fen for t in sales),
                                    len(voids), sum(t.amount_fen for t in voids),
                                    len(refunds), sum(t.amount_fen for t in refunds))
            voided = {t.reference for t in voids}
            self._settled += [t for t in sales if t.reference not in voided] + refunds
            self._batch += 1
            self._transactions = []
            self._save()
        return settlement

    # --- line --------------------------------------------------------------------------------

    def _answer(self, master: int, message: bytes) -> None:
        frame = self._framing.encode(message)
        with self._lock:
            corrupt = self._corrupt_answers > 0
            self._corrupt_answers -= 1 if corrupt else 0
            twice, self._answer_twice = self._answer_twice, False
        self._last_sent, self._sends_of_last = frame, 1
        self._write(master, frame[:-1] + bytes((frame[-1] ^ 0xFF,)) if corrupt else frame)
        if twice:
            self._write(master, frame)

    def _write(self, master: int, data: bytes) -> None:
        time.sleep(line_time(len(data), self._baud))
        try:
            os.write(master, data)
        except OSError:
            pass

    # --- persistence -------------------------------------------------------------------------

    def _load(self) -> tuple[int, int, list[CardTransaction], list[CardTransaction]]:
        if self._state_file is None or not self._state_file.exists():
            return 1, 0, [], []
        try:
            saved = json.loads(self._state_file.read_text(encoding="utf-8"))

            def rows(key: str) -> list[CardTransaction]:
                return [CardTransaction(**{**t, "kind": TransactionKind(t["kind"]),
                                           "when": dt.datetime.strptime(t["when"], TIME_FORMAT) if t["when"] else None})
                        for t in saved.get(key, [])]

            return int(saved["batch"]), int(saved["trace"]), rows("transactions"), rows("settled")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("card terminal simulator: %s unreadable (%s); starting a new batch", self._state_file, exc)
            return 1, 0, [], []

    def _save(self) -> None:
        if self._state_file is None:
            return
        def rows(txns: list[CardTransaction]) -> list[dict[str, Any]]:
            return [{**asdict(t), "kind": t.kind.value, "when": t.when.strftime(TIME_FORMAT) if t.when else ""}
                    for t in txns]

        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"batch": self._batch, "trace": self._trace,
                                         "transactions": rows(self._transactions), "settled": rows(self._settled)}),
                             encoding="utf-8")
        os.replace(temporary, self._state_file)


def build(settings: Mapping[str, Any], context: DeviceContext) -> SerialCardTerminal:
    """Start the simulator on a pty and return the real driver connected to it."""
    framing = settings.get("framing", StxLrcFraming.name)
    simulator = CardTerminalSimulator(context.data_dir / STATE_FILE, baud=settings["baud"],
                                      framing=framing_named(framing))
    port = simulator.start()
    context.simulators["card_terminal"] = simulator
    context.closers.append(simulator.stop)
    return SerialCardTerminal(port, settings["baud"], framing=framing_named(framing))
