"""The self-test scenarios of booking, walk-in tickets and the urgent path (issue 20) pass on
the shipped runtime, and again on the same back end (the booking scenario cancels what it
booked, so a kept back end does not refuse the next run as a double booking)."""

from __future__ import annotations

import pytest

from terminal.selftest import run_scenario

VISIT_SERVICES = ("appointment_booking", "queue_ticket", "urgent")


@pytest.mark.parametrize("service", VISIT_SERVICES)
def test_scenario_passes_twice(runtime, service):
    for _ in range(2):
        result = run_scenario(runtime, service)
        assert result.passed, result.detail
        assert result.touches > 0
