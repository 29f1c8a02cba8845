"""The paid part of a service that takes money (endorsements, fines): one journal transaction
with its QR payment attempts, the refund and the receipt.

flows/payment.py knows one payment attempt. What a service does around it was the same in
every flow that takes money, so it lives here once: open the transaction, show a code (and
another after a decline or an expiry, up to PAYMENT_ATTEMPTS), follow it on ticks and payment
notices, settle the transaction when the citizen leaves, refund, print the receipt. Every call
answers with a `PaidResult`; `PaidFlow` is the part of a paying flow's machine that follows
those answers, once for both flows: each names its own payment states (`PaymentStates`) and
says what being paid means for it.

The journal entries written here (step names, phases, details, transaction notes) are the
ones flows/recovery.py reads back after a crash: they must not change.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from backend_client import errors as backend_errors
from backend_client.models import Payment
from core.i18n import N_
from devices.printer.receipt import Receipt
from flows.card_payment import CARD_TERMINAL, MSG_CARD_UNKNOWN, CardOutcome, CardSale
from flows.common_steps import print_journalled
from flows.context import FlowContext
from flows.engine import Event, Flow, PaymentNotice, Tick, Touch
from flows.journal import TxnStatus
from flows.payment import MSG_PAYMENT_EXPIRED, PaymentOutcome, QrPayment

log = logging.getLogger(__name__)

S = TypeVar("S", bound=enum.Enum)

# QR payment attempts for one order: a declined or expired code may be followed by a new one,
# this many codes in all; after the last one the citizen can only leave.
PAYMENT_ATTEMPTS = 3

# Journal step of the refund (its request id derives from it; recovery refunds under it too).
REFUND_STEP = "refund"
# Added to a transaction's note when its receipt did not come out, so staff can reprint it.
NOTE_RECEIPT_NOT_PRINTED = "receipt not printed"

RETRY_ACTION = "retry"
CANCEL_ACTION = "cancel"
PAY_BY_CARD_ACTION = "pay_card"  # beside the QR code: pay on the bank card terminal instead

# Card sale attempts for one order (issue 21), apart from the QR codes.
CARD_ATTEMPTS = 3
# After the citizen's cancel during a card sale: how long to wait for the terminal's answer (it
# heeds a cancel before the card is read at once; after that the sale runs on, and recovery
# settles it from the journal).
CARD_CANCEL_WAIT_SECONDS = 5.0

# What the screen says while the code is shown, and after a code was declined or ran out.
MSG_SCAN_TO_PAY = N_("payment.scan_to_pay")
MSG_PAYMENT_FAILED = N_("payment.try_again")

# Payment outcomes after which the citizen may be offered another code.
_OFFER_AGAIN = frozenset({PaymentOutcome.DECLINED, PaymentOutcome.EXPIRED, PaymentOutcome.ABANDONED})


class Paid(enum.Enum):
    """What happened to the paid part, for the flow to choose its next state."""

    SHOWN = "shown"          # a QR code is on screen, its countdown running
    PENDING = "pending"      # not paid yet: only `error_key` (a delayed check) may have changed
    PAID = "paid"            # the money is taken: deliver, or refund
    FAILED = "failed"        # declined, expired or given up: another code may be offered
    UNKNOWN = "unknown"      # the back end cannot say: the transaction stays open for recovery
    NO_CODE = "no_code"      # no code could be created: the transaction is closed as cancelled
    CANCELLED = "cancelled"  # the citizen left without paying: closed as cancelled


@dataclass(frozen=True)
class PaidResult:
    outcome: Paid
    error_key: str | None = None  # what the screen should say about it, if anything


class PaidService:
    """One journal transaction of a paid service, opened on construction.

    The flow journals its own steps (order, accept, card write, confirm) under `txn_id`; this
    step journals the payments, the refund and the print, and closes the transaction when
    the flow says how it ended.
    """

    def __init__(self, ctx: FlowContext, flow: str, summary: Mapping[str, Any], amount_fen: int) -> None:
        self.ctx = ctx
        self.txn_id = ctx.journal.open_transaction(flow, summary, amount_fen=amount_fen)
        self.payment: QrPayment | None = None  # the latest attempt
        self.card: CardSale | None = None  # the latest card sale, when the citizen chose the card
        self._card_attempts = 0
        self.refund_id: str | None = None
        self.receipt_error: str | None = None  # why the receipt did not come out, if it did not
        self._order_id: str | None = None
        self._no_code_note = ""

    # ----- paying -----
    def start(self, order_id: str, no_code_note: str) -> PaidResult:
        """Show the first code for `order_id`. `no_code_note` is the transaction's note should
        no code be created (then or on a later attempt): the flow knows what was done so far."""
        self._order_id, self._no_code_note = order_id, no_code_note
        return self._show(1)

    def follow(self, event: Event) -> PaidResult | None:
        """While the code is shown: ask the back end on a tick (when a poll is due) or at once
        on a payment notice. None for events that are not about the payment."""
        if isinstance(event, Touch) and event.action == PAY_BY_CARD_ACTION and self.can_pay_by_card:
            return self._start_card()
        if self.card is not None and self.card.outcome is CardOutcome.RUNNING:
            return self._follow_card() if isinstance(event, Tick) else None
        payment = self._current()
        if isinstance(event, PaymentNotice):
            outcome = payment.poll(now_please=True)
        elif isinstance(event, Tick):
            outcome = payment.poll()
        else:
            return None
        if outcome is PaymentOutcome.PENDING:
            return PaidResult(Paid.PENDING, payment.error_key)
        if outcome is PaymentOutcome.PAID:
            return PaidResult(Paid.PAID)
        if outcome in _OFFER_AGAIN:
            return PaidResult(Paid.FAILED, payment.error_key or MSG_PAYMENT_EXPIRED)
        return PaidResult(Paid.UNKNOWN, payment.error_key)

    def on_failed(self, event: Event) -> PaidResult | None:
        """After a failed attempt: the citizen's "retry" shows a new code while attempts are left."""
        if isinstance(event, Touch) and event.action == RETRY_ACTION and self.can_retry:
            self.card = None
            return self._show(self._current().attempt + 1)
        return None

    # ----- paying by bank card (issue 21) -----
    @property
    def can_pay_by_card(self) -> bool:
        """The kiosk has a card terminal, no sale is running and card attempts are left."""
        if self._order_id is None or self._card_attempts >= CARD_ATTEMPTS:
            return False
        if self.card is not None and self.card.outcome is CardOutcome.RUNNING:
            return False
        return self.ctx.devices.get(CARD_TERMINAL) is not None

    @property
    def paying_by_card(self) -> bool:
        return self.card is not None and self.card.outcome is CardOutcome.RUNNING

    def paying_actions(self) -> tuple[str, ...]:
        """The touches of the payment screen: the card beside the QR code, and leaving."""
        return (PAY_BY_CARD_ACTION, CANCEL_ACTION) if self.can_pay_by_card else (CANCEL_ACTION,)

    def _start_card(self) -> PaidResult:
        assert self._order_id is not None and self.payment is not None and self.payment.payment is not None
        self._card_attempts += 1
        sale = CardSale(self.ctx, self.txn_id, self._order_id, self.payment.payment.amount, self._card_attempts)
        self.card = sale
        sale.start()
        return PaidResult(Paid.SHOWN)

    def _follow_card(self) -> PaidResult:
        card = self.card
        assert card is not None
        outcome = card.poll()
        if outcome is CardOutcome.RUNNING:
            return PaidResult(Paid.PENDING)
        if outcome is CardOutcome.PAID:
            return PaidResult(Paid.PAID)
        if outcome is CardOutcome.UNKNOWN:
            return PaidResult(Paid.UNKNOWN, card.error_key or MSG_CARD_UNKNOWN)
        if outcome is CardOutcome.VOIDED and self._current().poll(now_please=True) is PaymentOutcome.PAID:
            self.card = None  # the phone paid first: the card sale was given back, the QR payment stands
            return PaidResult(Paid.PAID)
        return PaidResult(Paid.FAILED, card.error_key)

    @property
    def can_retry(self) -> bool:
        return self.payment is not None and self.payment.attempt < PAYMENT_ATTEMPTS

    def failed_actions(self) -> tuple[str, ...]:
        """The touches of the payment-failed screen: another code while attempts are left."""
        return (RETRY_ACTION, CANCEL_ACTION) if self.can_retry else (CANCEL_ACTION,)

    @property
    def deadline(self) -> float | None:
        """When the shown code's countdown ends; None once the attempt has an outcome, and while
        a card sale runs (the terminal has its own time-out)."""
        payment = self.payment
        if self.paying_by_card:
            return None
        if payment is None or payment.outcome is not PaymentOutcome.PENDING:
            return None
        return payment.deadline

    @property
    def taken(self) -> Payment | None:
        """The back end's record of the latest payment attempt (amount, ids), once created: the
        card payment once a card sale was recorded, else the latest QR payment."""
        if self.card is not None and self.card.payment is not None:
            return self.card.payment
        return self.payment.payment if self.payment is not None else None

    def view_data(self) -> dict[str, object]:
        if self.paying_by_card:
            assert self.card is not None
            return {**self.card.view_data(), "method": "card"}
        data = self.payment.view_data() if self.payment is not None else {}
        return {**data, "order_id": self._order_id, "method": "qr", "card_available": self.can_pay_by_card} \
            if data else data

    def receipt_lines(self) -> list[tuple[str, str]]:
        """The card's lines for the receipt (masked number, authorisation code, reference), if
        it was paid by card."""
        if self.card is not None and self.card.payment is not None:
            return self.card.receipt_lines()
        return []

    def _show(self, attempt: int) -> PaidResult:
        assert self._order_id is not None, "start before retrying"
        payment = QrPayment(self.ctx, self.txn_id, self._order_id, attempt)
        try:
            payment.create()
        except backend_errors.BackendError as error:
            self.close(TxnStatus.CANCELLED, self._no_code_note)
            return PaidResult(Paid.NO_CODE, error.message_key)
        self.payment = payment
        return PaidResult(Paid.SHOWN)

    def _current(self) -> QrPayment:
        assert self.payment is not None, "no payment attempt yet"
        return self.payment

    # ----- leaving -----
    def abandon(self, reason: str, done_before: str = "") -> PaidResult:
        """The citizen leaves while a code is shown or after it failed: ask one last time.

        PAID: the money is taken and the flow must deliver or refund. UNKNOWN: the back end
        cannot say, so the transaction stays open and recovery decides. Otherwise nothing was
        taken: the transaction is closed as cancelled, its note saying why (`reason`), what
        was done before paying (`done_before`, e.g. "accepted, ") and what became of the payment.
        """
        if self.paying_by_card:
            return self._abandon_card(reason, done_before)
        payment = self._current()
        outcome = payment.abandon()
        if outcome is PaymentOutcome.PAID:
            return PaidResult(Paid.PAID)
        if outcome is PaymentOutcome.UNKNOWN:
            return PaidResult(Paid.UNKNOWN, payment.error_key)
        self.close(TxnStatus.CANCELLED, f"{reason}; {done_before}payment {outcome.value}")
        return PaidResult(Paid.CANCELLED)

    def _abandon_card(self, reason: str, done_before: str) -> PaidResult:
        """Cancel the running sale and wait briefly for the terminal's answer. Approved after
        all (the card was read already): PAID. No answer in time: the transaction stays open
        and recovery asks the terminal. Otherwise closed as cancelled; the QR code shown before
        is left to expire (recovery checks it as for any abandoned code)."""
        card = self.card
        assert card is not None
        card.cancel()
        outcome = card.wait(CARD_CANCEL_WAIT_SECONDS)
        if outcome is CardOutcome.PAID:
            return PaidResult(Paid.PAID)
        if outcome in (CardOutcome.RUNNING, CardOutcome.UNKNOWN):
            return PaidResult(Paid.UNKNOWN, MSG_CARD_UNKNOWN)
        qr = self._current().abandon()
        if qr is PaymentOutcome.PAID:
            return PaidResult(Paid.PAID)
        if qr is PaymentOutcome.UNKNOWN:
            return PaidResult(Paid.UNKNOWN, self._current().error_key)
        self.close(TxnStatus.CANCELLED, f"{reason}; {done_before}card payment {outcome.value}")
        return PaidResult(Paid.CANCELLED)

    def refund(self, reason: str) -> str | None:
        """Give the latest payment back, journalled before and after; the refund id, or None
        when the back end cannot be reached now (recovery refunds it with the same request id).
        A card payment is first voided on the terminal (the same day), then refunded at the back end."""
        if self.card is not None and self.card.payment is not None and not self.card.void(reason):
            log.warning("card sale %s not voided now: the refund waits for recovery", self.card.reference)
            return None
        taken = self.taken
        payment_id = taken.payment_id if taken is not None else None
        request_id = self.ctx.journal.before(self.txn_id, REFUND_STEP, {"payment_id": payment_id, "reason": reason})
        try:
            refund = self.ctx.backend.refund_payment(payment_id, reason, request_id)
        except backend_errors.BackendError as error:
            log.warning("refund not done now (recovery will): %s", error)
            self.ctx.journal.failed(self.txn_id, REFUND_STEP, {"error": error.message_key})
            return None
        self.refund_id = refund.refund_id
        self.ctx.journal.after(self.txn_id, REFUND_STEP, {"refund_id": refund.refund_id})
        return self.refund_id

    # ----- the end -----
    def print_receipt(self, receipt: Receipt) -> str | None:
        """Print, journalled; None when printed, else why not (a printer out of paper). What
        was paid for stays done: the flow shows the fault on its end screen instead."""
        self.receipt_error = print_journalled(self.ctx, self.txn_id, receipt)
        return self.receipt_error

    def close(self, status: TxnStatus, note: str = "") -> None:
        """End the transaction; a receipt that did not come out is added to the note."""
        if self.receipt_error is not None:
            note = f"{note}; {NOTE_RECEIPT_NOT_PRINTED}" if note else NOTE_RECEIPT_NOT_PRINTED
        self.ctx.journal.close_transaction(self.txn_id, status, note)


@dataclass(frozen=True)
class PaymentStates(Generic[S]):
    """The states of a paying flow that the payment moves it between."""

    paying: S       # the code and its countdown
    failed: S       # declined or expired: another code, or leave
    unavailable: S  # no code could be shown, or no answer: leave
    cancelled: S    # the citizen left without paying


class PaidFlow(Flow[S]):
    """A flow that takes money through a `PaidService` (`self.paid`, from its order on): the
    payment part of its machine, written once for every such flow.

    The flow names its payment states (PAYMENT_STATES) and routes its PAYING and
    PAYMENT_FAILED events to `_on_paying` and `_on_payment_failed`; it says what being paid
    means (`_on_paid`, `_on_paid_then_left`) and how it ends unpaid (`_leave`).
    """

    PAYMENT_STATES: ClassVar[PaymentStates[Any]]

    def __init__(self, initial: S, now: Callable[[], float]) -> None:
        super().__init__(initial, now)
        self.paid: PaidService | None = None

    @property
    def txn_id(self) -> str | None:
        return self.paid.txn_id if self.paid is not None else None

    @property
    def _paid(self) -> PaidService:
        assert self.paid is not None, "no paid transaction yet"
        return self.paid

    # ----- what the flow says -----
    def _on_paid(self) -> None:
        """The money is taken while the code is shown: deliver."""
        raise NotImplementedError

    def _on_paid_then_left(self, reason: str) -> None:
        """The citizen left (`reason`), but the last look found the money taken."""
        raise NotImplementedError

    def _leave(self, state: S, error_key: str | None) -> None:
        """End without money taken; a flow holding something of the citizen's gives it back first."""
        self.go(state, error_key)

    # ----- following the payment -----
    def _show_payment(self, order_id: str, no_code_note: str) -> None:
        """Show the first code; `no_code_note` closes the transaction if no code can be had."""
        self._follow_payment(self._paid.start(order_id, no_code_note))

    def _on_paying(self, event: Event) -> None:
        self._follow_payment(self._paid.follow(event))

    def _on_payment_failed(self, event: Event) -> None:
        self._follow_payment(self._paid.on_failed(event))

    def _follow_payment(self, result: PaidResult | None) -> None:
        """Where the payment's news leads: the code on screen, delivery once paid, another
        code offered after a decline or expiry, or away when no code or no answer can be had
        (an unknown outcome leaves the transaction open: recovery decides)."""
        if result is None:
            return
        if result.outcome is Paid.PENDING:
            self.note(result.error_key)
            return
        states = self.PAYMENT_STATES
        self.deadline = self._paid.deadline
        if result.outcome is Paid.SHOWN:
            if self.state is not states.paying:
                self.go(states.paying)
            else:  # a card sale started beside the code: the same state, another screen to draw
                self._notify()
        elif result.outcome is Paid.PAID:
            self._on_paid()
        elif result.outcome is Paid.FAILED:
            self.go(states.failed, result.error_key)
        else:
            self._leave(states.unavailable, result.error_key)

    def _cancel_payment(self, reason: str, done_before: str = "") -> None:
        """The citizen leaves while paying: paid after all, or gone unpaid (the transaction closed
        as cancelled, or left open for recovery when the back end cannot say)."""
        result = self._paid.abandon(reason, done_before)
        self.deadline = None
        if result.outcome is Paid.PAID:
            self._on_paid_then_left(reason)
        else:
            self._leave(self.PAYMENT_STATES.cancelled, result.error_key)
