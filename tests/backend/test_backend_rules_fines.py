"""Traffic-fine rules (DOMAIN.md section 5): late fees, what the kiosk may settle, points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.faults import NotEligible
from backend.rules import fines
from backend.rules.fines import ViolationFacts

DECIDED = dt.date(2025, 3, 1)


def facts(**changes) -> ViolationFacts:
    values = dict(source=fines.NON_ON_SITE, fine=Decimal("100"), points=3, decided_on=None, paid=False)
    values.update(changes)
    return ViolationFacts(**values)


@pytest.mark.parametrize("days_after_decision, fee", [
    (0, "0.00"),
    (15, "0.00"),  # the 15th day is still within the grace period
    (16, "3.00"),  # 1 day late: 3 % of 100
    (20, "15.00"),  # 5 days late
    (48, "99.00"),  # 33 days late
    (49, "100.00"),  # 34 days late would be 102: capped at the fine
    (400, "100.00"),
])
def test_late_fee_is_3_percent_a_day_after_15_days_capped_at_the_fine(days_after_decision, fee):
    today = DECIDED + dt.timedelta(days=days_after_decision)
    assert fines.late_fee(Decimal("100"), DECIDED, today) == Decimal(fee)


def test_late_fee_rounds_to_the_cent():
    # 3 % of 155 yuan is 4.65 a day; 3 days late is 13.95.
    assert fines.late_fee(Decimal("155"), DECIDED, DECIDED + dt.timedelta(days=18)) == Decimal("13.95")
    assert fines.amount_due(Decimal("155"), DECIDED, DECIDED + dt.timedelta(days=18)) == Decimal("168.95")


def test_undecided_violation_has_no_late_fee():
    assert fines.late_fee(Decimal("100"), None, DECIDED) == Decimal("0.00")


@given(fine=st.decimals(min_value=0, max_value=10_000, places=2), days=st.integers(min_value=0, max_value=5000))
def test_late_fee_never_exceeds_the_fine_and_never_shrinks(fine, days):
    today = DECIDED + dt.timedelta(days=days)
    fee = fines.late_fee(fine, DECIDED, today)
    assert Decimal("0") <= fee <= fine
    assert fines.late_fee(fine, DECIDED, today + dt.timedelta(days=1)) >= fee


@pytest.mark.parametrize("violation, points_now, action, reason", [
    (facts(), 0, fines.ACCEPT_AND_PAY, None),
    (facts(fine=Decimal("200")), 0, fines.ACCEPT_AND_PAY, None),  # 200 is still within the limit
    (facts(fine=Decimal("0"), points=0), 0, fines.ACCEPT_AND_PAY, None),  # a warning
    (facts(fine=Decimal("200.01")), 0, fines.COUNTER_ONLY, "FINE_OVER_LIMIT"),
    (facts(source=fines.ON_SITE), 0, fines.COUNTER_ONLY, "ON_SITE_CASE"),
    (facts(points=3), 9, fines.COUNTER_ONLY, "WOULD_REACH_12_POINTS"),
    (facts(points=2), 9, fines.ACCEPT_AND_PAY, None),  # 11 points is allowed
    (facts(points=12), 0, fines.COUNTER_ONLY, "WOULD_REACH_12_POINTS"),  # a 12-point offence
    (facts(fine=Decimal("500"), decided_on=DECIDED), 0, fines.PAY_ONLY, None),  # decided at a counter
    (facts(source=fines.ON_SITE, decided_on=DECIDED), 11, fines.PAY_ONLY, None),
])
def test_kiosk_handling(violation, points_now, action, reason):
    assert fines.handling(violation, points_now) == fines.Handling(action, reason)


@pytest.mark.parametrize("violation, points_now, reason", [
    (facts(paid=True, decided_on=DECIDED), 0, "ALREADY_PAID"),
    (facts(decided_on=DECIDED), 0, "ALREADY_DECIDED"),
    (facts(source=fines.ON_SITE), 0, "ON_SITE_CASE"),
    (facts(fine=Decimal("500")), 0, "FINE_OVER_LIMIT"),
    (facts(points=6), 6, "WOULD_REACH_12_POINTS"),
])
def test_accepting_is_refused_with_the_reason(violation, points_now, reason):
    with pytest.raises(NotEligible) as caught:
        fines.check_acceptable(violation, points_now)
    assert caught.value.reason == reason


def test_accepting_within_the_limits_passes():
    fines.check_acceptable(facts(points=1), 10)
