"""What the technician's maintenance screen does, as plain Python (the screen only shows it).

Opened by a hidden gesture and the maintenance PIN. Nothing here shows a secret or an
unmasked personal record.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

import tomli_w

from core.logs import LOG_FILE_NAME
from core.pin import verify_pin
from devices.base import DeviceError

if TYPE_CHECKING:
    from core.config import Config
    from terminal.runtime import Runtime

log = logging.getLogger(__name__)

LOG_LINES_SHOWN = 20
# The hidden gesture: this many taps on the hall name within this many seconds.
SECRET_TAPS = 5
SECRET_TAP_WINDOW_SECONDS = 3.0


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


class Maintenance:
    def __init__(self, config: "Config", runtime: "Runtime | None") -> None:
        self.config = config
        self.runtime = runtime

    def unlock(self, pin: str) -> bool:
        ok = verify_pin(pin, self.config["ui"]["maintenance_pin_hash"])
        log.warning("maintenance %s", "opened" if ok else "PIN refused")
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
