"""`python main.py devices simulate`: every kind's simulator, running until Ctrl-C.

A technician points a kiosk (or a hall's config) at the printed ports to try the whole
kiosk without hardware. Simulators are found through the factory's "simulator" builders,
so a new kind appears here as soon as its builder exists; a kind whose simulator cannot
be built is listed as unavailable with the reason.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from devices.config_schema import DEVICE_KINDS
from devices.factory import BUILDERS, DeviceContext, build_device

SIMULATOR_DRIVER = "simulator"


@dataclass(frozen=True)
class SimulatorReport:
    kind: str
    simulator: Any = None  # the control handle its builder registered, when it runs
    problem: str = ""  # why it is unavailable

    @property
    def running(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        return describe(self.simulator) if self.running else f"unavailable: {self.problem}"


def start_simulators(devices_config: Mapping[str, Mapping[str, Any]], context: DeviceContext,
                     kinds: tuple[str, ...] = DEVICE_KINDS) -> list[SimulatorReport]:
    """Start each kind's simulator with its configured settings (driver forced to "simulator")."""
    reports = []
    for kind in kinds:
        if SIMULATOR_DRIVER not in BUILDERS.get(kind, {}):
            reports.append(SimulatorReport(kind, problem="no simulator builder in devices/factory.py"))
            continue
        settings = {**devices_config.get(kind, {}), "driver": SIMULATOR_DRIVER}
        try:
            build_device(kind, settings, context)
        except Exception as exc:  # a kind not written yet (or broken) must not stop the others
            reports.append(SimulatorReport(kind, problem=f"{type(exc).__name__}: {exc}"))
            continue
        reports.append(SimulatorReport(kind, simulator=context.simulators.get(kind)))
    return reports


def describe(simulator: Any) -> str:
    """Where a simulator listens: its `describe()`, else a port/path/address it exposes."""
    if simulator is None:
        return "running; its builder registered no simulator handle"
    if callable(getattr(simulator, "describe", None)):
        return str(simulator.describe())
    for attribute in ("port", "path", "address"):
        value = getattr(simulator, attribute, None)
        if value:
            return f"listening on {value}"
    return f"running ({type(simulator).__name__} reports no address)"


def print_reports(reports: list[SimulatorReport], out: TextIO) -> None:
    width = max(len(r.kind) for r in reports)
    for report in reports:
        print(f"{report.kind:<{width}}  {report.describe()}", file=out)
    out.flush()


def wait_for_stop() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
