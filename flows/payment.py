"""The QR payment sub-step shared by the services that take money (endorsements, fines).

The citizen sees an amount, a QR code and a countdown; the screen moves on by itself when the
back end says the payment is paid (UX.md: "I have paid" is never needed). The back end is the
only judge of a payment: a `PaymentNotice` from a push channel only makes the kiosk ask at
once instead of at the next poll.

Every payment attempt is journalled before it is created (so its request id is known before
the back end sees it) and after (its payment id and expiry), and the outcome is journalled
when the kiosk learns it. A payment the citizen walks away from cannot be cancelled through
the contract (there is no such operation): it stays payable until it expires, so it is
journalled as abandoned and flows/recovery.py checks it again later.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from decimal import Decimal

from backend_client import errors as backend_errors
from backend_client.models import Payment, PaymentStatus
from core.i18n import N_
from flows.context import FlowContext

log = logging.getLogger(__name__)

# While the QR code is shown, ask the back end this often (on Tick). One small query a second
# is nothing for the back end and the screen moves on within a second of the payment.
PAYMENT_POLL_INTERVAL_SECONDS = 1.0
# The countdown is the back end's expiry. When it has run out, keep asking this much longer
# before giving up: clocks differ, and a payment made in the last second must not be missed.
PAYMENT_EXPIRY_GRACE_SECONDS = 10.0

MSG_PAYMENT_DECLINED = N_("payment.declined")
MSG_PAYMENT_EXPIRED = N_("payment.expired")
MSG_PAYMENT_CHECK_DELAYED = N_("payment.check_delayed")
MSG_PAYMENT_UNKNOWN = N_("payment.status_unknown")

# Journal step names (request ids derive from them: see flows/journal.py).
PAID_STEP = "paid"


def payment_step(attempt: int) -> str:
    """The journal step of payment attempt `attempt` (1, 2, ...): each attempt is its own
    request to the back end, so each needs its own request id."""
    return f"payment_{attempt}"


def result_step(attempt: int) -> str:
    return f"payment_{attempt}_result"


class PaymentOutcome(enum.Enum):
    PENDING = "pending"    # QR shown, not paid yet
    PAID = "paid"
    DECLINED = "declined"  # the provider refused: the citizen may try again
    EXPIRED = "expired"    # the QR code ran out: the citizen may try again
    ABANDONED = "abandoned"  # left while pending: payable until it expires, recovery checks it later
    UNKNOWN = "unknown"    # the back end cannot be asked and the countdown is over: recovery decides


def fen(amount: Decimal) -> int:
    """Yuan to fen for the journal (integers only there)."""
    return int((amount * 100).to_integral_value())


@dataclass
class QrPayment:
    """One payment attempt for one order: create, poll, learn the outcome.

    Raises the back end's errors only from `create` (nothing is shown yet, so the flow can
    say so and stop); while the QR code is shown, an unreachable back end is only a note on
    screen until the countdown and its grace are over.
    """

    ctx: FlowContext
    txn_id: str
    order_id: str
    attempt: int
    payment: Payment | None = None
    deadline: float | None = None  # ctx.now() time the countdown ends
    outcome: PaymentOutcome = PaymentOutcome.PENDING
    error_key: str | None = None
    _next_poll: float = 0.0

    def create(self) -> Payment:
        step = payment_step(self.attempt)
        request_id = self.ctx.journal.before(self.txn_id, step, {"order_id": self.order_id})
        try:
            payment = self.ctx.backend.create_payment(self.order_id, request_id)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, step, {"error": error.message_key})
            raise
        self.ctx.journal.set_refs(self.txn_id, payment_id=payment.payment_id, amount_fen=fen(payment.amount))
        self.ctx.journal.after(self.txn_id, step, {
            "payment_id": payment.payment_id, "amount_fen": fen(payment.amount),
            "expires_at": payment.expires_at.isoformat()})
        self.payment = payment
        remaining = (payment.expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        self.deadline = self.ctx.now() + max(0.0, remaining)
        self._next_poll = self.ctx.now() + PAYMENT_POLL_INTERVAL_SECONDS
        log.info("payment %s for order %s: %s yuan, %.0f s to pay", payment.payment_id, self.order_id,
                 payment.amount, remaining)
        return payment

    def poll(self, now_please: bool = False) -> PaymentOutcome:
        """Ask the back end when a poll is due (or at once after a notice); return the outcome."""
        if self.outcome is not PaymentOutcome.PENDING:
            return self.outcome
        now = self.ctx.now()
        if not now_please and now < self._next_poll:
            return self.outcome
        self._next_poll = now + PAYMENT_POLL_INTERVAL_SECONDS
        status = self._ask()
        if status is None:
            if self.deadline is not None and now > self.deadline + PAYMENT_EXPIRY_GRACE_SECONDS:
                return self._end(PaymentOutcome.UNKNOWN, MSG_PAYMENT_UNKNOWN)
            return self.outcome
        if status is PaymentStatus.PAID:
            return self._end(PaymentOutcome.PAID, None)
        if status is PaymentStatus.DECLINED:
            return self._end(PaymentOutcome.DECLINED, MSG_PAYMENT_DECLINED)
        if status is PaymentStatus.EXPIRED:
            return self._end(PaymentOutcome.EXPIRED, MSG_PAYMENT_EXPIRED)
        if self.deadline is not None and now > self.deadline + PAYMENT_EXPIRY_GRACE_SECONDS:
            # The back end still says pending long after its own expiry: stop showing the code.
            return self.abandon()
        return self.outcome

    def abandon(self) -> PaymentOutcome:
        """The citizen leaves (cancel, session timeout) or the countdown is over: ask one last
        time. PAID means the money is taken and the caller must finish or refund; otherwise
        the payment is journalled as abandoned (it may still be paid until it expires, which
        recovery checks later)."""
        if self.outcome is not PaymentOutcome.PENDING:
            return self.outcome
        status = self._ask()
        if status is PaymentStatus.PAID:
            return self._end(PaymentOutcome.PAID, None)
        if status in (PaymentStatus.DECLINED, PaymentStatus.EXPIRED):
            return self._end(PaymentOutcome.DECLINED if status is PaymentStatus.DECLINED
                             else PaymentOutcome.EXPIRED, None)
        self.outcome = PaymentOutcome.UNKNOWN if status is None else PaymentOutcome.ABANDONED
        self.ctx.journal.after(self.txn_id, result_step(self.attempt), {
            "status": "abandoned", "payment_id": self.payment.payment_id if self.payment else None,
            "backend_answered": status is not None})
        log.info("payment attempt %d abandoned while %s", self.attempt,
                 "pending" if status is not None else "the back end could not be asked")
        return self.outcome

    @property
    def seconds_left(self) -> float:
        return 0.0 if self.deadline is None else max(0.0, self.deadline - self.ctx.now())

    def _ask(self) -> PaymentStatus | None:
        assert self.payment is not None, "poll before create"
        try:
            status = self.ctx.backend.get_payment_status(self.payment.payment_id).status
        except backend_errors.PaymentExpiredError:
            return PaymentStatus.EXPIRED
        except backend_errors.BackendError as error:
            log.warning("payment status not available: %s", error)
            self.error_key = MSG_PAYMENT_CHECK_DELAYED
            return None
        self.error_key = None
        return status

    def _end(self, outcome: PaymentOutcome, error_key: str | None) -> PaymentOutcome:
        self.outcome = outcome
        self.error_key = error_key
        payment_id = self.payment.payment_id if self.payment else None
        if outcome is PaymentOutcome.PAID:
            self.ctx.journal.after(self.txn_id, PAID_STEP, {"payment_id": payment_id})
        else:
            self.ctx.journal.after(self.txn_id, result_step(self.attempt),
                                   {"status": outcome.value, "payment_id": payment_id})
        log.info("payment attempt %d: %s", self.attempt, outcome.value)
        return outcome

    def view_data(self) -> dict[str, object]:
        """What the payment screen shows: amount, QR payload, countdown."""
        if self.payment is None:
            return {}
        return {"amount": str(self.payment.amount), "qr": self.payment.qr_payload,
                "seconds_left": round(self.seconds_left), "attempt": self.attempt}
