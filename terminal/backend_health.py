"""Is the back end answering? Asked in the background so the home screen can grey the
services that need it, and bring them back by itself when it returns."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)

# How often the back end is pinged. Short enough that a hall sees services return within
# seconds of the network coming back; one tiny request every 10 s is nothing to the server.
PING_INTERVAL_SECONDS = 10.0


class BackendHealth:
    def __init__(self, ping: Callable[[], object], interval: float = PING_INTERVAL_SECONDS) -> None:
        self._ping = ping
        self._interval = interval
        self._up: bool | None = None  # None: not asked yet
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def up(self) -> bool | None:
        return self._up

    def check_now(self) -> bool:
        try:
            self._ping()
            up = True
        except Exception as exc:  # any failure to answer means: not usable now
            up = False
            detail = getattr(exc, "message_key", type(exc).__name__)
        if up != self._up:
            if up:
                log.info("back end answers")
            else:
                log.warning("back end does not answer (%s)", detail)
        self._up = up
        return up

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="backend-health", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check_now()
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._interval + 5)
            self._thread = None
