"""Problems of the terminal itself that the hall must see: a pushed configuration file refused, the
maintenance PIN locked after wrong tries.

They travel in the heartbeat (terminal/fleet.py) as extra device entries, using the contract's
free-text device detail rather than a contract change: kind = the alert's name ("config",
"maintenance_pin"), status ERROR, detail = one short line. The hall dashboard shows a terminal
with one as needing attention, with the detail. An alert holds no personal data and no secret:
callers put only file names, keys, offsets and counts in it.

Thread-safe: the kiosk's clock sets alerts, the fleet thread reads them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# The contract's ShortText: a device detail is at most this long.
DETAIL_MAX_CHARS = 200
CONFIG_REFUSED = "config"
MAINTENANCE_PIN_LOCKED = "maintenance_pin"


class TerminalAlerts:
    """Named alerts, each with one line of detail; listeners hear every change."""

    def __init__(self) -> None:
        self._alerts: dict[str, str] = {}
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def raise_alert(self, name: str, detail: str) -> None:
        detail = " ".join(detail.split())[:DETAIL_MAX_CHARS]
        with self._lock:
            if self._alerts.get(name) == detail:
                return
            self._alerts[name] = detail
        self._changed()

    def clear(self, name: str) -> None:
        with self._lock:
            if self._alerts.pop(name, None) is None:
                return
        self._changed()

    def current(self) -> dict[str, str]:
        """Name -> detail of every alert now raised, by name."""
        with self._lock:
            return dict(sorted(self._alerts.items()))

    def subscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _changed(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
