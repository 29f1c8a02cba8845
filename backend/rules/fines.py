"""Traffic violations at the kiosk: what it may settle, late fees, points.

From ../shared/DOMAIN.md section 5:
- the kiosk may settle (accept) only non-on-site violations whose penalty is a warning or a
  fine of at most 200 yuan; larger fines and on-site cases are decided at a counter, and a
  decided fine may then be paid at the kiosk;
- a fine is due within 15 days of the decision; after that a late fee of 3 % of the fine
  per day, capped at the fine itself;
- 12 points per 12-month cycle; the kiosk refuses a case that would bring the driver to 12.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from backend.faults import NotEligible

KIOSK_FINE_LIMIT = Decimal("200")
PAYMENT_GRACE_DAYS = 15
LATE_FEE_RATE_PER_DAY = Decimal("0.03")
POINTS_PER_CYCLE = 12
CENT = Decimal("0.01")

ON_SITE, NON_ON_SITE = "ON_SITE", "NON_ON_SITE"
UNDECIDED, DECIDED = "UNDECIDED", "DECIDED"
ACCEPT_AND_PAY, PAY_ONLY, COUNTER_ONLY = "ACCEPT_AND_PAY", "PAY_ONLY", "COUNTER_ONLY"


@dataclass(frozen=True)
class ViolationFacts:
    source: str
    fine: Decimal
    points: int
    decided_on: dt.date | None  # None while undecided
    paid: bool


@dataclass(frozen=True)
class Handling:
    """What the kiosk may do with a violation, and why not when it may not."""

    action: str
    refusal_reason: str | None = None


def late_fee(fine: Decimal, decided_on: dt.date | None, today: dt.date) -> Decimal:
    """3 % of the fine for each day after the 15-day grace period, never more than the fine."""
    if decided_on is None:
        return Decimal("0.00")
    days_late = (today - decided_on).days - PAYMENT_GRACE_DAYS
    if days_late <= 0:
        return Decimal("0.00")
    fee = (fine * LATE_FEE_RATE_PER_DAY * days_late).quantize(CENT, ROUND_HALF_UP)
    return min(fee, fine.quantize(CENT))


def amount_due(fine: Decimal, decided_on: dt.date | None, today: dt.date) -> Decimal:
    return (fine + late_fee(fine, decided_on, today)).quantize(CENT)


def handling(violation: ViolationFacts, points_in_cycle: int) -> Handling:
    """ACCEPT_AND_PAY, PAY_ONLY (decided elsewhere), or COUNTER_ONLY with the reason."""
    if violation.decided_on is not None:
        return Handling(PAY_ONLY)
    refusal = refusal_reason(violation, points_in_cycle)
    if refusal is not None:
        return Handling(COUNTER_ONLY, refusal)
    return Handling(ACCEPT_AND_PAY)


def refusal_reason(violation: ViolationFacts, points_in_cycle: int) -> str | None:
    """Why the kiosk may not accept this undecided violation, or None if it may."""
    if violation.source == ON_SITE:
        return "ON_SITE_CASE"
    if violation.fine > KIOSK_FINE_LIMIT:
        return "FINE_OVER_LIMIT"
    if points_in_cycle + violation.points >= POINTS_PER_CYCLE:
        return "WOULD_REACH_12_POINTS"
    return None


_REFUSAL_MESSAGES = {
    "ON_SITE_CASE": "on-site cases are decided at a counter",
    "FINE_OVER_LIMIT": f"fines over {KIOSK_FINE_LIMIT} yuan are decided at a counter",
    "WOULD_REACH_12_POINTS": f"this would bring the driver to {POINTS_PER_CYCLE} points",
}


def check_acceptable(violation: ViolationFacts, points_in_cycle: int) -> None:
    """Raise NotEligible unless the driver may accept this violation at the kiosk now."""
    if violation.paid:
        raise NotEligible("ALREADY_PAID", "this violation is settled")
    if violation.decided_on is not None:
        raise NotEligible("ALREADY_DECIDED", "this violation is decided already; pay it instead")
    reason = refusal_reason(violation, points_in_cycle)
    if reason is not None:
        raise NotEligible(reason, _REFUSAL_MESSAGES[reason])
