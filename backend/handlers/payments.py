"""The simulated payment provider: a QR payload that is a URL on this back end, expiry, auto-pay, refunds.

An order is never charged twice: while a payment for it is pending, CreatePayment answers that
same payment; once it is paid, CreatePayment refuses (ORDER_ALREADY_PAID). Expiry and the
demo auto-pay are applied lazily whenever a payment is looked at, so no timer thread exists.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import NotEligible, NotFound, PaymentExpired
from backend.handlers import acceptance, endorsements, fines
from backend.handlers.common import CallEnv, money, unguessable_reference
from backend.settings import ServerSettings
from backend.timeutil import hall_day, iso, parse

PENDING, PAID, DECLINED, EXPIRED, REFUNDED = "PENDING", "PAID", "DECLINED", "EXPIRED", "REFUNDED"
QR, CARD = "QR", "CARD"  # payments.method; NULL in rows made before card payments existed means QR
PAY_PAGE_PATH = "/pay/"
COUNTER_TERMINAL = "COUNTER"  # orders made at the hall's counter (backend/seed.py): fines any kiosk may take


def create_payment(env: CallEnv, req: Any) -> m.Payment:
    # Only the terminal that created the order may pay it (or learn its pending payment); a fine
    # decided at the counter may be paid at any terminal, but not while another one is paying it.
    _payable_order(env, req.orderId, req.terminalId)
    for row in env.db.execute("SELECT * FROM payments WHERE order_id = ? ORDER BY created_at",
                              (req.orderId,)).fetchall():
        row = refresh(env.db, row, env.now, env.settings)
        if row["status"] == PENDING:
            if row["terminal_id"] != req.terminalId:
                raise NotFound("ORDER", "no order with this id")
            return payment_message(row, env.base_url)
    order = env.db.execute("SELECT * FROM orders WHERE order_id = ?", (req.orderId,)).fetchone()
    if order["status"] == "REFUNDED":
        raise NotEligible("ORDER_CLOSED", "the order was refunded")
    if order["status"] != "AWAITING_PAYMENT":
        raise NotEligible("ORDER_ALREADY_PAID", "the order is paid already")
    amount = fines.amount_due_for_order(env.db, order, env.today) if order["kind"] == fines.ORDER_KIND \
        else money(order["amount"])
    payment_id = unguessable_reference("PAY")
    expires = env.now + dt.timedelta(seconds=env.settings.payment_expiry_seconds)
    env.db.execute("INSERT INTO payments (payment_id, order_id, terminal_id, amount, status, created_at, "
                   "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (payment_id, req.orderId, req.terminalId, str(amount), PENDING, iso(env.now), iso(expires)))
    return payment_message(find_payment(env.db, payment_id), env.base_url)


def record_card_payment(env: CallEnv, req: Any) -> m.Payment:
    """A sale the terminal's card terminal approved for one of its orders: the order is paid.

    The kiosk may send the same approved sale again after a crash (a new request id, the same
    card reference): that answers the payment already recorded. An order paid otherwise (a QR
    payment that won the race) is refused with ORDER_ALREADY_PAID, and the kiosk voids the sale;
    a QR payment still pending for the order is declined here, so its page can no longer be paid.
    """
    order = _payable_order(env, req.orderId, req.terminalId)
    card = req.card
    done = env.db.execute("SELECT * FROM payments WHERE order_id = ? AND method = ? AND card_reference = ?",
                          (req.orderId, CARD, card.reference)).fetchone()
    if done is not None:
        return payment_message(done, env.base_url)
    for row in env.db.execute("SELECT * FROM payments WHERE order_id = ? AND status = ?",
                              (req.orderId, PENDING)).fetchall():
        row = refresh(env.db, row, env.now, env.settings)
        if row["status"] == PENDING:
            if row["terminal_id"] != req.terminalId:  # another kiosk is taking this counter fine by QR
                raise NotFound("ORDER", "no order with this id")
            mark_declined(env.db, row["payment_id"])
    order = env.db.execute("SELECT * FROM orders WHERE order_id = ?", (order["order_id"],)).fetchone()
    if order["status"] == "REFUNDED":
        raise NotEligible("ORDER_CLOSED", "the order was refunded")
    if order["status"] != "AWAITING_PAYMENT":
        raise NotEligible("ORDER_ALREADY_PAID", "the order is paid already")
    due = fines.amount_due_for_order(env.db, order, env.today) if order["kind"] == fines.ORDER_KIND \
        else money(order["amount"])
    if money(req.amount) != due:
        raise NotEligible("AMOUNT_MISMATCH", f"the order is {due}, the card paid {money(req.amount)}")
    payment_id = unguessable_reference("PAY")
    env.db.execute("INSERT INTO payments (payment_id, order_id, terminal_id, amount, status, created_at, expires_at, "
                   "method, card_reference, card_auth_code, card_masked_pan, card_batch, card_trace) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (payment_id, req.orderId, req.terminalId, str(due), PENDING, iso(env.now), iso(env.now), CARD,
                    card.reference, card.authCode, card.maskedPan, card.batch, card.trace))
    mark_paid(env.db, payment_id, env.now)
    return payment_message(find_payment(env.db, payment_id), env.base_url)


def _payable_order(env: CallEnv, order_id: str, terminal_id: str) -> sqlite3.Row:
    """The order if this terminal may pay it: its own, or a fine decided at the counter."""
    order = env.db.execute("SELECT * FROM orders WHERE order_id = ? AND (terminal_id = ? OR "
                           "(kind = ? AND terminal_id = ?))",
                           (order_id, terminal_id, fines.ORDER_KIND, COUNTER_TERMINAL)).fetchone()
    if order is None:
        raise NotFound("ORDER", "no order with this id")
    if order["kind"] == fines.ORDER_KIND:
        fines.refuse_if_held(env.db, order_id)  # a case under appeal is not paid until decided (issue 20)
    return order


def get_payment_status(env: CallEnv, req: Any) -> m.Payment:
    row = refresh(env.db, find_payment(env.db, req.paymentId, req.terminalId), env.now, env.settings)
    if row["status"] == EXPIRED:
        raise PaymentExpired(row["payment_id"], parse(row["expires_at"]))
    return payment_message(row, env.base_url)


def refund_payment(env: CallEnv, req: Any) -> m.Payment:
    """Only a paid endorsement order whose endorsements were not written is refunded here."""
    row = refresh(env.db, find_payment(env.db, req.paymentId, req.terminalId), env.now, env.settings)
    if row["status"] == REFUNDED:
        return payment_message(row, env.base_url)
    order = env.db.execute("SELECT * FROM orders WHERE order_id = ?", (row["order_id"],)).fetchone()
    if row["status"] == PAID and order["kind"] == acceptance.ORDER_KIND:
        acceptance.refuse_refund_if_accepted(env.db, order["order_id"])  # else refundable: nothing was accepted
    elif row["status"] != PAID or order["kind"] != endorsements.ORDER_KIND \
            or order["status"] not in (endorsements.PAID, endorsements.WRITE_FAILED):
        raise NotEligible("NOT_REFUNDABLE", "only a paid endorsement that was not written can be refunded")
    refund_id = f"RF-{row['payment_id'][4:]}"
    env.db.execute("UPDATE payments SET status = ?, refunded_at = ?, refund_id = ?, refund_reason = ? "
                   "WHERE payment_id = ?", (REFUNDED, iso(env.now), refund_id, req.reason, row["payment_id"]))
    env.db.execute("UPDATE orders SET status = ?, updated_at = ? WHERE order_id = ?",
                   (endorsements.REFUNDED, iso(env.now), order["order_id"]))
    return payment_message(find_payment(env.db, row["payment_id"]), env.base_url)


def find_payment(db: sqlite3.Connection, payment_id: str, terminal_id: str | None = None) -> sqlite3.Row:
    """A payment by id; given a terminal, only that terminal's (another's is as unknown as none).
    The payment page (a capability URL for the citizen's phone) looks payments up by id alone."""
    if terminal_id is None:
        row = db.execute("SELECT * FROM payments WHERE payment_id = ?", (payment_id,)).fetchone()
    else:
        row = db.execute("SELECT * FROM payments WHERE payment_id = ? AND terminal_id = ?",
                         (payment_id, terminal_id)).fetchone()
    if row is None:
        raise NotFound("PAYMENT", "no payment with this id")
    return row


def refresh(db: sqlite3.Connection, row: sqlite3.Row, now: dt.datetime, settings: ServerSettings) -> sqlite3.Row:
    """Apply what time has done to a pending payment: the demo auto-pay, or expiry."""
    if row["status"] != PENDING:
        return row
    created, expires = parse(row["created_at"]), parse(row["expires_at"])
    if settings.auto_pay_seconds > 0:
        auto_paid_at = created + dt.timedelta(seconds=settings.auto_pay_seconds)
        if auto_paid_at < expires and now >= auto_paid_at:
            mark_paid(db, row["payment_id"], auto_paid_at)
            return find_payment(db, row["payment_id"])
    if now >= expires:
        db.execute("UPDATE payments SET status = ? WHERE payment_id = ?", (EXPIRED, row["payment_id"]))
        return find_payment(db, row["payment_id"])
    return row


def mark_paid(db: sqlite3.Connection, payment_id: str, at: dt.datetime) -> None:
    """The provider confirmed the money: the payment and its order are paid, and fulfilled where
    paying is all there is (fines), or issued for writing (endorsements)."""
    order_id = db.execute("UPDATE payments SET status = ?, paid_at = ? WHERE payment_id = ? RETURNING order_id",
                          (PAID, iso(at), payment_id)).fetchone()["order_id"]
    order = db.execute("UPDATE orders SET status = 'PAID', updated_at = ? WHERE order_id = ? RETURNING kind",
                       (iso(at), order_id)).fetchone()
    if order["kind"] == endorsements.ORDER_KIND:
        endorsements.issue_endorsements(db, order_id, hall_day(at))
    else:
        fines.settle_fine_order(db, order_id, at)


def mark_declined(db: sqlite3.Connection, payment_id: str) -> None:
    db.execute("UPDATE payments SET status = ? WHERE payment_id = ?", (DECLINED, payment_id))


def pay_page_url(base_url: str, payment_id: str) -> str:
    return f"{base_url.rstrip('/')}{PAY_PAGE_PATH}{payment_id}"


def payment_message(row: sqlite3.Row, base_url: str) -> m.Payment:
    return m.Payment(
        paymentId=row["payment_id"], orderId=row["order_id"], amount=money(row["amount"]),
        status=row["status"], qrPayload=pay_page_url(base_url, row["payment_id"]),
        createdAt=parse(row["created_at"]), expiresAt=parse(row["expires_at"]), paidAt=parse(row["paid_at"]),
        refundedAt=parse(row["refunded_at"]), refundId=row["refund_id"], method=row["method"] or QR,
        card=card_message(row))


def card_message(row: sqlite3.Row) -> m.CardPayment | None:
    """What the terminal answered for a card payment (None for a QR payment)."""
    if row["method"] != CARD:
        return None
    return m.CardPayment(reference=row["card_reference"], authCode=row["card_auth_code"],
                         maskedPan=row["card_masked_pan"], batch=row["card_batch"], trace=row["card_trace"])

