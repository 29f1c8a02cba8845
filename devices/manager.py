"""The device manager: builds what the configuration names, watches health, reports states.

The UI greys out services whose device is down and the back-end heartbeat tells the hall;
both read `states()`, which never blocks on a device. A device that cannot even be built
(a driver not installed, a vendor library missing) is reported as ERROR with the reason
instead of stopping the kiosk: the services that do not need it keep working.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.base import Device, DeviceStatus, StatusLog
from devices.factory import DeviceContext, build_device

if TYPE_CHECKING:
    from core.config import Config

log = logging.getLogger(__name__)

# How often every device is asked for its status. Each ask is cheap (a status frame, a socket
# probe); 5 s lets the hall see a reader unplugged within seconds without busying the lines.
HEALTH_POLL_INTERVAL_S = 5.0
# How long close() waits for a poll in progress to finish.
POLL_THREAD_JOIN_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class DeviceState:
    status: DeviceStatus
    reason: str = ""  # why it is not usable, for the technician (never shown to citizens)


class DeviceManager:
    """Owns every configured device for the life of the kiosk process."""

    def __init__(self, devices_config: Mapping[str, Mapping[str, Any]], context: DeviceContext,
                 poll_interval_s: float = HEALTH_POLL_INTERVAL_S) -> None:
        self._config = devices_config
        self._context = context
        self._poll_interval_s = poll_interval_s
        self._devices: dict[str, Device] = {}
        self._states: dict[str, DeviceState] = {}
        self._logs = {kind: StatusLog(kind) for kind in devices_config}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, config: Config, poll_interval_s: float = HEALTH_POLL_INTERVAL_S) -> DeviceManager:
        return cls(config["devices"], DeviceContext(config.data_dir), poll_interval_s)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every configured device kind, built or not."""
        return tuple(self._config)

    @property
    def context(self) -> DeviceContext:
        """The simulators' control handles live here (`context.simulators[kind]`)."""
        return self._context

    def start(self, poll_in_background: bool = True) -> None:
        """Build every device, ask each for its status once, then (by default) keep polling
        in the background. `doctor` asks once and stops."""
        for kind, settings in self._config.items():
            self._build(kind, settings)
        self.poll_once(concurrently=True)
        if not poll_in_background:
            return
        self._thread = threading.Thread(target=self._poll_forever, name="device-health", daemon=True)
        self._thread.start()

    def states(self) -> dict[str, DeviceStatus]:
        """The latest status of every configured device kind."""
        with self._lock:
            return {kind: state.status for kind, state in self._states.items()}

    def state(self, kind: str) -> DeviceState:
        with self._lock:
            return self._states[kind]

    def get(self, kind: str) -> Device | None:
        """The device of `kind`, or None when it could not be built (see `state(kind).reason`)."""
        return self._devices.get(kind)

    def poll_once(self, concurrently: bool = False) -> None:
        """Ask every built device for its status now (the background thread calls this).
        `concurrently` (the first ask, at start): each device on its own thread, so the lines'
        answers are awaited side by side and the services are offered sooner (issue 23); a
        device that hangs holds back only the start, as it would one after another."""
        devices = list(self._devices.items())
        if not concurrently or len(devices) < 2:
            for kind, device in devices:
                self._poll(kind, device)
            return
        asks = [threading.Thread(target=self._poll, args=(kind, device), name=f"first-status-{kind}", daemon=True)
                for kind, device in devices]
        for ask in asks:
            ask.start()
        for ask in asks:
            ask.join()

    def _poll(self, kind: str, device: Device) -> None:
        try:
            status = device.status()
            # Drivers that keep why they are not usable (last_detail) have doctor say it.
            state = DeviceState(status, "" if status.usable else str(getattr(device, "last_detail", "")))
        except Exception as exc:  # status() must not raise; a driver bug shows as ERROR
            state = DeviceState(DeviceStatus.ERROR, f"status check raised {exc!r}")
        self._set(kind, state)

    def close(self) -> None:
        """Stop polling, close every device and stop every simulator."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(POLL_THREAD_JOIN_TIMEOUT_S)
            self._thread = None
        for kind, device in self._devices.items():
            try:
                device.close()
            except Exception:
                log.exception("closing the %s device failed", kind)
        self._devices.clear()
        self._context.close_all()

    def _build(self, kind: str, settings: Mapping[str, Any]) -> None:
        if "driver" not in settings:
            self._set(kind, DeviceState(DeviceStatus.ERROR, f"no driver configured in [devices.{kind}]"))
            return
        try:
            self._devices[kind] = build_device(kind, settings, self._context)
        except Exception as exc:  # any builder failure leaves this one device out, not the kiosk
            self._set(kind, DeviceState(DeviceStatus.ERROR,
                                        f"cannot build driver {settings['driver']!r}: {exc}"))

    def _set(self, kind: str, state: DeviceState) -> None:
        with self._lock:
            self._states[kind] = state
        self._logs[kind].update(state.status, state.reason)

    def _poll_forever(self) -> None:
        while not self._stop.wait(self._poll_interval_s):
            self.poll_once()
