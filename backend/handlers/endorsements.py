"""HK/Macau endorsements: eligibility, order, the records to write once paid, and the write confirmation."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from backend import messages as m
from backend.faults import NotEligible, NotFound
from backend.handlers.common import CallEnv, find_person, money, require_valid_id_number
from backend.rules import endorsements as rules
from backend.timeutil import iso, parse, parse_day

ORDER_KIND = "ENDORSEMENT"
AWAITING_PAYMENT, PAID, WRITTEN, WRITE_FAILED, REFUNDED = (
    "AWAITING_PAYMENT", "PAID", "WRITTEN", "WRITE_FAILED", "REFUNDED")


def check_eligibility(env: CallEnv, req: Any) -> m.EndorsementEligibility:
    permit, options = _options(env, req.idNumber, req.permitNumber)
    return m.EndorsementEligibility(
        permitNumber=permit["permit_number"] if permit else None,
        permitValidTo=parse_day(permit["valid_to"]) if permit else None,
        option=[m.EndorsementOption(destination=p.destination, type=p.type, trips=p.trips,
                                    validityMonths=p.validity_months, maxStayDays=p.max_stay_days,
                                    fee=p.fee) for p in options])


def create_order(env: CallEnv, req: Any) -> m.EndorsementOrder:
    _, options = _options(env, req.idNumber, req.permitNumber)
    chosen = rules.select(options, [rules.Choice(c.destination, c.type, c.trips, c.validityMonths)
                                    for c in req.choice])
    order_id = env.new_private_reference("EO")
    amount = sum((p.fee for p in chosen), start=money("0"))
    env.db.execute("INSERT INTO orders (order_id, kind, terminal_id, id_number, permit_number, status, amount, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (order_id, ORDER_KIND, req.terminalId, req.idNumber, req.permitNumber, AWAITING_PAYMENT,
                    str(amount), iso(env.now), iso(env.now)))
    for position, p in enumerate(chosen):
        env.db.execute("INSERT INTO order_items (order_id, position, destination, type, trips, validity_months, "
                       "max_stay_days, fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (order_id, position, p.destination, p.type, p.trips, p.validity_months, p.max_stay_days,
                        str(p.fee)))
    return order_message(env.db, order_id)


def get_order(env: CallEnv, req: Any) -> m.EndorsementOrder:
    find_order(env.db, req.orderId, req.terminalId)
    return order_message(env.db, req.orderId)


def confirm_write(env: CallEnv, req: Any) -> m.EndorsementOrder:
    """PAID (or WRITE_FAILED, when the kiosk retried) -> WRITTEN or WRITE_FAILED."""
    order = find_order(env.db, req.orderId, req.terminalId)
    if order["status"] == AWAITING_PAYMENT:
        raise NotEligible("ORDER_NOT_PAID", "the order is not paid yet")
    if order["status"] not in (PAID, WRITE_FAILED):
        raise NotEligible("ORDER_CLOSED", f"the order is {order['status'].lower()}")
    status = WRITTEN if req.outcome == "WRITTEN" else WRITE_FAILED
    env.db.execute("UPDATE orders SET status = ?, write_failure = ?, updated_at = ? WHERE order_id = ?",
                   (status, req.failureDetail if status == WRITE_FAILED else None, iso(env.now), req.orderId))
    return order_message(env.db, req.orderId)


def issue_endorsements(db: sqlite3.Connection, order_id: str, day: dt.date) -> None:
    """On payment: give each item its endorsement number and validity, starting `day`."""
    items = db.execute("SELECT position, validity_months FROM order_items WHERE order_id = ?", (order_id,))
    for item in items.fetchall():
        valid_to = rules.endorsement_end(day, item["validity_months"])
        db.execute("UPDATE order_items SET endorsement_number = ?, valid_from = ?, valid_to = ? "
                   "WHERE order_id = ? AND position = ?",
                   (f"QZ-{order_id[3:]}-{item['position'] + 1}", day.isoformat(), valid_to.isoformat(),
                    order_id, item["position"]))


def find_order(db: sqlite3.Connection, order_id: str, terminal_id: str) -> sqlite3.Row:
    """The terminal's own order: another terminal's is as unknown as one that does not exist."""
    row = db.execute("SELECT * FROM orders WHERE order_id = ? AND kind = ? AND terminal_id = ?",
                     (order_id, ORDER_KIND, terminal_id)).fetchone()
    if row is None:
        raise NotFound("ORDER", "no endorsement order with this id")
    return row


def order_message(db: sqlite3.Connection, order_id: str) -> m.EndorsementOrder:
    order = db.execute("SELECT * FROM orders WHERE order_id = ?", (order_id,)).fetchone()
    items = db.execute("SELECT * FROM order_items WHERE order_id = ? ORDER BY position", (order_id,)).fetchall()
    return m.EndorsementOrder(
        orderId=order_id, status=order["status"], permitNumber=order["permit_number"],
        amount=money(order["amount"]), createdAt=parse(order["created_at"]),
        item=[m.OrderItem(destination=i["destination"], type=i["type"], trips=i["trips"],
                          validityMonths=i["validity_months"], maxStayDays=i["max_stay_days"],
                          fee=money(i["fee"]), endorsementNumber=i["endorsement_number"],
                          validFrom=parse_day(i["valid_from"]), validTo=parse_day(i["valid_to"]))
              for i in items])


def _options(env: CallEnv, id_number: str, permit_number: str | None) -> tuple[sqlite3.Row | None,
                                                                               list[rules.Product]]:
    """The permit's row and the options on it; without a permit number (endorsements with a new
    permit: the application form) no row and the options no permit's validity limits."""
    require_valid_id_number(id_number)
    person = find_person(env.db, id_number)
    applicant = applicant_of(person)
    if permit_number is None:
        return None, rules.eligible_options(applicant, None, env.settings.hall_region_code, env.today)
    permit = env.db.execute("SELECT * FROM permits WHERE permit_number = ? AND id_number = ?",
                            (permit_number, id_number)).fetchone()
    if permit is None:
        # Refusals about the person come first: a residence-permit holder has no permit at all.
        rules.eligible_options(applicant, dt.date.max, env.settings.hall_region_code, env.today)
        raise NotFound("PERMIT", "no travel permit with this number for this person")
    options = rules.eligible_options(applicant, parse_day(permit["valid_to"]) or dt.date.min,
                                     env.settings.hall_region_code, env.today)
    return permit, options


def applicant_of(person: sqlite3.Row) -> rules.Applicant:
    """What the endorsement rules need to know of a person on file."""
    return rules.Applicant(
        document_kind=person["document_kind"], hukou_region_code=person["hukou_region_code"],
        registered_state_employee=bool(person["registered_state_employee"]),
        relatives_in=frozenset(filter(None, person["relatives_in"].split(","))),
        business_registered=bool(person["business_registered"]),
        residence_permit_region_code=person["residence_permit_region_code"])
