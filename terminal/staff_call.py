"""'Call staff' (呼叫工作人员): the citizen asks for a person, the hall dashboard shows where.

The call rides the heartbeat as a terminal alert (terminal/alerts.py): kind ``staff_call``,
detail naming the service and the step the citizen is on, never who they are. The dashboard
shows the terminal as needing attention with that line until the call is answered: the
session ends (the citizen was helped or left) and the alert is cleared.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from terminal.alerts import TerminalAlerts

STAFF_CALL = "staff_call"


def call_detail(service: str, step: int = 0, steps: int = 0, state: str = "") -> str:
    """One line for the dashboard: 'staff called: endorsement, step 3 of 5 (review)'."""
    where = service or "home"
    if steps:
        where += f", step {step} of {steps}"
    if state:
        where += f" ({state})"
    return f"staff called: {where}"


class StaffCall:
    """Raises the call once per session (pressing again only renews the line), clears it when
    the session ends."""

    def __init__(self, alerts: TerminalAlerts, now: Callable[[], float] = time.time) -> None:
        self._alerts = alerts
        self._now = now
        self.called_at: float | None = None

    def call(self, service: str, step: int = 0, steps: int = 0, state: str = "") -> str:
        detail = call_detail(service, step, steps, state)
        clock = time.strftime("%H:%M", time.localtime(self._now()))
        self._alerts.raise_alert(STAFF_CALL, f"{detail} at {clock}")
        if self.called_at is None:
            self.called_at = self._now()
        return detail

    @property
    def waiting(self) -> bool:
        return self.called_at is not None

    def answered(self) -> None:
        self.called_at = None
        self._alerts.clear(STAFF_CALL)
