"""The paper a settled fine gives the citizen: the decision (决定书) and, when money was paid,
the payment receipt, cut apart.

Built from what flows/fines.py knows at the end, so it can be read apart from the machine.
The name is masked (core/privacy.py); times are the hall's.
"""

from __future__ import annotations

import datetime as dt

from backend_client.models import Decision, Payment, Violation, ViolationAppeal
from core.i18n import N_
from core.privacy import mask_name
from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule
from flows.common_steps import HALL_TIMEZONE, receipt_header, tr
from flows.context import FlowContext
from flows.identity import Person
from flows.paid_service import PaidService

# How times read on the decision and the receipt (hall time).
RECEIPT_TIME_FORMAT = "%Y-%m-%d %H:%M"


def fines_receipt(ctx: FlowContext, violation: Violation, decision: Decision | None, person: Person | None,
                  paid: PaidService) -> Receipt:
    """The decision, then the payment receipt if a payment was taken. `decision` is the kiosk's
    own when the citizen accepted the case here; a case decided at a counter has its number."""
    v = violation
    decision_number = (decision.decision_number if decision else v.decision_number) or ""
    points = decision.points if decision else v.points
    receipt = receipt_header(ctx, N_("fines.receipt.decision_title"))
    if person is not None:
        receipt.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(person.name)))
    receipt.add(KeyValue(tr(ctx, N_("fines.receipt.decision_number")), decision_number),
                KeyValue(tr(ctx, N_("fines.receipt.violation_number")), v.violation_number),
                KeyValue(tr(ctx, N_("fines.receipt.plate")), v.plate_number),
                KeyValue(tr(ctx, N_("fines.receipt.time")), _hall_time(v.occurred_at)),
                ChineseText(v.place), ChineseText(f"{v.violation_code} {v.description}"),
                KeyValue(tr(ctx, N_("fines.receipt.points")), str(points)),
                KeyValue(tr(ctx, N_("fines.receipt.fine")), str(v.fine)))
    if decision is not None:
        receipt.add(KeyValue(tr(ctx, N_("fines.receipt.points_in_cycle")), str(decision.points_in_cycle)))
    receipt.add(Cut())
    if paid.taken is not None:
        _add_payment(ctx, receipt, v, decision_number, paid.taken, paid.txn_id, paid.receipt_lines())
    return receipt


def _add_payment(ctx: FlowContext, receipt: Receipt, violation: Violation, decision_number: str,
                 payment: Payment, txn_id: str, card_lines: list[tuple[str, str]]) -> None:
    """The payment receipt: the fine and the late fee (what was paid beyond the fine), and the ids;
    paid by bank card, the masked number, authorisation code and reference (issue 21)."""
    receipt.add(*receipt_header(ctx, N_("fines.receipt.payment_title")).lines)
    receipt.add(KeyValue(tr(ctx, N_("fines.receipt.decision_number")), decision_number),
                KeyValue(tr(ctx, N_("fines.receipt.fine")), str(violation.fine)),
                KeyValue(tr(ctx, N_("fines.receipt.late_fee")), str(payment.amount - violation.fine)),
                KeyValue(tr(ctx, N_("payment.receipt.amount_paid")), str(payment.amount)), Rule(),
                KeyValue(tr(ctx, N_("payment.receipt.order")), payment.order_id),
                KeyValue(tr(ctx, N_("payment.receipt.payment")), payment.payment_id),
                *(KeyValue(tr(ctx, key), value) for key, value in card_lines),
                KeyValue(tr(ctx, N_("payment.receipt.transaction")), txn_id),
                KeyValue(tr(ctx, N_("payment.receipt.time")), _hall_time(dt.datetime.now(dt.UTC))),
                Cut())


def _hall_time(moment: dt.datetime) -> str:
    return moment.astimezone(HALL_TIMEZONE).strftime(RECEIPT_TIME_FORMAT)


def appeal_receipt(ctx: FlowContext, violation: Violation, appeal: ViolationAppeal, person: Person | None,
                   reason_key: str) -> Receipt:
    """The appeal's receipt (issue 20): its number, the case, the reason (`reason_key`, its words),
    the answer day, and that the case is held from payment until decided."""
    receipt = receipt_header(ctx, N_("fines.appeal.receipt.title"))
    if person is not None:
        receipt.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(person.name)))
    receipt.add(KeyValue(tr(ctx, N_("fines.appeal.receipt.number")), appeal.appeal_number),
                KeyValue(tr(ctx, N_("fines.receipt.violation_number")), violation.violation_number),
                KeyValue(tr(ctx, N_("fines.receipt.plate")), violation.plate_number),
                KeyValue(tr(ctx, N_("fines.receipt.time")), _hall_time(violation.occurred_at)),
                ChineseText(violation.place),
                KeyValue(tr(ctx, N_("fines.appeal.receipt.reason")), tr(ctx, reason_key)),
                KeyValue(tr(ctx, N_("fines.appeal.receipt.submitted")), _hall_time(appeal.submitted_at)),
                KeyValue(tr(ctx, N_("fines.appeal.receipt.answer_by")), appeal.answer_by.isoformat()),
                Rule(), ChineseText(tr(ctx, N_("fines.appeal.receipt.held"))), Cut())
    return receipt
