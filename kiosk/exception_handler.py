"""The last line of defence: an exception that escaped into Kivy's main loop (a clock callback,
a touch handler, a .kv rule) must not end the kiosk or leave a citizen's data on screen.

Kivy's main loop hands every such exception to `kivy.base.ExceptionManager` before it would stop
the app. `KioskExceptionHandler` answers it:

- the exception is logged once at ERROR with its traceback, while the session still knows the
  citizen's names, so the log's masking formatter (core/logs.py) hides them, and ID numbers;
- the kiosk goes back to its home screen: every popup (keypad, idle warning, simulation panel,
  confirmation) is dismissed, the flow is closed (it gets its Cancel, so a card is released and a
  payment refunded as on any cancel) and the session is wiped; the screen that was being drawn
  when it failed is left behind, never shown half-drawn;
- it answers PASS, and the kiosk keeps serving.

A bug that fires on every frame would turn this into a loop that serves nobody. More than
CRASH_LOOP_LIMIT escaped exceptions within CRASH_LOOP_SECONDS answer RAISE instead: the app
stops, the process exits with the traceback, and systemd starts it again (deploy/kiosk.service,
Restart=always), which a broken state needs. KeyboardInterrupt and SystemExit always RAISE.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from kivy.base import ExceptionHandler, ExceptionManager

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)

# More escaped exceptions than this within the window: stop and let the service restart us.
CRASH_LOOP_LIMIT = 5
CRASH_LOOP_SECONDS = 60.0
RECOVERY_REASON = "unexpected error"


class KioskExceptionHandler(ExceptionHandler):
    """Logs an escaped exception, returns the kiosk home with the session wiped, keeps it running."""

    def __init__(self, app: KioskApp, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.app = app
        self._clock = clock
        self._recent: deque[float] = deque(maxlen=CRASH_LOOP_LIMIT + 1)
        self.handled = 0  # exceptions recovered from since the app started

    def install(self) -> KioskExceptionHandler:
        ExceptionManager.add_handler(self)
        return self

    def uninstall(self) -> None:
        """Taken off Kivy's (process-wide) manager when the app stops: it holds the app."""
        ExceptionManager.remove_handler(self)

    def handle_exception(self, exception: BaseException) -> int:
        if isinstance(exception, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        now = self._clock()
        self._recent.append(now)
        if len(self._recent) > CRASH_LOOP_LIMIT and now - self._recent[0] <= CRASH_LOOP_SECONDS:
            log.critical("%d unexpected errors within %g s: stopping the kiosk so that it is restarted",
                         len(self._recent), CRASH_LOOP_SECONDS, exc_info=exception)
            return ExceptionManager.RAISE
        # Logged before the wipe: the masking formatter still knows the session's names.
        log.error("unexpected error on screen %r; back to the home screen with the session wiped",
                  self._screen_name(), exc_info=exception)
        try:
            self._go_home()
        except Exception:  # the way home failed too: only a restart is safe now
            log.critical("the kiosk could not return to its home screen: stopping so that it is restarted",
                         exc_info=True)
            return ExceptionManager.RAISE
        self.handled += 1
        return ExceptionManager.PASS

    def _screen_name(self) -> str:
        screens = self.app.screens
        return screens.current if screens is not None else "(none)"

    def _go_home(self) -> None:
        """Every popup closed, the home screen up, the flow cancelled and the session wiped."""
        from kivy.core.window import Window
        from kivy.uix.modalview import ModalView

        for view in [child for child in Window.children if isinstance(child, ModalView)]:
            view.dismiss(animation=False)
        try:
            self.app.end_session(RECOVERY_REASON)
        except Exception:  # the flow's own close failed: wipe without it
            log.exception("closing the flow after an unexpected error failed; wiping the session directly")
            self.app.flow_host.runner = None
            self.app.flow_host.model = None
            if self.app.screens is not None:
                self.app.screens.current = "home"
            self.app.session.wipe(RECOVERY_REASON)
            self.app.apply_session_preferences()
