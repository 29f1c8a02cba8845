"""One line saying how the kiosk reaches a device, for doctor: the driver and where it is now.

"serial /dev/ttyUSB0 (usb:1a86:7523)", "hid 0483:5750", "evdev 'Netum Scanner' on /dev/input/event5":
a technician reading doctor's output sees at once which transport a device uses and which
node a USB identity came to, without opening the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from serial.tools import list_ports

from devices.usb_ports import PortLister, UsbIdentity, UsbPortError, parse_port_spec, resolve_port


def describe_transport(settings: Mapping[str, Any], device: Any = None,
                       comports: PortLister = list_ports.comports) -> str:
    """`settings` is the device's [devices.<kind>] table; `device` the built driver, when there is one."""
    driver = settings["driver"]
    port = settings.get("port") or ""
    if driver == "serial" and port:
        return f"serial {_serial_port(port, comports)}"
    if driver == "hid" and port:
        spec = parse_port_spec(port)
        return f"hid {spec.describe()}" if isinstance(spec, UsbIdentity) else f"hid {port}"
    if driver == "evdev":
        describe = getattr(device, "describe", None)
        return describe() if callable(describe) else f"evdev '{settings.get('input_device', '')}'"
    return str(driver)


def _serial_port(spec: str, comports: PortLister) -> str:
    """The path, or the node a USB spec resolves to now with the spec beside it."""
    if isinstance(parse_port_spec(spec), str):
        return spec
    try:
        return f"{resolve_port(spec, comports)} ({spec})"
    except UsbPortError:
        return f"{spec} (not plugged in)"
