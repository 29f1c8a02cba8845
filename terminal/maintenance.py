"""What the technician's maintenance screen does, as plain Python (the screen only shows it).

Opened by a hidden gesture and the maintenance PIN. Nothing here shows a secret or an
unmasked personal record.

The PIN is six digits, so it is guarded against guessing at the screen (`PinLockout`): after
PIN_FREE_TRIES wrong tries in a row, every further wrong try locks the keypad for a delay that
doubles each time (PIN_LOCK_SECONDS, then twice that, ... up to PIN_LOCK_MAX_SECONDS); while
locked, a PIN is refused without being checked. The right PIN ends it. Each lock is logged at
WARNING (counts and seconds only: nothing typed is ever logged) and raised as a terminal alert
(terminal/alerts.py), so the hall dashboard shows the terminal needing attention until a
technician unlocks it with the right PIN. The lock lives in the running process: a restart
needs access to the machine, which a guesser at the screen does not have.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import tomli_w

from core.logs import LOG_FILE_NAME
from core.pin import verify_pin
from devices.base import DeviceError
from terminal.alerts import MAINTENANCE_PIN_LOCKED, TerminalAlerts

if TYPE_CHECKING:
    from core.config import Config
    from terminal.runtime import Runtime

log = logging.getLogger(__name__)

LOG_LINES_SHOWN = 20
# The hidden gesture: this many taps on the hall name within this many seconds.
SECRET_TAPS = 5
SECRET_TAP_WINDOW_SECONDS = 3.0
# Wrong PINs allowed in a row before the keypad locks.
PIN_FREE_TRIES = 5
# The first lock; each further wrong try doubles it, up to the maximum.
PIN_LOCK_SECONDS = 30.0
PIN_LOCK_MAX_SECONDS = 3600.0


class SecretTaps:
    """Counts taps; True once SECRET_TAPS fall within the window."""

    def __init__(self, now) -> None:
        self._now = now
        self._taps: deque[float] = deque(maxlen=SECRET_TAPS)

    def tap(self) -> bool:
        self._taps.append(self._now())
        if len(self._taps) == SECRET_TAPS and self._taps[-1] - self._taps[0] <= SECRET_TAP_WINDOW_SECONDS:
            self._taps.clear()
            return True
        return False


class PinLockout:
    """Wrong maintenance PINs in a row, and the growing lock they earn (see the module's docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, alerts: TerminalAlerts | None = None) -> None:
        self._clock = clock
        self._alerts = alerts
        self.wrong_in_a_row = 0
        self._locked_until = 0.0

    def seconds_left(self) -> float:
        """How long the keypad stays locked (0 when a PIN may be tried)."""
        return max(0.0, self._locked_until - self._clock())

    def lock_seconds(self) -> float:
        """The lock the wrong try just counted earns (0 while tries are still free)."""
        extra = self.wrong_in_a_row - PIN_FREE_TRIES
        return 0.0 if extra < 0 else min(PIN_LOCK_SECONDS * 2 ** extra, PIN_LOCK_MAX_SECONDS)

    def wrong(self) -> float:
        """Count a wrong PIN; the seconds the keypad is now locked for (0: not locked)."""
        self.wrong_in_a_row += 1
        seconds = self.lock_seconds()
        if seconds:
            self._locked_until = self._clock() + seconds
            log.warning("maintenance PIN locked for %d s after %d wrong tries in a row", seconds, self.wrong_in_a_row)
            if self._alerts is not None:
                self._alerts.raise_alert(MAINTENANCE_PIN_LOCKED, f"{self.wrong_in_a_row} wrong maintenance PIN tries "
                                                                 f"in a row; keypad locked for {seconds:.0f} s")
        return seconds

    def right(self) -> None:
        if self.wrong_in_a_row >= PIN_FREE_TRIES:
            log.warning("maintenance PIN right after %d wrong tries; lock ended", self.wrong_in_a_row)
        self.wrong_in_a_row = 0
        self._locked_until = 0.0
        if self._alerts is not None:
            self._alerts.clear(MAINTENANCE_PIN_LOCKED)


class Maintenance:
    def __init__(self, config: Config, runtime: Runtime | None, lockout: PinLockout | None = None) -> None:
        self.config = config
        self.runtime = runtime
        self.lockout = lockout if lockout is not None else PinLockout()

    def unlock(self, pin: str) -> bool:
        """True for the right PIN while the keypad is not locked; a locked keypad checks nothing."""
        left = self.lockout.seconds_left()
        if left > 0:
            log.warning("maintenance PIN refused unchecked: the keypad is locked for %d s more", round(left))
            return False
        ok = verify_pin(pin, self.config["ui"]["maintenance_pin_hash"])
        log.warning("maintenance %s", "opened" if ok else "PIN refused")
        if ok:
            self.lockout.right()
        else:
            self.lockout.wrong()
        return ok

    def device_lines(self) -> list[str]:
        if self.runtime is None:
            return ["(starting)"]
        lines = []
        for kind, status in sorted(self.runtime.devices.states().items()):
            reason = self.runtime.devices.state(kind).reason
            lines.append(f"{kind:8} {status.value}" + (f"  ({reason})" if reason else ""))
        return lines

    def test_print(self) -> str:
        from devices.printer.test_slip import test_slip

        try:
            printer = self._device("printer")
            printer.print_receipt(test_slip(self.config["terminal"]["id"], dt.datetime.now()))
        except DeviceError as exc:
            return f"test print failed: {exc.message_key} {exc.detail}".strip()
        return "test receipt printed"

    def read_card(self) -> str:
        try:
            read = self._device("idcard").read_card()
        except DeviceError as exc:
            return f"read failed: {exc.message_key} {exc.detail}".strip()
        if read.record is None:
            return f"no card read ({read.outcome.value})"
        return ", ".join(f"{k}={v}" for k, v in read.record.summary(show_pii=False).items())

    def config_summary(self) -> str:
        return tomli_w.dumps(self.config.redacted())

    def last_log_lines(self, count: int = LOG_LINES_SHOWN) -> list[str]:
        path = Path(self.config.path(self.config["logging"]["folder"])) / LOG_FILE_NAME
        if not path.exists():
            return []
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=count)]

    def _device(self, kind: str):
        device = self.runtime.devices.get(kind) if self.runtime is not None else None
        if device is None:
            raise DeviceError("device.unavailable", f"no {kind}")
        return device
