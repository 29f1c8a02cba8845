"""Recovery of a self-service acceptance that a crash, power cut or lost answer left open (issue 12).

The kiosk keeps the fingerprint images and the signature in memory only (never on its disk, never
in the journal), so an interrupted SubmitAcceptance cannot be sent again after a restart. What
the back end knows decides instead, asked with the interrupted flow's own request ids:

- the submission's answer is journalled: the application was accepted, COMPLETED (the receipt
  flagged for reprint when it did not come out);
- nothing was paid (no code, declined, expired): CANCELLED; a code still payable: left OPEN;
- paid and not known to be accepted: RefundPayment under the flow's refund step. The back end
  refunds a paid quote while no application was accepted with it (REFUNDED), and refuses with
  NOT_REFUNDABLE when the submission did arrive and its answer was lost: then COMPLETED, and the
  counter reprints the receipt from the application number the back end holds.

flows/recovery.py calls `settle` with its own payment look-up, so the payment rules stay there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from backend_client import errors as backend_errors
from backend_client.models import NotEligibleReason
from flows.context import FlowContext
from flows.journal import Phase, Transaction, TxnStatus

log = logging.getLogger(__name__)

FLOW_NAME = "acceptance"  # flows/acceptance.py FLOW_NAME (not imported: that module is the whole flow)
SUBMIT_STEP = "submit"
REFUND_STEP = "refund"
PRINT_STEP = "print"
PAID_STEP = "paid"
RECOVERY_REASON = "recovered after an interruption: application not accepted"
NOTE_REPRINT = "receipt not printed: reprint for the citizen"


@dataclass(frozen=True)
class Settled:
    action: str  # a recovery.Action value: complete, refund, cancel, wait, attention
    status: TxnStatus
    note: str


def settle(ctx: FlowContext, txn: Transaction, payment: Callable[[], str], payment_id: Callable[[], str | None],
           after_cancel: bool = False) -> Settled:
    """Settle one acceptance transaction. `payment()` is recovery's look-up of the latest payment
    attempt (a PaymentFact value); `payment_id()` the id it found. `after_cancel`: a transaction
    closed as cancelled whose code was left payable (late payment check)."""
    journal = ctx.journal
    if txn.done(SUBMIT_STEP):
        note = "the application was accepted"
        if not txn.done(PRINT_STEP):
            note = f"{note}; {NOTE_REPRINT}"
        journal.close_transaction(txn.id, TxnStatus.COMPLETED, note)
        return Settled("complete", TxnStatus.COMPLETED, note)
    fact = payment()
    if fact in ("none", "not_paid"):
        if after_cancel:
            return Settled("cancel", TxnStatus.CANCELLED, "nothing was paid")
        journal.close_transaction(txn.id, TxnStatus.CANCELLED, "nothing was paid")
        return Settled("cancel", TxnStatus.CANCELLED, "nothing was paid")
    if fact == "pending":
        if not after_cancel:
            journal.close_transaction(txn.id, TxnStatus.OPEN, "the payment code can still be paid until it expires")
        return Settled("wait", TxnStatus.OPEN, "the payment code can still be paid until it expires")
    if fact == "refunded":
        journal.close_transaction(txn.id, TxnStatus.REFUNDED, "the payment was refunded (only the journal did not know)")
        return Settled("refund", TxnStatus.REFUNDED, "the payment was refunded")
    paid_id = payment_id()
    if fact != "paid" or paid_id is None:
        note = f"payment is {fact}: check at the back end"
        journal.close_transaction(txn.id, TxnStatus.NEEDS_ATTENTION, note)
        return Settled("attention", TxnStatus.NEEDS_ATTENTION, note)
    if not txn.done(PAID_STEP):
        journal.after(txn.id, PAID_STEP, {"payment_id": paid_id, "seen": "recovery"})
    reason = _first_reason(txn) or RECOVERY_REASON
    request_id = journal.before(txn.id, REFUND_STEP, {"payment_id": paid_id, "reason": reason})
    try:
        refund = ctx.backend.refund_payment(paid_id, reason, request_id)
    except backend_errors.NotEligibleError as error:
        if error.reason is not NotEligibleReason.NOT_REFUNDABLE:
            raise
        journal.failed(txn.id, REFUND_STEP, {"error": error.message_key})
        note = f"the back end accepted the application (its answer was lost); {NOTE_REPRINT}"
        log.info("recovery %s: acceptance was accepted, not refunded", txn.id)
        journal.close_transaction(txn.id, TxnStatus.COMPLETED, note)
        return Settled("complete", TxnStatus.COMPLETED, note)
    journal.after(txn.id, REFUND_STEP, {"refund_id": refund.refund_id, "by": "recovery"})
    note = "paid, the application was not accepted: refunded"
    journal.close_transaction(txn.id, TxnStatus.REFUNDED, note)
    return Settled("refund", TxnStatus.REFUNDED, note)


def _first_reason(txn: Transaction) -> str | None:
    """The reason the flow's own refund carried (a replayed request id must carry the same body)."""
    for record in txn.steps:
        if record.step == REFUND_STEP and record.phase is Phase.BEFORE and "reason" in record.detail:
            return record.detail["reason"]
    return None
