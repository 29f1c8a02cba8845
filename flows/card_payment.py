"""One bank card payment attempt for one order (issue 21): the sale on the card terminal, told
to the back end, voided when the back end will not have it.

The terminal's sale blocks while the citizen presents the card and types the PIN (up to the
terminal's own time-out, about two minutes), so it runs on a thread of its own: the flow's
thread stays free for the citizen's "cancel" (sent to the terminal, which heeds it only before
the card is read) and for the session's clock; the flow looks at `poll()` on its ticks.

Every exchange with the terminal or the back end is journalled before and after, under the
steps named below, with the attempt's own reference (a new one per attempt, so the terminal's
"last transaction" tells this attempt from an earlier one). flows/recovery.py reads these steps
back after a crash: a sale journalled "before" but not "after" is settled by asking the
terminal for its last transaction. The journal holds the masked card number only; the
terminal never sends a full one.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from backend_client import errors as backend_errors
from backend_client import models as mo
from core.i18n import N_
from devices.base import DeviceError
from devices.card_terminal.contract import (
    CardTerminal,
    CardTerminalError,
    CardTransaction,
    SaleNotInOpenBatch,
    TransactionKind,
)
from flows.context import FlowContext
from flows.payment import PAID_STEP, fen

log = logging.getLogger(__name__)

CARD_TERMINAL = "card_terminal"  # the device kind

# Screen messages of the card path.
MSG_PRESENT_CARD = N_("card_payment.present_card")
MSG_CARD_NOT_TAKEN = N_("card_payment.not_taken")  # declined or cancelled: nothing was charged
MSG_CARD_VOIDED = N_("card_payment.voided")  # charged, but the back end refused it: given back
MSG_CARD_UNKNOWN = N_("card_payment.unknown")  # outcome not known yet: staff settle it


def sale_step(attempt: int) -> str:
    """Journal step of the terminal exchange of attempt `attempt` (before: reference, amount)."""
    return f"card_sale_{attempt}"


def record_step(attempt: int) -> str:
    """Journal step of telling the back end of an approved sale (its request id derives from it)."""
    return f"card_record_{attempt}"


def void_step(attempt: int) -> str:
    """Journal step of voiding an approved sale on the terminal."""
    return f"card_void_{attempt}"


def refund_step(attempt: int) -> str:
    """Journal step of refunding an approved sale on the terminal once its batch was settled."""
    return f"card_refund_{attempt}"


# A void's "after" detail when the terminal's open batch no longer held the sale: settled since,
# so it goes back by a refund (card_refund_N) instead.
VOID_TOO_LATE = "settled"


def reference_for(txn_id: str, attempt: int) -> str:
    """The kiosk's reference of one sale attempt: unique per attempt, fits the terminal (32
    printable ASCII) and the contract's Reference ([A-Za-z0-9-]{1,40})."""
    return f"{txn_id}-{attempt}"


class CardOutcome(enum.Enum):
    RUNNING = "running"    # the terminal is waiting for the card or the PIN, or asking the acquirer
    PAID = "paid"          # approved and recorded by the back end: deliver
    DECLINED = "declined"  # refused (funds, PIN, expired card, time-out) or cancelled: nothing taken
    VOIDED = "voided"      # approved, but the back end refused it (paid otherwise): voided at once
    UNKNOWN = "unknown"    # the terminal or the back end cannot say now: recovery decides


def transaction_detail(txn: CardTransaction) -> dict[str, object]:
    """What the journal keeps of a terminal answer (a masked card number only)."""
    return {"result_code": txn.result_code, "reference": txn.reference, "amount_fen": txn.amount_fen,
            "auth_code": txn.auth_code, "masked_pan": txn.masked_pan, "batch": txn.batch, "trace": txn.trace}


def card_payment_of(txn: CardTransaction) -> mo.CardPayment:
    return mo.CardPayment(txn.reference, txn.auth_code, txn.masked_pan, txn.batch, txn.trace)


@dataclass
class CardSale:
    """One card payment attempt: `start`, then `poll` until it is no longer RUNNING; `cancel`
    while the card is not read yet. The back end's record is `payment` once PAID."""

    ctx: FlowContext
    txn_id: str
    order_id: str
    amount: Decimal
    attempt: int
    reference: str = ""
    outcome: CardOutcome = CardOutcome.RUNNING
    error_key: str | None = None
    approved: CardTransaction | None = None
    payment: mo.Payment | None = None
    _answer: CardTransaction | None = None
    _failure: CardTerminalError | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)
    _cancel_wanted: bool = False

    def __post_init__(self) -> None:
        self.reference = self.reference or reference_for(self.txn_id, self.attempt)

    @property
    def terminal(self) -> CardTerminal:
        return self.ctx.card_terminal()

    def start(self) -> None:
        """Journal the sale, then run it on its own thread."""
        terminal = self.terminal
        self.ctx.journal.before(self.txn_id, sale_step(self.attempt), {
            "reference": self.reference, "order_id": self.order_id, "amount_fen": fen(self.amount)})
        self._thread = threading.Thread(target=self._sell, args=(terminal,), name=f"card-sale-{self.reference}",
                                        daemon=True)
        self._thread.start()
        log.info("card sale %s for order %s: %s yuan", self.reference, self.order_id, self.amount)

    def _sell(self, terminal: CardTerminal) -> None:
        try:
            self._answer = terminal.sale(fen(self.amount), self.reference)
        except CardTerminalError as error:
            self._failure = error

    def wait(self, timeout: float, every: float = 0.2) -> CardOutcome:
        """Poll until the terminal answered or `timeout` passed (tests, recovery, the self-test)."""
        end = time.monotonic() + timeout
        while self.poll() is CardOutcome.RUNNING and time.monotonic() < end:
            assert self._thread is not None
            self._thread.join(every)
        return self.outcome

    def cancel(self) -> None:
        """The citizen leaves before presenting the card: ask the terminal to abandon the sale.
        Its answer (cancelled, or approved when the card was already read) still comes through
        `poll`, which asks again while the sale runs: a cancel that overtook the sale's own
        frame on the line is ignored by the terminal, and asking twice is harmless."""
        if self.outcome is CardOutcome.RUNNING:
            self._cancel_wanted = True
            self.terminal.cancel()

    def poll(self) -> CardOutcome:
        """RUNNING while the terminal works; then settle what it answered, once."""
        if self.outcome is not CardOutcome.RUNNING or self._thread is None:
            return self.outcome
        if self._thread.is_alive():
            if self._cancel_wanted:
                self.terminal.cancel()
            return self.outcome
        answer = self._answer
        if answer is None:  # the line failed mid-sale: outcome unknown until the terminal says
            answer = self._ask_last()
            if answer is None:
                return self.outcome
        if answer.reference != self.reference or answer.kind is not TransactionKind.SALE:
            # The terminal's last transaction is not this sale: it never ran, nothing was taken.
            self.ctx.journal.after(self.txn_id, sale_step(self.attempt), {"status": "absent"})
            return self._end(CardOutcome.DECLINED, MSG_CARD_NOT_TAKEN)
        if not answer.approved:
            self.ctx.journal.after(self.txn_id, sale_step(self.attempt),
                                   {"status": "declined", "result_code": answer.result_code})
            reason = answer.decline_reason
            return self._end(CardOutcome.DECLINED, reason.message_key if reason else MSG_CARD_NOT_TAKEN)
        self.ctx.journal.after(self.txn_id, sale_step(self.attempt), {"status": "approved", **transaction_detail(answer)})
        self.approved = answer
        return self._record(answer)

    def _ask_last(self) -> CardTransaction | None:
        try:
            last = self.terminal.query_last()
        except CardTerminalError as error:
            log.warning("card sale %s: outcome unknown, the terminal cannot be asked: %s", self.reference, error)
            self.ctx.journal.failed(self.txn_id, sale_step(self.attempt), {"error": error.message_key})
            self._end(CardOutcome.UNKNOWN, MSG_CARD_UNKNOWN)
            return None
        if last is None:
            self.ctx.journal.after(self.txn_id, sale_step(self.attempt), {"status": "absent"})
            self._end(CardOutcome.DECLINED, MSG_CARD_NOT_TAKEN)
            return None
        return last

    def _record(self, approved: CardTransaction) -> CardOutcome:
        """Tell the back end; void the sale when it will not have it (the order paid otherwise)."""
        step = record_step(self.attempt)
        request_id = self.ctx.journal.before(self.txn_id, step, {"reference": self.reference})
        try:
            payment = self.ctx.backend.record_card_payment(self.order_id, self.amount, card_payment_of(approved),
                                                           request_id)
        except backend_errors.NotEligibleError as refused:
            self.ctx.journal.after(self.txn_id, step, {"status": "refused", "reason": refused.reason.value})
            return self._void_refused(refused.message_key)
        except backend_errors.BackendError as error:
            log.warning("card sale %s approved but not recorded now (recovery will): %s", self.reference, error)
            self.ctx.journal.failed(self.txn_id, step, {"error": error.message_key})
            return self._end(CardOutcome.UNKNOWN, MSG_CARD_UNKNOWN)
        self.payment = payment
        self.ctx.journal.set_refs(self.txn_id, payment_id=payment.payment_id, amount_fen=fen(payment.amount))
        self.ctx.journal.after(self.txn_id, step, {"payment_id": payment.payment_id})
        # The money is taken, as the QR path journals it (daily close, fleet report, recovery).
        self.ctx.journal.after(self.txn_id, PAID_STEP, {"payment_id": payment.payment_id, "method": "card"})
        return self._end(CardOutcome.PAID, None)

    def _void_refused(self, why_key: str) -> CardOutcome:
        if self.void("the back end refused the sale"):
            return self._end(CardOutcome.VOIDED, why_key)
        return self._end(CardOutcome.UNKNOWN, MSG_CARD_UNKNOWN)

    def void(self, reason: str) -> bool:
        """Give an approved sale back on the terminal (a failed card write, or a sale the back end
        refused): a void while its batch is open (the same day), a refund once the batch was
        settled. False when the terminal could not do it now: recovery does it with the journal's
        reference."""
        return give_back(self.ctx, self.txn_id, self.attempt, self.reference, fen(self.amount), reason)

    def _end(self, outcome: CardOutcome, error_key: str | None) -> CardOutcome:
        self.outcome, self.error_key = outcome, error_key
        log.info("card sale %s: %s", self.reference, outcome.value)
        return outcome

    def receipt_lines(self) -> list[tuple[str, str]]:
        """(label key, value) pairs for the receipt: masked card number, authorisation code and
        reference, never the full number (the terminal never sends it)."""
        if self.approved is None:
            return []
        return [(N_("receipt.card_number"), self.approved.masked_pan),
                (N_("receipt.auth_code"), self.approved.auth_code),
                (N_("receipt.card_reference"), self.reference)]

    def view_data(self) -> dict[str, object]:
        """What the card screen shows: amount, order, attempt."""
        return {"amount": str(self.amount), "order_id": self.order_id, "attempt": self.attempt, "method": "card"}



def give_back(ctx: FlowContext, txn_id: str, attempt: int, reference: str, amount_fen: int, reason: str,
              extra: dict[str, object] | None = None) -> bool:
    """Give an approved sale back on the terminal, journalled before and after: void it (撤销)
    while its batch is open; when the terminal says the batch no longer holds it (settled since,
    结算), refund it (退货). True when given back; False when the terminal cannot now."""
    extra = extra or {}
    step = void_step(attempt)
    ctx.journal.before(txn_id, step, {"reference": reference, "reason": reason, **extra})
    try:
        voided = ctx.card_terminal().void(reference)
    except SaleNotInOpenBatch:
        ctx.journal.after(txn_id, step, {"status": VOID_TOO_LATE, **extra})
        return refund_on_terminal(ctx, txn_id, attempt, reference, amount_fen, reason, extra)
    except DeviceError as error:  # the terminal's failure, or no terminal in this process
        log.warning("card sale %s not voided now (recovery will): %s", reference, error)
        ctx.journal.failed(txn_id, step, {"error": error.message_key, **extra})
        return False
    ctx.journal.after(txn_id, step, {"result_code": voided.result_code, "trace": voided.trace, **extra})
    return voided.approved


def refund_on_terminal(ctx: FlowContext, txn_id: str, attempt: int, reference: str, amount_fen: int, reason: str,
                       extra: dict[str, object] | None = None) -> bool:
    """Refund a sale of a settled batch on the terminal, journalled (asked again, the terminal
    answers the same refund: no second credit). False when the terminal cannot now."""
    extra = extra or {}
    step = refund_step(attempt)
    ctx.journal.before(txn_id, step, {"reference": reference, "amount_fen": amount_fen, "reason": reason, **extra})
    try:
        refunded = ctx.card_terminal().refund(reference, amount_fen)
    except DeviceError as error:
        log.warning("card sale %s not refunded now (recovery will): %s", reference, error)
        ctx.journal.failed(txn_id, step, {"error": error.message_key, **extra})
        return False
    ctx.journal.after(txn_id, step, {"status": "refunded" if refunded.approved else "declined",
                                     **transaction_detail(refunded), **extra})
    return refunded.approved
