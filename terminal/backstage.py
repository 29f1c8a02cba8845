"""The kiosk's runtime, started on a thread so the home screen shows at once.

Services read "starting" until it is up; afterwards the back end's health is watched.
Importing this module is cheap: the runtime's heavy imports (zeep, OpenCV, the drivers)
happen on the start thread, not before the first frame.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from core.config import Config
from core.session import Session
from terminal.alerts import TerminalAlerts

if TYPE_CHECKING:
    from terminal.runtime import Runtime

log = logging.getLogger(__name__)


class BackgroundRuntime:
    """Starts the runtime on a thread so the home screen shows at once (services read
    "starting" until it is up), and watches the back end's health afterwards."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.session = Session.from_config(config)  # the screen needs it before the runtime is up
        # What the hall must see about this terminal (a refused config file, a locked PIN); kept
        # across runtime rebuilds and sent with every heartbeat.
        self.alerts = TerminalAlerts()
        self.runtime: Runtime | None = None
        self.health = None
        self.failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._recovering = False
        self._recovery_thread: threading.Thread | None = None
        self._rebuilding = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._start, name="runtime-start", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        from terminal.backend_health import BackendHealth

        try:
            from terminal.runtime import start_fleet_link, start_runtime

            # The devices and the journal first; the back-end link opens on its own thread meanwhile.
            runtime = start_runtime(self.config, session=self.session, link_in_background=True)
        except BaseException as exc:  # shown as "starting" forever would hide it: log and keep it
            log.exception("kiosk runtime failed to start")
            self.failure = exc
            return
        self.health = BackendHealth(lambda: runtime.backend.ping())
        # Services are offered now, before the back end has answered (issue 23): every service begins
        # with a card read on a device, and a back-end call made while the link is still opening waits
        # for it. A back end found down then greys the tiles as it always did.
        self.runtime = runtime
        self.health.check_now()  # waits for the link to open, then asks
        try:
            start_fleet_link(runtime)
            runtime.fleet.use_alerts(self.alerts)
        except Exception:  # the heartbeats are missing, the kiosk still serves
            log.exception("the fleet link (registration, heartbeats, reports) failed to start")
        self.health.start()
        if runtime.link.is_open() and runtime.link.embedded is not None:  # after the services are offered
            runtime.link.embedded.warm_up()

    def wait(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.runtime is not None

    def ready(self) -> bool:
        return self.runtime is not None and not self._rebuilding and not self._recovering

    def recover_in_background(self, min_age_seconds: float) -> bool:
        """Settle transactions left open (a payment code paid after the citizen left, a
        recovery the back end was down for at start) while nobody is being served. Services
        read "starting" for the moment it takes, so no flow touches a device meanwhile.
        Returns False when it could not start (not ready, or already running)."""
        runtime = self.runtime
        if runtime is None or not self.ready():
            return False
        self._recovering = True

        def settle() -> None:
            from flows.recovery import recover_all
            try:
                run = recover_all(runtime.flow_context(), min_age_seconds=min_age_seconds)
                if run.settled:
                    log.info("idle recovery: %d transaction(s) settled, %d left open",
                             len(run.settled), len(run.left_open))
            except Exception:  # the journal keeps everything; try again at the next idle moment
                log.exception("idle recovery failed")
            finally:
                self._recovering = False

        self._recovery_thread = threading.Thread(target=settle, name="idle-recovery", daemon=True)
        self._recovery_thread.start()
        return True

    def restart(self, config: Config) -> None:
        """Rebuild the runtime with a new configuration (devices, back end), on a thread. Called
        at an idle moment (terminal/config_watch.py): services read "starting" until it is up again;
        the session object stays the same."""
        previous = self._thread
        self._rebuilding = True
        self.config = config

        def rebuild() -> None:
            if previous is not None:
                previous.join()
            old_runtime, old_health = self.runtime, self.health
            self.runtime = self.health = self.failure = None
            if old_health is not None:
                old_health.stop()
            if old_runtime is not None:
                old_runtime.close()
            self._start()
            self._rebuilding = False

        self._thread = threading.Thread(target=rebuild, name="runtime-restart", daemon=True)
        self._thread.start()

    @property
    def rebuilding(self) -> bool:
        return self._rebuilding

    def take_config(self, config: Config, rebuild: bool) -> None:
        """A new configuration taken at an idle moment: the runtime rebuilt from it (devices,
        back end changed), or only handed to the parts that read it while running."""
        if rebuild:
            self.restart(config)
            return
        self.config = config
        runtime = self.runtime
        if runtime is not None:
            runtime.config = config
            if runtime.fleet is not None:
                runtime.fleet.config = config

    def backend_up(self) -> bool | None:
        return None if self.health is None else self.health.up

    def device_states(self) -> dict:
        return {} if self.runtime is None else self.runtime.devices.states()

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._recovery_thread is not None:
            self._recovery_thread.join()
        if self.health is not None:
            self.health.stop()
        if self.runtime is not None:
            self.runtime.close()
