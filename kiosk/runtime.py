"""Everything the kiosk runs on besides the screen: back end, devices, journal, session.

Built the same way by the Kivy app, `selftest` and the flow tests, so what the tests drive
is what a hall runs. With the shipped configuration the reference back end starts in-process
and every device is a simulator on a real channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from devices.manager import DeviceManager
from flows.context import FlowContext
from flows.journal import Journal
from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.link import connect_backend
from kiosk.config import Config
from kiosk.backstage import new_session
from kiosk.session import Session

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: Config
    backend: BackendClient
    devices: DeviceManager
    journal: Journal
    session: Session
    embedded_backend: Any = None  # backend.embedded.EmbeddedBackend when [backend] mode = "embedded"
    fleet: Any = None  # kiosk.fleet.FleetLink: registration, heartbeats, transaction reports
    outbox: Any = None  # kiosk.backend_client.outbox.Outbox the fleet link queues into
    _closed: bool = field(default=False, repr=False)

    def flow_context(self) -> FlowContext:
        return FlowContext(self.config, self.devices, self.backend, self.journal, self.session)

    @property
    def simulators(self) -> dict[str, Any]:
        """Control handles of the simulated devices (insert a card, pull the paper, ...)."""
        return self.devices.context.simulators

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.session.wipe("kiosk stopping")
        if self.fleet is not None:
            self.fleet.stop()
            self.outbox.close()
        self.devices.close()
        self.backend.close()
        self.journal.close()
        if self.embedded_backend is not None:
            self.embedded_backend.stop()


def start_runtime(config: Config, start_device_polling: bool = True, session: Session | None = None,
                  start_fleet: bool = True) -> Runtime:
    """Start the back end (embedded or remote client), every device, the journal and a session;
    then (start_fleet) the fleet link: registration, heartbeats and transaction reports."""
    backend, embedded = connect_backend(config)
    try:
        devices = DeviceManager.from_config(config)
        if start_device_polling:
            devices.start()
        journal = Journal(config.journal_path)
    except BaseException:
        backend.close()
        if embedded is not None:
            embedded.stop()
        raise
    runtime = Runtime(config, backend, devices, journal, session or new_session(config), embedded)
    _recover_unfinished(runtime)
    if start_fleet:
        from kiosk.fleet import start_fleet_link

        try:
            runtime.fleet, runtime.outbox = start_fleet_link(config, backend, journal, devices.states)
        except BaseException:
            runtime.close()
            raise
    return runtime


def _recover_unfinished(runtime: Runtime) -> None:
    """Settle what a crash or power cut left unfinished (flows/recovery.py) before anyone is
    served. A failure here is logged, not fatal: what is not settled stays open in the journal."""
    from flows.recovery import recover_all

    try:
        run = recover_all(runtime.flow_context())
    except Exception:  # noqa: BLE001 - the kiosk must still start; the journal keeps everything
        log.exception("recovery of unfinished transactions failed")
        return
    if run.settled or run.left_open:
        log.info("recovery: %d transaction(s) settled, %d left open", len(run.settled), len(run.left_open))
