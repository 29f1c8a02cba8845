"""Recovery rules for bank card sales (issue 21), next to the QR ones in flows/recovery.py.

A card sale is settled before the rest of its transaction, from the journal's card steps
(flows/card_payment.py) and the terminal's own record of its last transaction:

- sale journalled "before" but not "after" (a crash or a lost line mid-sale): ask the terminal
  (`query_last`). Our reference approved -> as an approved sale below. Declined, another
  reference, or none -> nothing was taken. The terminal cannot be asked -> WAIT (leave the
  transaction open; look again later).
- approved, not yet told to the back end -> RecordCardPayment with the flow's own request id
  (a record that did arrive is answered again). Refused (the order was paid otherwise) -> void
  the sale on the terminal. Recorded -> the back end's payment is the transaction's payment and
  the QR rules decide the rest (deliver, refund, complete).
- a void journalled "before" but not "after" -> the terminal's last transaction says whether it
  happened; else void again.
- a sale's batch settled since (the terminal's open batch no longer holds it): not a void but a
  refund on the terminal (退货); a refund begun is asked again (the terminal answers the same
  refund, never credits twice).
A refund of a card payment (a failed card write) is a void on the terminal first, the same day,
or a refund on the terminal once the batch was settled, then RefundPayment; when the terminal
cannot do it now, the transaction waits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backend_client import errors as backend_errors
from backend_client.models import Payment
from devices.base import DeviceError
from devices.card_terminal.contract import CardTransaction, TransactionKind
from flows.card_payment import (
    VOID_TOO_LATE,
    card_payment_of,
    give_back,
    record_step,
    refund_on_terminal,
    refund_step,
    sale_step,
    transaction_detail,
    void_step,
)
from flows.context import FlowContext
from flows.journal import Phase, Transaction, request_id_for

log = logging.getLogger(__name__)

BY_RECOVERY = {"by": "recovery"}


@dataclass(frozen=True)
class CardSettlement:
    """What the card part of a transaction came to."""

    wait: bool = False                  # the terminal must be asked again later: leave it open
    payment_id: str | None = None       # a recorded card payment: the transaction's payment
    note: str = ""


def latest_sale(txn: Transaction) -> int | None:
    attempts = [int(s.step.rsplit("_", 1)[1]) for s in txn.steps if s.step.startswith("card_sale_")]
    return max(attempts) if attempts else None


def settle_card(ctx: FlowContext, txn: Transaction) -> CardSettlement:
    """Settle the latest card sale of `txn` (nothing to do when it has none). Raises
    BackendUnavailableError when the back end cannot be asked."""
    attempt = latest_sale(txn)
    if attempt is None:
        return CardSettlement()
    sale = txn.last(sale_step(attempt))
    assert sale is not None
    reference = _first(txn, sale_step(attempt), "reference")
    if sale.phase is not Phase.AFTER:
        last = _ask_terminal(ctx)
        if last is _UNREACHABLE:
            return CardSettlement(wait=True, note="the card terminal cannot say yet what became of the card sale")
        if not (isinstance(last, CardTransaction) and last.kind is TransactionKind.SALE
                and last.reference == reference and last.approved):
            ctx.journal.after(txn.id, sale_step(attempt), {"status": "absent", **BY_RECOVERY})
            return CardSettlement(note="the card sale did not take money")
        ctx.journal.after(txn.id, sale_step(attempt), {"status": "approved", **transaction_detail(last), **BY_RECOVERY})
        approved: CardTransaction | None = last
    elif sale.detail.get("status") != "approved":
        return CardSettlement(note="the card sale did not take money")
    else:
        approved = None
    recorded = txn.last(record_step(attempt))
    if txn.last(void_step(attempt)) is not None or txn.last(refund_step(attempt)) is not None:
        # Voided (or being voided) for a refund: the back end's payment, if it was recorded, is
        # still to be refunded by the rules; voided because the back end refused it: nothing to pay.
        paid_id = recorded.detail.get("payment_id") if recorded is not None and recorded.phase is Phase.AFTER else None
        return _finish_void(ctx, txn, attempt, reference, paid_id)
    if recorded is not None and recorded.phase is Phase.AFTER:
        if recorded.detail.get("status") == "refused":
            return _void(ctx, txn, attempt, reference)
        return CardSettlement(payment_id=recorded.detail.get("payment_id"), note="paid by bank card")
    return _record(ctx, txn, attempt, reference, approved or _journalled_sale(txn, attempt))


def _record(ctx: FlowContext, txn: Transaction, attempt: int, reference: str,
            approved: CardTransaction) -> CardSettlement:
    assert txn.order_id is not None, "a card sale without its order"
    step = record_step(attempt)
    request_id = request_id_for(txn.id, step)
    ctx.journal.before(txn.id, step, {"reference": reference, **BY_RECOVERY})
    amount = _amount(txn, attempt)
    try:
        payment: Payment = ctx.backend.record_card_payment(txn.order_id, amount, card_payment_of(approved), request_id)
    except backend_errors.NotEligibleError as refused:
        ctx.journal.after(txn.id, step, {"status": "refused", "reason": refused.reason.value, **BY_RECOVERY})
        return _void(ctx, txn, attempt, reference)
    ctx.journal.set_refs(txn.id, payment_id=payment.payment_id)
    ctx.journal.after(txn.id, step, {"payment_id": payment.payment_id, **BY_RECOVERY})
    return CardSettlement(payment_id=payment.payment_id, note="card sale recorded by recovery")


def _void(ctx: FlowContext, txn: Transaction, attempt: int, reference: str) -> CardSettlement:
    if give_back_card(ctx, txn, attempt, reference, "the back end refused the card sale"):
        return CardSettlement(note="the card sale was given back (the order was paid otherwise)")
    return CardSettlement(wait=True, note="the card sale must be given back; the terminal cannot do it now")


def _finish_void(ctx: FlowContext, txn: Transaction, attempt: int, reference: str,
                 paid_id: str | None) -> CardSettlement:
    if give_back_card(ctx, txn, attempt, reference, "recovery"):
        return CardSettlement(payment_id=paid_id, note="the card sale was given back")
    return CardSettlement(wait=True, note="the card sale must be given back; the terminal cannot do it now")


def give_back_card(ctx: FlowContext, txn: Transaction, attempt: int, reference: str, reason: str) -> bool:
    """Finish giving back the approved sale of `attempt`, from where the journal left it: given
    back already; a refund begun (asked again: the terminal answers the same refund); a void the
    terminal found too late (the batch settled: refund); a void begun (the terminal's last
    transaction says whether it happened); else void now (or refund, once settled). False when
    the terminal cannot now."""
    refund = txn.last(refund_step(attempt))
    if refund is not None:
        return refund.phase is Phase.AFTER or refund_on_terminal(
            ctx, txn.id, attempt, reference, _first(txn, sale_step(attempt), "amount_fen"), reason, BY_RECOVERY)
    void = txn.last(void_step(attempt))
    if void is not None and void.phase is Phase.AFTER:
        if void.detail.get("status") == VOID_TOO_LATE:
            return refund_on_terminal(ctx, txn.id, attempt, reference, _first(txn, sale_step(attempt), "amount_fen"),
                                      reason, BY_RECOVERY)
        return True
    if void is not None:
        last = _ask_terminal(ctx)
        if last is _UNREACHABLE:
            return False
        if isinstance(last, CardTransaction) and last.kind is TransactionKind.VOID and last.reference == reference:
            ctx.journal.after(txn.id, void_step(attempt), {"result_code": last.result_code, **BY_RECOVERY})
            return True
    return give_back(ctx, txn.id, attempt, reference, _first(txn, sale_step(attempt), "amount_fen"), reason,
                     BY_RECOVERY)


def void_before_refund(ctx: FlowContext, txn: Transaction) -> bool:
    """Before refunding a card payment at the back end: give it back on the terminal (a void the
    same day, a refund on the terminal once settled). True when there is nothing to give back or
    it is given back; False when the terminal cannot now."""
    attempt = latest_sale(txn)
    if attempt is None:
        return True
    recorded = txn.last(record_step(attempt))
    if recorded is None or recorded.phase is not Phase.AFTER or recorded.detail.get("status") == "refused":
        return True
    return give_back_card(ctx, txn, attempt, _first(txn, sale_step(attempt), "reference"), "refund")


_UNREACHABLE = object()


def _ask_terminal(ctx: FlowContext) -> object:
    try:
        return ctx.card_terminal().query_last()
    except DeviceError as error:  # the terminal's failure, or no terminal started in this process
        log.warning("recovery: the card terminal cannot be asked: %s", error)
        return _UNREACHABLE


def _journalled_sale(txn: Transaction, attempt: int) -> CardTransaction:
    d = txn.last(sale_step(attempt)).detail
    return CardTransaction(TransactionKind.SALE, d["result_code"], d["reference"], d["amount_fen"], d["auth_code"],
                           d["masked_pan"], d["batch"], d["trace"])


def _amount(txn: Transaction, attempt: int) -> Decimal:
    return Decimal(_first(txn, sale_step(attempt), "amount_fen")) / 100


def _first(txn: Transaction, step: str, key: str) -> Any:
    for record in txn.steps:
        if record.step == step and record.phase is Phase.BEFORE and key in record.detail:
            return record.detail[key]
    raise KeyError(f"{txn.id}: {step} journalled no {key}")
