"""The idle rule: after `idle_seconds` without a touch, show a countdown; `warning_seconds` later, wipe.

Plain Python with an injected clock, so the Kivy app drives it from Kivy's Clock and tests
advance time deterministically.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable


class IdlePhase(enum.Enum):
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleState:
    phase: IdlePhase
    seconds_left: float  # until the wipe; meaningful in WARNING


class IdleTimer:
    """Tracks the last touch. `poll()` says whether to show the countdown or wipe."""

    def __init__(self, idle_seconds: float, warning_seconds: float, now: Callable[[], float]) -> None:
        self.idle_seconds = idle_seconds
        self.warning_seconds = warning_seconds
        self._now = now
        self._last_touch = now()

    def touch(self) -> None:
        self._last_touch = self._now()

    def poll(self) -> IdleState:
        idle_for = self._now() - self._last_touch
        left = self.idle_seconds + self.warning_seconds - idle_for
        if left <= 0:
            return IdleState(IdlePhase.EXPIRED, 0.0)
        if idle_for >= self.idle_seconds:
            return IdleState(IdlePhase.WARNING, left)
        return IdleState(IdlePhase.ACTIVE, left)
