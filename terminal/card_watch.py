"""Watches the ID card reader while the attract screen shows: a card placed on it starts the
hall's usual service (issue 14: "place your ID card or touch a service").

Only the reader's find step is used (IdCardDriver.card_present): nothing is read here; the
service's own identity step reads the card. A reader without that step, or none at all, is
simply not watched. No Kivy: the kiosk passes `found`, which must hand over to its own thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5


class CardWatch:
    def __init__(self, reader: Any, found: Callable[[], None], poll_seconds: float = POLL_SECONDS) -> None:
        self._reader = reader
        self._found = found
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def watchable(self) -> bool:
        return self._reader is not None and callable(getattr(self._reader, "card_present", None))

    def start(self) -> CardWatch:
        if self.watchable and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="attract-card-watch", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            try:
                present = self._reader.card_present()
            except Exception:  # a reader that fails is not watched further; the touch still works
                log.warning("attract: the ID card reader could not be watched", exc_info=True)
                return
            if present and not self._stop.is_set():
                log.info("attract: a card was placed on the reader")
                self._stop.set()
                self._found()
                return
