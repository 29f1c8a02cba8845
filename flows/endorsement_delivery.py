"""The endorsement flow once the money is taken: write the chip, confirm with the back end (or
report the failure and refund), print the receipt, give the card back.

`EndorsementDelivery` is the base class of flows/endorsement.py's EndorsementFlow, which adds
everything before the payment; the machine is split in two halves only to keep each readable.
The permit slot helpers (paced card reads, giving the card back) live here because both
halves use them.

Every step with an external effect is journalled before and after with the request id the
back end sees (flows/recovery.py finishes or refunds whatever a crash interrupts): the step
names below are part of that contract.
"""

from __future__ import annotations

import logging

from backend_client import errors as backend_errors
from backend_client.models import EndorsementOrder
from backend_client.models import WriteOutcome as BackendWriteOutcome
from core.i18n import N_
from devices.permit.contract import MSG_NO_CARD as PERMIT_NO_CARD
from devices.permit.contract import PermitError
from devices.permit.records import PermitCard
from flows.context import FlowContext
from flows.endorsement_card import CardReturn, Chip, ChipWriter, eject_card
from flows.endorsement_options import record_for
from flows.endorsement_receipt import endorsement_receipt
from flows.endorsement_states import State
from flows.engine import CardInserted, Event, Tick
from flows.journal import TxnStatus
from flows.paid_service import PaidFlow, PaymentStates

log = logging.getLogger(__name__)

S = State

# ----- named timings -----
# While waiting for a card, look at the reader this often on Tick (a card event looks at once).
CARD_POLL_INTERVAL_SECONDS = 0.25
# After a reader fault, wait this long before asking the reader again (the fault stays on screen).
DEVICE_FAULT_RETRY_SECONDS = 2.0
# A card taken out during the write: how long to wait for it to come back before refunding.
REINSERT_CARD_TIMEOUT_SECONDS = 60.0

# ----- journal steps (request ids derive from them) -----
CONFIRM_STEP = "confirm"
REPORT_FAILURE_STEP = "report_failure"

# ----- why a paid order is refunded (journal, back end and transaction note) -----
REASON_ORDER_UNREADABLE = "issued endorsement data not available"
REASON_NOT_REINSERTED = "card not inserted again"
NOTE_PARTLY_ON_CHIP = "refunded, but part of the order is on the chip"

MSG_CARD_REMOVED = N_("permit.card_removed")
MSG_WRONG_PERMIT = N_("endorsement.wrong_permit")
MSG_CONFIRM_PENDING = N_("endorsement.confirm_pending")
MSG_CARD_STUCK = N_("endorsement.card_stuck")
MSG_WRITE_RETRY = N_("endorsement.write_retry")


class EndorsementDelivery(PaidFlow[State]):
    """What is known once the citizen has chosen and paid, and what is done with it."""

    PAYMENT_STATES = PaymentStates(paying=S.PAYING, failed=S.PAYMENT_FAILED, unavailable=S.UNAVAILABLE,
                                   cancelled=S.CANCELLED)

    def __init__(self, ctx: FlowContext, initial: State) -> None:
        super().__init__(initial, ctx.now)
        self.ctx = ctx
        self.card: PermitCard | None = None
        self.order: EndorsementOrder | None = None
        self.chip: ChipWriter | None = None      # from the paid order's records on
        self.confirmed = False
        self.card_returned = False
        self._next_card_poll = 0.0
        self._reinsert_deadline = 0.0

    @property
    def written(self) -> frozenset[int]:
        """Positions of the order items on the chip (none before the write began)."""
        return frozenset(self.chip.written) if self.chip is not None else frozenset()

    @property
    def write_progress(self) -> dict[str, int]:
        """What the write step has done of what it knows (issue 14: progress on screen that is
        counted, not timed): records on the chip, records of the order; empty before the
        paid order's records are known."""
        if self.chip is None:
            return {}
        return {"records_written": len(self.chip.written), "records_total": len(self.chip.records)}

    # ----- the permit slot -----
    def _card_poll_due(self, event: Event, kind: str) -> bool:
        """A card event looks at once; a Tick only every CARD_POLL_INTERVAL_SECONDS."""
        if isinstance(event, CardInserted) and event.kind == kind:
            return True
        if isinstance(event, Tick) and self.now() >= self._next_card_poll:
            self._next_card_poll = self.now() + CARD_POLL_INTERVAL_SECONDS
            return True
        return False

    def _read_permit(self) -> PermitCard | None:
        """Read the card in the slot; None (with the reason on screen) when there is none yet."""
        try:
            card = self.ctx.permit().read_card()
        except PermitError as error:
            if error.message_key != PERMIT_NO_CARD:
                log.warning("permit read failed: %s (%s)", error.message_key, error.detail)
                self._next_card_poll = self.now() + DEVICE_FAULT_RETRY_SECONDS
                self.note(error.message_key)
            return None
        self.note(None)
        return card

    def _eject(self) -> None:
        self.card_returned = eject_card(self.ctx)

    def _leave(self, state: State, error_key: str | None) -> None:
        """End without money at stake: return the card if the flow took it."""
        if self.card is not None:
            self._eject()
        self.go(state, error_key)

    # ----- paid: write -----
    def _on_paid_then_left(self, reason: str) -> None:
        self._refund(f"paid, then the citizen left ({reason})")

    def _on_paid(self) -> None:
        """Read the issued endorsements and write them to the chip."""
        self.go(S.WRITING)
        assert self.order is not None
        try:
            order = self.ctx.backend.get_endorsement_order(self.order.order_id)
        except backend_errors.BackendError as error:
            log.warning("paid order not readable: %s", error)
            self._refund(REASON_ORDER_UNREADABLE)
            return
        self.order = order
        office = self.ctx.settings["issuing_office"]
        self.chip = ChipWriter(self.ctx, self._paid.txn_id, [record_for(item, office) for item in order.items])
        self._stay(self.error_key)  # the records are known: the screen counts them
        self._write_remaining()

    def _write_remaining(self) -> None:
        """Write what is not on the chip yet (flows/endorsement_card.py), then confirm; or wait
        for a card pulled out mid-write; or refund."""
        assert self.chip is not None
        result = self.chip.write_remaining(on_retry=lambda: self.note(MSG_WRITE_RETRY),
                                           on_written=lambda: self._stay(self.error_key))
        if result.outcome is Chip.WRITTEN:
            self._confirm()
        elif result.outcome is Chip.REINSERT:
            self._reinsert_deadline = self.now() + REINSERT_CARD_TIMEOUT_SECONDS
            self.deadline = self._reinsert_deadline
            self.go(S.REINSERT_CARD, MSG_CARD_REMOVED)
        else:
            self._refund(result.reason)

    def _on_reinsert(self, event: Event) -> None:
        """The card left mid-write: the same permit back resumes the write (records it already
        holds count as written); none in time means a refund."""
        if not self._card_poll_due(event, "permit"):
            return
        if self.now() > self._reinsert_deadline:
            self._refund(REASON_NOT_REINSERTED)
            return
        card = self._read_permit()
        if card is None:
            return
        assert self.card is not None and self.chip is not None
        if card.permit_number != self.card.permit_number:
            self.note(MSG_WRONG_PERMIT)
            self._eject()
            return
        self.chip.seen_on(card)
        self.deadline = None
        self.go(S.WRITING)
        self._write_remaining()

    # ----- confirm, or report and refund -----
    def _confirm(self) -> None:
        """Tell the back end the chip holds the order; the receipt and the card either way (an
        unconfirmed write is left open for recovery to confirm). The card comes out meanwhile:
        every record is on it and journalled as written, so recovery confirms without reading it."""
        assert self.order is not None
        returning = CardReturn(self.ctx)
        txn_id = self._paid.txn_id
        request_id = self.ctx.journal.before(txn_id, CONFIRM_STEP)
        try:
            self.order = self.ctx.backend.confirm_endorsement_write(
                self.order.order_id, BackendWriteOutcome.WRITTEN, request_id)
        except backend_errors.BackendError as error:
            log.warning("write confirmation not delivered: %s", error)
            self.ctx.journal.failed(txn_id, CONFIRM_STEP, {"error": error.message_key})
        else:
            self.confirmed = True
            self.ctx.journal.after(txn_id, CONFIRM_STEP, {"status": self.order.status.value})
        self.go(S.PRINTING)
        self._print_and_return(returning, refunded=False)
        if self.confirmed:
            self._paid.close(TxnStatus.COMPLETED)
        self.go(S.DONE, self._most_urgent(None if self.confirmed else MSG_CONFIRM_PENDING))

    def _refund(self, reason: str) -> None:
        """The endorsement cannot be written: report it and give the money back."""
        paid = self._paid
        self.deadline = None
        self.go(S.REFUNDING)
        self._report_failure(reason)
        paid.refund(reason)
        self.go(S.PRINTING)
        # The card stays in the reader until the money is back: recovery reads its chip when a
        # crash cuts a refund off after a failed write. Refunded, it comes out while the receipt prints.
        self._print_and_return(CardReturn(self.ctx) if paid.refund_id is not None else None, refunded=True)
        if paid.refund_id is None:
            self.go(S.REFUND_PENDING, self._most_urgent(None))
            return
        if self.written:
            paid.close(TxnStatus.NEEDS_ATTENTION, f"{NOTE_PARTLY_ON_CHIP}; {reason}")
        else:
            paid.close(TxnStatus.REFUNDED, reason)
        self.go(S.REFUNDED, self._most_urgent(None))

    def _report_failure(self, reason: str) -> None:
        """Tell the back end the order was not written, before the refund, so its records say
        why the money went back."""
        assert self.order is not None
        txn_id = self._paid.txn_id
        request_id = self.ctx.journal.before(txn_id, REPORT_FAILURE_STEP, {"reason": reason})
        try:
            self.ctx.backend.confirm_endorsement_write(self.order.order_id, BackendWriteOutcome.FAILED,
                                                       request_id, failure_detail=reason)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(txn_id, REPORT_FAILURE_STEP, {"error": error.message_key})
        else:
            self.ctx.journal.after(txn_id, REPORT_FAILURE_STEP)

    # ----- the end -----
    def _print_and_return(self, returning: CardReturn | None, refunded: bool) -> None:
        """Print the receipt while the card comes out (`returning`, already under way), then
        wait for the card; with none under way, give the card back after the receipt."""
        assert self.card is not None and self.order is not None
        self._paid.print_receipt(endorsement_receipt(self.ctx, self.card, self.order, self._paid, self.written,
                                                     refunded=refunded, confirmed=self.confirmed))
        if returning is None:
            self._eject()
        else:
            self.card_returned = returning.wait()

    def _most_urgent(self, otherwise: str | None) -> str | None:
        """The one problem the end screen names: a card stuck in the slot, then a receipt not
        printed, then `otherwise` (the view data carries every flag)."""
        if not self.card_returned:
            return MSG_CARD_STUCK
        return self._paid.receipt_error or otherwise
