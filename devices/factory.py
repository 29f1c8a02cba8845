"""One factory builds every device from configuration; flows never know which kind they got.

`[devices.<kind>] driver = "simulator"` starts the simulator on a real channel (a pty or a
loopback socket) and returns the *real* driver connected to it. Any other driver name builds
the real driver on the configured port. Builders are named here as "module:function" so the
table reads in one place and nothing is imported until it is used.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from devices.base import Device

log = logging.getLogger(__name__)

# kind -> driver name -> "module:function". Each function is `build(settings, context) -> Device`.
BUILDERS: dict[str, dict[str, str]] = {
    "idcard": {
        "serial": "devices.idcard.driver:build",
        "hid": "devices.idcard.driver:build_hid",
        "simulator": "devices.idcard.simulator:build",
    },
    "permit": {
        "serial": "devices.permit.driver:build",
        "simulator": "devices.permit.simulator:build",
    },
    "scanner": {
        "serial": "devices.scanner.driver:build",
        "evdev": "devices.scanner.keyboard_driver:build",
        "simulator": "devices.scanner.simulator:build",
    },
    "printer": {
        "serial": "devices.printer.driver:build_serial",
        "usb": "devices.printer.driver:build_usb",
        "network": "devices.printer.driver:build_network",
        "file": "devices.printer.driver:build_file",
        "simulator": "devices.printer.simulator:build",
    },
    "dispenser": {
        "serial": "devices.dispenser.driver:build",
        "simulator": "devices.dispenser.simulator:build",
    },
    "card_terminal": {
        "serial": "devices.card_terminal.driver:build",
        "simulator": "devices.card_terminal.simulator:build",
    },
    "fingerprint": {
        "serial": "devices.fingerprint.driver:build",
        "simulator": "devices.fingerprint.simulator:build",
    },
    "camera": {
        "opencv": "devices.camera.driver:build",
        "simulator": "devices.camera.simulator:build",
    },
}


@dataclass
class DeviceContext:
    """What builders share: where state lives, the simulators' control handles, what to close."""

    data_dir: Path
    # kind -> the simulator object (insert card, pull paper, ...) for the simulation panel and tests
    simulators: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close_all(self) -> None:
        closers, self.closers = self.closers, []
        for close in reversed(closers):
            try:
                close()
            except Exception:
                log.exception("closing a device or simulator failed")


class UnknownDriver(ValueError):
    pass


def build_device(kind: str, settings: Mapping[str, Any], context: DeviceContext) -> Device:
    """Build the device `kind` as `settings["driver"]` says."""
    driver = settings["driver"]
    try:
        target = BUILDERS[kind][driver]
    except KeyError:
        raise UnknownDriver(f"no driver {driver!r} for device {kind!r}") from None
    module_name, function_name = target.split(":")
    builder = getattr(importlib.import_module(module_name), function_name)
    return builder(settings, context)
