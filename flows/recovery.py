"""Settling what a crash, a power cut or a lost connection left unfinished.

At start (terminal/runtime.py) and on `python main.py journal reconcile`, every OPEN journal
transaction is looked at again: the back end says what happened to its order and payment,
the card in the reader says whether it holds the endorsement, the journal says how far the
kiosk got. `decide()` turns those facts into one action; the rules are the table in that one
function and nowhere else. Then the action is carried out with the SAME request ids the
interrupted flow used, so a step that did reach the back end is answered again, not done twice.

Two invariants hold whatever the rules say: a payment is never taken twice (no new payment is
ever created here), and nothing is dropped silently (what cannot be decided is marked
NEEDS_ATTENTION with the reason, and what is still payable is left open to be looked at later).
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass, field

from backend_client import errors as backend_errors
from backend_client.models import EndorsementOrder, OrderStatus, PaymentStatus
from backend_client.models import WriteOutcome as BackendWriteOutcome
from devices.base import DeviceError
from flows import card_recovery, collection_rules, endorsement, fines
from flows import acceptance_recovery
from flows.context import FlowContext
from flows.journal import Phase, Transaction, TxnStatus, request_id_for
from flows.payment import PAID_STEP

log = logging.getLogger(__name__)

# A transaction cancelled while its QR code was still payable is looked at again for this
# long: the contract has no "cancel payment", so the citizen's phone could still pay it until
# it expires (at most a day by [backend] reference_payment_expiry_seconds' limit), plus margin.
LATE_PAYMENT_LOOKBACK_SECONDS = 2 * 24 * 3600.0
LATE_CHECK_STEP = "late_check"
RECOVERY_REASON = "recovered after an interruption"
NOTE_REPRINT = "receipt not printed: reprint for the citizen"
PRINT_STEP = "print"  # the journal step every flow prints under (flows/common_steps.py)


class PaymentFact(enum.Enum):
    NONE = "none"            # no payment code was ever created or shown
    PENDING = "pending"      # still payable
    PAID = "paid"
    NOT_PAID = "not_paid"    # declined or expired
    REFUNDED = "refunded"
    UNKNOWN = "unknown"      # the back end does not know this order or payment


class CardFact(enum.Enum):
    HOLDS = "holds"          # the permit in the reader holds every record of the order
    LACKS = "lacks"          # it is the order's permit and holds none of them
    PARTIAL = "partial"      # it holds some of them
    UNKNOWN = "unknown"      # no card, another card, or the reader cannot say


class Action(enum.Enum):
    COMPLETE = "complete"      # everything was done: COMPLETED
    CONFIRM = "confirm"        # the card holds the endorsement: confirm it, then COMPLETED
    REFUND = "refund"          # paid, the endorsement is not on the card: report, refund, REFUNDED
    CANCEL = "cancel"          # nothing was charged: CANCELLED
    WAIT = "wait"              # a payment is still payable: leave it open, look again later
    ATTENTION = "attention"    # cannot be decided here: NEEDS_ATTENTION with the reason


@dataclass(frozen=True)
class Facts:
    flow: str
    payment: PaymentFact
    order_status: OrderStatus | None = None    # endorsement orders only
    card: CardFact = CardFact.UNKNOWN
    journal_written: bool = False              # the journal saw every record read back from the chip
    write_started: bool = False
    printed: bool = False
    accept_answer_lost: bool = False           # fines: accept sent, its answer never journalled
    warning_only: bool = False                 # fines: accepted a warning, nothing to pay
    interrupted: str | None = None             # flows without payment: a step begun, never ended
    effect_done: bool = False                  # flows without payment: a step other than print ended


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    attention_after_refund: bool = False  # refunded, but part of the order is on the chip
    reprint: bool = False                 # completed, but the citizen got no receipt


def decide(facts: Facts) -> Decision:
    """THE recovery rules, in one place."""
    if facts.flow == fines.FLOW_NAME:
        return _decide_fine(facts)
    if facts.flow == endorsement.FLOW_NAME:
        return _decide_endorsement(facts)
    return _decide_without_payment(facts)


def _decide_endorsement(facts: Facts) -> Decision:
    payment, order, card = facts.payment, facts.order_status, facts.card
    if payment in (PaymentFact.NONE, PaymentFact.NOT_PAID):
        return Decision(Action.CANCEL, "nothing was paid")
    if payment is PaymentFact.PENDING:
        return Decision(Action.WAIT, "the payment code can still be paid until it expires")
    if payment is PaymentFact.REFUNDED or order is OrderStatus.REFUNDED:
        return Decision(Action.REFUND, "the payment was refunded (only the journal did not know)")
    if payment is PaymentFact.UNKNOWN or order is None:
        return Decision(Action.ATTENTION, "the back end does not know this order or payment")
    if order is OrderStatus.WRITTEN:
        return Decision(Action.COMPLETE, "the write was confirmed", reprint=not facts.printed)
    # Paid and issued (PAID or WRITE_FAILED), not confirmed: the card decides.
    if facts.journal_written or card is CardFact.HOLDS:
        return Decision(Action.CONFIRM, "the card holds the endorsement", reprint=True)
    if card is CardFact.PARTIAL:
        return Decision(Action.REFUND, "only part of the order is on the card", attention_after_refund=True)
    if not facts.write_started or card is CardFact.LACKS:
        return Decision(Action.REFUND, "paid, the endorsement was not written")
    return Decision(Action.ATTENTION, "a write was started and the card is not in the reader to check it")


def _decide_without_payment(facts: Facts) -> Decision:
    """Submissions, uploads, check-ins: no money, and the journal holds no personal data to
    send them again, so a step cut off half-way is for a person to check."""
    if facts.interrupted is not None and facts.interrupted != PRINT_STEP:
        return Decision(Action.ATTENTION, f"interrupted during {facts.interrupted}: it may have reached the "
                                          "back end; check there")
    if facts.effect_done:
        return Decision(Action.COMPLETE, "done", reprint=not facts.printed)
    return Decision(Action.CANCEL, "nothing reached the back end")


def _decide_fine(facts: Facts) -> Decision:
    if facts.accept_answer_lost:
        return Decision(Action.CANCEL, "accept sent, its answer lost (it may be decided now); nothing was paid")
    if facts.warning_only:
        return Decision(Action.COMPLETE, "a warning was accepted", reprint=not facts.printed)
    if facts.payment in (PaymentFact.NONE, PaymentFact.NOT_PAID):
        return Decision(Action.CANCEL, "nothing was paid")
    if facts.payment is PaymentFact.PENDING:
        return Decision(Action.WAIT, "the payment code can still be paid until it expires")
    if facts.payment is PaymentFact.PAID:
        return Decision(Action.COMPLETE, "the fine was paid", reprint=not facts.printed)
    return Decision(Action.ATTENTION, f"fine payment is {facts.payment.value}")


# ============================================================================ carrying it out
@dataclass(frozen=True)
class Recovered:
    """What recovery did with one transaction (the CLI prints these)."""

    txn_id: str
    flow: str
    action: Action
    status: TxnStatus
    reason: str


@dataclass
class _Lookup:
    """Back-end and card lookups for one transaction."""

    ctx: FlowContext
    txn: Transaction
    payment_id: str | None = None
    order: EndorsementOrder | None = None
    notes: list[str] = field(default_factory=list)
    card_payment_id: str | None = None  # a recorded bank card payment (flows/card_recovery.py)

    def payment(self) -> PaymentFact:
        """The latest payment attempt's status. An attempt whose answer was never journalled is
        asked again with its own request id: the back end replays it if it ever arrived. A card
        payment, once recorded, is the transaction's payment."""
        if self.card_payment_id is not None:
            self.payment_id = self.card_payment_id
            return self._status()
        attempt = _latest_payment_attempt(self.txn)
        if attempt is None:
            return PaymentFact.NONE
        step = f"payment_{attempt}"
        created = self.txn.last(step)
        if created is not None and created.phase is Phase.AFTER:
            self.payment_id = created.detail.get("payment_id")
        elif self.txn.order_id is not None:
            try:
                replayed = self.ctx.backend.create_payment(self.txn.order_id, request_id_for(self.txn.id, step))
            except backend_errors.BackendFaultError as error:
                log.info("recovery %s: payment attempt %d not created (%s)", self.txn.id, attempt, error.message_key)
                return PaymentFact.NONE
            self.payment_id = replayed.payment_id
        if self.payment_id is None:
            return PaymentFact.NONE
        return self._status()

    def _status(self) -> PaymentFact:
        assert self.payment_id is not None
        try:
            status = self.ctx.backend.get_payment_status(self.payment_id).status
        except backend_errors.PaymentExpiredError:
            return PaymentFact.NOT_PAID
        except backend_errors.NotFoundError:
            return PaymentFact.UNKNOWN
        return {PaymentStatus.PAID: PaymentFact.PAID, PaymentStatus.PENDING: PaymentFact.PENDING,
                PaymentStatus.REFUNDED: PaymentFact.REFUNDED}.get(status, PaymentFact.NOT_PAID)

    def order_status(self) -> OrderStatus | None:
        if self.txn.order_id is None:
            return None
        try:
            self.order = self.ctx.backend.get_endorsement_order(self.txn.order_id)
        except backend_errors.NotFoundError:
            return None
        return self.order.status

    def card(self) -> CardFact:
        """Does the permit in the reader hold this order's records? Only the order's own permit counts."""
        if self.order is None or not self.order.items or not all(i.endorsement_number for i in self.order.items):
            return CardFact.UNKNOWN
        try:
            card = self.ctx.permit().read_card()
        except DeviceError as error:
            self.notes.append(f"card not readable ({error.message_key})")
            return CardFact.UNKNOWN
        if card.permit_number != self.order.permit_number:
            return CardFact.UNKNOWN
        ids = [endorsement.record_id_for(i.endorsement_number) for i in self.order.items if i.endorsement_number]
        present = [card.find_endorsement(record_id) is not None for record_id in ids]
        if all(present):
            return CardFact.HOLDS
        return CardFact.PARTIAL if any(present) else CardFact.LACKS


def _latest_payment_attempt(txn: Transaction) -> int | None:
    attempts = [int(s.step.split("_")[1]) for s in txn.steps
                if s.step.startswith("payment_") and s.step.count("_") == 1]
    return max(attempts) if attempts else None


def gather_facts(ctx: FlowContext, txn: Transaction, card_payment_id: str | None = None) -> tuple[Facts, _Lookup]:
    """Ask the back end (and the reader) what became of `txn`. Raises BackendUnavailableError."""
    lookup = _Lookup(ctx, txn, card_payment_id=card_payment_id)
    written_steps = [s.step for s in txn.steps if s.step.startswith("card_write_")]
    if txn.flow not in (fines.FLOW_NAME, endorsement.FLOW_NAME):
        steps = list(dict.fromkeys(s.step for s in txn.steps))
        interrupted = next((step for step in steps if txn.last(step).phase is Phase.BEFORE), None)
        effect = any(txn.done(step) for step in steps if step != PRINT_STEP)
        return Facts(txn.flow, PaymentFact.NONE, printed=txn.done(PRINT_STEP), interrupted=interrupted,
                     effect_done=effect), lookup
    if txn.flow == fines.FLOW_NAME:
        accept = txn.last(fines.ACCEPT_STEP)
        accept_lost = accept is not None and accept.phase is not Phase.AFTER
        warning = accept is not None and accept.phase is Phase.AFTER and accept.detail.get("order_id") is None
        payment = PaymentFact.NONE if accept_lost or warning else lookup.payment()
        return Facts(txn.flow, payment, printed=txn.done(PRINT_STEP), accept_answer_lost=accept_lost,
                     warning_only=warning), lookup
    payment = lookup.payment()
    order_status = lookup.order_status() if payment in (PaymentFact.PAID, PaymentFact.REFUNDED) else None
    card = CardFact.UNKNOWN
    journal_written = False
    if order_status in (OrderStatus.PAID, OrderStatus.WRITE_FAILED) and lookup.order is not None:
        positions = range(len(lookup.order.items))
        journal_written = all(txn.done(endorsement.card_write_step(p)) for p in positions)
        card = lookup.card()
    return Facts(txn.flow, payment, order_status, card, journal_written, bool(written_steps),
                 txn.done(PRINT_STEP)), lookup


def recover(ctx: FlowContext, txn: Transaction) -> Recovered:
    """Settle one OPEN transaction. Raises BackendUnavailableError when the back end cannot be asked."""
    if txn.flow == collection_rules.FLOW_NAME:  # no payment: where each document is decides
        settled = collection_rules.settle_transaction(ctx, txn)
        action = {TxnStatus.COMPLETED: Action.COMPLETE, TxnStatus.OPEN: Action.WAIT}.get(settled.status,
                                                                                           Action.ATTENTION)
        return Recovered(txn.id, txn.flow, action, settled.status, settled.note)
    if txn.flow == acceptance_recovery.FLOW_NAME:  # images never kept: refunded unless accepted
        lookup = _Lookup(ctx, txn)
        settled = acceptance_recovery.settle(ctx, txn, lambda: lookup.payment().value, lambda: lookup.payment_id)
        return Recovered(txn.id, txn.flow, Action(settled.action), settled.status, settled.note)
    # A bank card sale is settled first (flows/card_recovery.py): then the rules below decide.
    card = card_recovery.settle_card(ctx, txn)
    if card.wait:
        ctx.journal.close_transaction(txn.id, TxnStatus.OPEN, card.note)
        return Recovered(txn.id, txn.flow, Action.WAIT, TxnStatus.OPEN, card.note)
    txn = ctx.journal.get(txn.id)  # what settling the card journalled
    facts, lookup = gather_facts(ctx, txn, card.payment_id)
    decision = decide(facts)
    log.info("recovery %s (%s): %s -> %s (%s)", txn.id, txn.flow, facts, decision.action.value, decision.reason)
    if decision.action is Action.REFUND and not card_recovery.void_before_refund(ctx, txn):
        note = "; ".join(n for n in (decision.reason, "the card sale must be voided first; the terminal cannot now")
                         if n)
        ctx.journal.close_transaction(txn.id, TxnStatus.OPEN, note)
        return Recovered(txn.id, txn.flow, Action.WAIT, TxnStatus.OPEN, note)
    status, note = _carry_out(ctx, txn, decision, lookup)
    return Recovered(txn.id, txn.flow, decision.action, status, note)


def _carry_out(ctx: FlowContext, txn: Transaction, decision: Decision, lookup: _Lookup) -> tuple[TxnStatus, str]:
    note = "; ".join([decision.reason, *lookup.notes])
    journal = ctx.journal
    if decision.action is Action.WAIT:
        journal.close_transaction(txn.id, TxnStatus.OPEN, note)
        return TxnStatus.OPEN, note
    if decision.action is Action.CANCEL:
        journal.close_transaction(txn.id, TxnStatus.CANCELLED, note)
        return TxnStatus.CANCELLED, note
    if decision.action is Action.ATTENTION:
        journal.close_transaction(txn.id, TxnStatus.NEEDS_ATTENTION, note)
        return TxnStatus.NEEDS_ATTENTION, note
    if decision.action is Action.CONFIRM:
        _confirm(ctx, txn)
    if decision.action is Action.REFUND:
        _refund(ctx, txn, lookup)
        status = TxnStatus.NEEDS_ATTENTION if decision.attention_after_refund else TxnStatus.REFUNDED
        journal.close_transaction(txn.id, status, note)
        return status, note
    if decision.reprint and not txn.done(PRINT_STEP):
        note = f"{note}; {NOTE_REPRINT}"
    if lookup.payment_id is not None and not txn.done(PAID_STEP):
        journal.after(txn.id, PAID_STEP, {"payment_id": lookup.payment_id, "seen": "recovery"})
    journal.close_transaction(txn.id, TxnStatus.COMPLETED, note)
    return TxnStatus.COMPLETED, note


def _confirm(ctx: FlowContext, txn: Transaction) -> None:
    assert txn.order_id is not None
    request_id = ctx.journal.before(txn.id, endorsement.CONFIRM_STEP, {"by": "recovery"})
    order = ctx.backend.confirm_endorsement_write(txn.order_id, BackendWriteOutcome.WRITTEN, request_id)
    ctx.journal.after(txn.id, endorsement.CONFIRM_STEP, {"status": order.status.value, "by": "recovery"})


def _refund(ctx: FlowContext, txn: Transaction, lookup: _Lookup) -> None:
    """Report the failed write (unless the order already says so) and refund, reusing the
    interrupted flow's request ids AND words: a request id replayed with a different body is
    refused by the back end."""
    assert txn.order_id is not None and lookup.payment_id is not None
    if lookup.order is not None and lookup.order.status is OrderStatus.PAID:  # not reported yet
        reason = _first_detail(txn, endorsement.REPORT_FAILURE_STEP, "reason") or RECOVERY_REASON
        request_id = ctx.journal.before(txn.id, endorsement.REPORT_FAILURE_STEP, {"reason": reason})
        try:
            ctx.backend.confirm_endorsement_write(txn.order_id, BackendWriteOutcome.FAILED, request_id,
                                                  failure_detail=reason)
        except backend_errors.NotEligibleError as error:  # already closed one way or the other
            ctx.journal.failed(txn.id, endorsement.REPORT_FAILURE_STEP, {"error": error.message_key})
        else:
            ctx.journal.after(txn.id, endorsement.REPORT_FAILURE_STEP, {"by": "recovery"})
    reason = _first_detail(txn, endorsement.REFUND_STEP, "reason") or RECOVERY_REASON
    request_id = ctx.journal.before(txn.id, endorsement.REFUND_STEP, {"payment_id": lookup.payment_id,
                                                                      "reason": reason})
    refund = ctx.backend.refund_payment(lookup.payment_id, reason, request_id)
    ctx.journal.after(txn.id, endorsement.REFUND_STEP, {"refund_id": refund.refund_id, "by": "recovery"})


def _first_detail(txn: Transaction, step: str, key: str) -> str | None:
    """A value the first BEFORE record of `step` carried (what the flow sent the first time)."""
    for record in txn.steps:
        if record.step == step and record.phase is Phase.BEFORE and key in record.detail:
            return record.detail[key]
    return None


# ============================================================================ late payments
def _abandoned_payment(txn: Transaction) -> bool:
    """Cancelled while its QR code could still be paid, and not yet checked since."""
    if txn.done(LATE_CHECK_STEP):
        return False
    return any(s.step.endswith("_result") and s.detail.get("status") == "abandoned" for s in txn.steps)


def check_late_payment(ctx: FlowContext, txn: Transaction) -> Recovered | None:
    """A cancelled transaction whose payment was left payable: paid after the citizen left?
    Endorsements are then refunded (nothing was written); fines are settled by the payment,
    and the citizen's receipt is flagged for reprint."""
    lookup = _Lookup(ctx, txn)
    payment = lookup.payment()
    if payment is PaymentFact.PENDING:
        return None  # still payable: look again next time
    if payment is not PaymentFact.PAID:
        ctx.journal.after(txn.id, LATE_CHECK_STEP, {"payment": payment.value})
        return None
    ctx.journal.after(txn.id, LATE_CHECK_STEP, {"payment": payment.value})
    if txn.flow == acceptance_recovery.FLOW_NAME:  # paid after leaving: nothing was submitted
        settled = acceptance_recovery.settle(ctx, txn, lambda: payment.value, lambda: lookup.payment_id)
        return Recovered(txn.id, txn.flow, Action(settled.action), settled.status, settled.note)
    if txn.flow == endorsement.FLOW_NAME:
        lookup.order_status()
        _refund(ctx, txn, lookup)
        note = "paid after the citizen left; refunded"
        ctx.journal.close_transaction(txn.id, TxnStatus.REFUNDED, note)
        return Recovered(txn.id, txn.flow, Action.REFUND, TxnStatus.REFUNDED, note)
    note = f"paid after the citizen left; {NOTE_REPRINT}"
    ctx.journal.after(txn.id, PAID_STEP, {"payment_id": lookup.payment_id, "seen": "recovery"})
    ctx.journal.close_transaction(txn.id, TxnStatus.COMPLETED, note)
    return Recovered(txn.id, txn.flow, Action.COMPLETE, TxnStatus.COMPLETED, note)


# ============================================================================ everything
@dataclass
class RecoveryRun:
    settled: list[Recovered] = field(default_factory=list)
    left_open: list[str] = field(default_factory=list)  # not looked at: the back end went away
    error: str | None = None


def recover_all(ctx: FlowContext, min_age_seconds: float = 0.0) -> RecoveryRun:
    """Settle every OPEN transaction (older than `min_age_seconds`: a technician reconciling
    while the kiosk serves someone must not touch that citizen's transaction), then look at
    recently cancelled ones whose payment code was left payable. Stops, leaving the rest open,
    as soon as the back end cannot be reached."""
    run = RecoveryRun()
    now = time.time()
    open_ones = [t for t in ctx.journal.unfinished() if now - t.updated >= min_age_seconds]
    late = [t for t in ctx.journal.transactions(TxnStatus.CANCELLED, since=now - LATE_PAYMENT_LOOKBACK_SECONDS)
            if _abandoned_payment(t) and now - t.updated >= min_age_seconds]
    for position, txn in enumerate(open_ones + late):
        try:
            if txn.status is TxnStatus.OPEN:
                run.settled.append(recover(ctx, txn))
            else:
                recovered = check_late_payment(ctx, txn)
                if recovered is not None:
                    run.settled.append(recovered)
        except backend_errors.BackendUnavailableError as error:
            run.error = error.message_key
            run.left_open = [t.id for t in (open_ones + late)[position:] if t.status is TxnStatus.OPEN]
            log.warning("recovery stopped, back end unavailable (%s); %d transactions left open",
                        error.detail or error.message_key, len(run.left_open))
            break
        except backend_errors.BackendError as error:
            note = f"recovery failed: {error.message_key} ({error.detail})"
            log.error("recovery of %s: %s", txn.id, note)
            ctx.journal.close_transaction(txn.id, TxnStatus.NEEDS_ATTENTION, note)
            run.settled.append(Recovered(txn.id, txn.flow, Action.ATTENTION, TxnStatus.NEEDS_ATTENTION, note))
    return run
