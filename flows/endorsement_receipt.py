"""The endorsement receipt: what was issued (or refunded), for how much, under which ids.

Built from what the flow knows at the end, so it can be read (and tested) apart from the
machine in flows/endorsement.py. Names and permit numbers are masked (core/privacy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from backend_client.models import EndorsementOrder
from core.i18n import N_
from core.privacy import mask_name, mask_permit_number
from devices.permit.records import PermitCard
from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule
from flows.common_steps import HALL_TIMEZONE, receipt_header, tr
from flows.context import FlowContext
from flows.endorsement_options import iso_day, option_data
from flows.paid_service import PaidService

# How the time of printing reads on the receipt (hall time).
RECEIPT_TIME_FORMAT = "%Y-%m-%d %H:%M"


def endorsement_receipt(ctx: FlowContext, card: PermitCard, order: EndorsementOrder, paid: PaidService,
                        written: Collection[int], refunded: bool, confirmed: bool) -> Receipt:
    """The receipt after the write (`refunded` False) or after the refund: each item, what
    was paid, and the refund or the confirmation still pending. `written` holds the positions
    of the items on the chip: after a refund the receipt says they are void."""
    receipt = receipt_header(ctx, N_("endorsement.receipt.title"))
    receipt.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(card.name_zh)),
                KeyValue(tr(ctx, N_("endorsement.receipt.permit")), mask_permit_number(card.permit_number)),
                Rule())
    for position, item in enumerate(order.items):
        receipt.add(ChineseText(" ".join(tr(ctx, key) for key in option_data(item)["labels"].values())),
                    KeyValue(tr(ctx, N_("endorsement.receipt.validity")),
                             f"{iso_day(item.valid_from)} - {iso_day(item.valid_to)}"),
                    KeyValue(tr(ctx, N_("endorsement.receipt.max_stay")), str(item.max_stay_days)),
                    KeyValue(tr(ctx, N_("payment.receipt.fee")), str(item.fee)))
        if item.endorsement_number and not refunded:
            receipt.add(KeyValue(tr(ctx, N_("endorsement.receipt.number")), item.endorsement_number))
        if refunded and position in written:
            receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.on_chip_void"))))
    receipt.add(Rule(), KeyValue(tr(ctx, N_("payment.receipt.order")), order.order_id),
                KeyValue(tr(ctx, N_("payment.receipt.amount_paid")), str(order.amount)))
    if paid.taken is not None:
        receipt.add(KeyValue(tr(ctx, N_("payment.receipt.payment")), paid.taken.payment_id))
        # Paid by bank card: the masked number, authorisation code and reference (issue 21).
        receipt.add(*(KeyValue(tr(ctx, key), value) for key, value in paid.receipt_lines()))
    _add_outcome(ctx, receipt, order, paid, refunded, confirmed)
    printed_at = dt.datetime.now(HALL_TIMEZONE).strftime(RECEIPT_TIME_FORMAT)
    receipt.add(KeyValue(tr(ctx, N_("payment.receipt.transaction")), paid.txn_id),
                KeyValue(tr(ctx, N_("payment.receipt.time")), printed_at), Cut())
    return receipt


def _add_outcome(ctx: FlowContext, receipt: Receipt, order: EndorsementOrder, paid: PaidService,
                 refunded: bool, confirmed: bool) -> None:
    """The line saying how it ended when that is not simply "issued": refunded (with its id),
    refund pending, or issued but the back end not yet told."""
    amount = str(order.amount)
    if refunded and paid.refund_id:
        receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.refunded"), amount=amount)),
                    KeyValue(tr(ctx, N_("payment.receipt.refund")), paid.refund_id))
    elif refunded:
        receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.refund_pending"), amount=amount)))
    elif not confirmed:
        receipt.add(ChineseText(tr(ctx, N_("endorsement.receipt.confirm_pending"))))
