"""Everything the kiosk runs on besides the screen: back end, devices, journal, session.

Built the same way by the Kivy app, `selftest` and the flow tests, so what the tests drive
is what a hall runs. With the shipped configuration the reference back end starts in-process
and every device is a simulator on a real channel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from core.config import Config
from core.session import Session
from devices.factory import DeviceContext
from devices.manager import DeviceManager
from flows.context import FlowContext
from flows.journal import Journal
from terminal.backend_link import BackendLink, OpeningBackendLink, open_backend_link

if TYPE_CHECKING:
    from backend_client.client import BackendClient

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: Config
    link: BackendLink | OpeningBackendLink  # the client, the embedded reference back end, the outbox
    devices: DeviceManager
    journal: Journal
    session: Session
    fleet: Any = None  # terminal.fleet.FleetLink: registration, heartbeats, transaction reports
    _closed: bool = field(default=False, repr=False)

    @property
    def backend(self) -> BackendClient:
        return self.link.client

    def flow_context(self) -> FlowContext:
        return FlowContext(self.config, self.devices, self.backend, self.journal, self.session,
                           outbox=self.link.outbox)

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
        self.devices.close()
        self.link.close()
        self.journal.close()


def start_runtime(config: Config, start_device_polling: bool = True, session: Session | None = None,
                  start_fleet: bool = True, device_kinds: Iterable[str] | None = None,
                  recover_at_start: bool = True, link_in_background: bool = False) -> Runtime:
    """The one way to put the kiosk's parts together (the app, selftest, doctor's tools, journal
    reconcile): the back-end link, the devices (`device_kinds`, or every configured one), the
    journal and a session; then what a crash left unfinished is settled (`recover_at_start`) and
    (`start_fleet`) the fleet link starts: registration, heartbeats and transaction reports.

    `link_in_background` (the kiosk app, issue 23): the devices and the journal first, then the
    back-end link opens on its own thread (OpeningBackendLink: a call made meanwhile waits for it)
    and this returns without waiting for it; start the fleet with `start_fleet_link` once the
    link is wanted (it waits for the link)."""
    wanted = config["devices"] if device_kinds is None else \
        {kind: settings for kind, settings in config["devices"].items() if kind in set(device_kinds)}
    devices = DeviceManager(wanted, DeviceContext(config.data_dir))
    if link_in_background:
        return _start_devices_first(config, devices, start_device_polling, session, recover_at_start)
    # The devices are built (drivers imported, simulators started, each asked its status once)
    # while the back-end link opens: each spends time waiting on lines and files that the other
    # can use (issue 23: services ready sooner after a cold start).
    building = _Started(devices.start) if start_device_polling else None
    try:
        link = open_backend_link(config)
    except BaseException:
        if building is not None:
            building.wait_quietly()
        devices.close()
        raise
    try:
        if building is not None:
            building.result()
        journal = Journal(config.journal_path)
    except BaseException:
        devices.close()
        link.close()
        raise
    runtime = Runtime(config, link, devices, journal, session or Session.from_config(config))
    if recover_at_start:
        _recover_unfinished(runtime)
    if start_fleet:
        try:
            start_fleet_link(runtime)
        except BaseException:
            runtime.close()
            raise
    return runtime


def _start_devices_first(config: Config, devices: DeviceManager, start_device_polling: bool,
                         session: Session | None, recover_at_start: bool) -> Runtime:
    """What every service's first step needs (its devices, the journal), then the back-end link
    opening on its own thread. The link's import and start (the embedded reference back end's
    spyne models, zeep's reading of the WSDL) take the CPU after the devices, not beside them."""
    try:
        if start_device_polling:
            devices.start()
        journal = Journal(config.journal_path)
    except BaseException:
        devices.close()
        raise
    # Opened after the recovery below: usually nothing is left to settle, and the link's imports
    # would only take the CPU from it; a recovery that calls the back end begins the opening itself.
    link = OpeningBackendLink(config, begin=False)
    runtime = Runtime(config, link, devices, journal, session or Session.from_config(config))
    if recover_at_start:  # its back-end calls, when something is left to settle, wait for the link
        _recover_unfinished(runtime)
    link.begin()
    return runtime


def start_fleet_link(runtime: Runtime) -> None:
    """Registration, heartbeats and transaction reports (terminal.fleet), for the runtime's devices."""
    from terminal.fleet import FleetLink

    devices = runtime.devices
    runtime.fleet = FleetLink(runtime.config, runtime.link.client, runtime.link.outbox(), runtime.journal,
                              devices.states)
    if "dispenser" in devices.kinds:  # its stock and retracted documents ride with every heartbeat
        from terminal.dispenser_watch import heartbeat_entries

        runtime.fleet.extra_entries = lambda: heartbeat_entries(devices.get("dispenser"))
    runtime.fleet.start()


class _Started:
    """`work()` running on its own thread; `result()` waits for it and raises what it raised."""

    def __init__(self, work: Callable[[], None]) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="runtime-devices", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed to the starting thread by result()
            self._error = exc

    def result(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error

    def wait_quietly(self) -> None:
        """Wait, whatever happened: the caller is already failing for another reason."""
        self._thread.join()


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
