"""`devices list`, `devices udev-rules` and `devices simulate`: the technician's commands that span every kind."""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config
    from devices.usb_ports import PortLister

# devices.udev_rules.DEFAULT_GROUP, written out so `--help` imports neither pyserial nor the port modules
# (tests/foundation/test_help_imports.py checks that the two agree).
DEFAULT_GROUP = "kiosk"

# Cards `devices simulate --id-card` can lay on the simulated reader (simulator.SAMPLE_CARDS;
# written out so `--help` does not import the driver modules).
ID_CARD_SAMPLES = ("resident", "permit", "foreign", "foreign2023", "none")
# Camera indexes `devices list` tries (OpenCV numbering: /dev/video0.. on Linux).
CAMERA_INDEXES = range(5)
USB_CLASS_PRINTER = 7  # bInterfaceClass of USB printers
EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    listing = subparsers.add_parser("list", help="list serial ports, cameras and USB printers found here")
    listing.set_defaults(func=list_devices)

    rules = subparsers.add_parser(
        "udev-rules", help="udev rules giving each device configured by USB identity a /dev/kiosk-<kind> link")
    rules.add_argument("-o", "--output", metavar="FILE", help="write the rules to FILE (default: print them)")
    rules.add_argument("--group", default=DEFAULT_GROUP,
                       help=f"group given read/write access to the devices (default: {DEFAULT_GROUP})")
    rules.set_defaults(func=write_udev_rules)

    simulate = subparsers.add_parser(
        "simulate", help="start every device simulator and print where each listens (Ctrl-C stops)")
    simulate.add_argument("--id-card", choices=ID_CARD_SAMPLES, default="resident",
                          help="sample card lying on the simulated ID card reader (default: resident)")
    simulate.set_defaults(func=simulate_devices)


def list_devices(args: argparse.Namespace, config: Config) -> int:
    print("Serial ports:")
    _print_items(serial_ports())
    print("USB serial devices (port settings: usb:VID:PID, usb:VID:PID:SERIAL, usb-path:LOCATION):")
    _print_items(usb_serial_devices(config["devices"]))
    print("Configured serial ports:")
    _print_items(configured_serial_ports(config["devices"]))
    print("Input devices that type (keyboard-mode scanners: input_device = their name or usb:VID:PID[:SERIAL]):")
    _print_items(keyboard_input_devices(config["devices"]))
    print(f"Cameras (OpenCV indexes {CAMERA_INDEXES.start}-{CAMERA_INDEXES.stop - 1}):")
    _print_items(cameras())
    print("USB printers:")
    _print_items(usb_printers())
    return EXIT_OK


def serial_ports() -> list[str]:
    from serial.tools import list_ports

    return [f"{port.device}  {port.description}  [{port.hwid}]" for port in sorted(list_ports.comports())]


def usb_serial_devices(devices: Mapping[str, Mapping[str, Any]],
                       comports: PortLister | None = None) -> list[str]:
    """Each USB-serial device with what a port setting can name it by, and which configured
    device opens it: the technician sees at once which reader is which."""
    from devices.usb_ports import configured_ports, describe_port, usb_serial_ports, users_of

    comports = comports or _comports()
    configured = configured_ports(devices)
    lines = []
    for port in usb_serial_ports(comports):
        users = users_of(port, configured)
        lines.append(describe_port(port) + (f"  <- {', '.join(users)}" if users else "  (not configured)"))
    return lines


def configured_serial_ports(devices: Mapping[str, Mapping[str, Any]],
                            comports: PortLister | None = None) -> list[str]:
    """Each port the configuration opens and the device path it comes to now, or why none."""
    from devices.usb_ports import UsbPortError, configured_ports, resolve_port

    comports = comports or _comports()
    lines = []
    for configured in configured_ports(devices):
        try:
            path = resolve_port(configured.spec, comports)
        except UsbPortError as exc:
            lines.append(f"{configured.setting} = {configured.spec}  -> {exc}")
            continue
        present = "" if os.path.exists(path) else "  (not present)"
        lines.append(f"{configured.setting} = {configured.spec}  -> {path}{present}")
    return lines


def keyboard_input_devices(devices: Mapping[str, Mapping[str, Any]],
                           lister: Callable[[], Iterable[Any]] | None = None) -> list[str]:
    """Each input device that can type letters, and whether the scanner's input_device names it."""
    from devices.scanner.input_devices import InputDeviceSpec, evdev_devices

    scanner = devices.get("scanner", {})
    spec = InputDeviceSpec.parse(scanner["input_device"]) \
        if scanner.get("driver") == "evdev" and scanner.get("input_device") else None
    try:
        found = list((lister or evdev_devices)())
    except ImportError:
        return ["(python-evdev not installed: input devices cannot be listed)"]
    return [device.describe() + ("  <- scanner" if spec is not None and spec.matches(device) else "")
            for device in sorted(found, key=lambda d: d.path) if device.types_letters]


def _comports() -> PortLister:
    from serial.tools import list_ports

    return list_ports.comports


def write_udev_rules(args: argparse.Namespace, config: Config) -> int:
    from devices.udev_rules import udev_rules

    text = udev_rules(config["devices"], args.group)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"udev rules written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cameras() -> list[str]:
    """Camera indexes that open. On Linux only indexes with a /dev/videoN node are tried, so
    a machine without cameras answers at once instead of waiting on each backend."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # OpenCV warns on every index that fails
    import cv2

    found = []
    for index in CAMERA_INDEXES:
        if sys.platform.startswith("linux") and not os.path.exists(f"/dev/video{index}"):
            continue
        capture = cv2.VideoCapture(index)
        try:
            if capture.isOpened():
                width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
                height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
                found.append(f"index {index}  {width}x{height}  ({capture.getBackendName()})")
        finally:
            capture.release()
    return found


def usb_printers() -> list[str]:
    """Kernel printer nodes (usblp) and, when pyusb is installed, USB devices of the printer class."""
    found = [f"{node}  (usblp kernel driver)" for node in sorted(glob.glob("/dev/usb/lp*"))]
    try:
        import usb.core
    except ImportError:
        return found + (["(pyusb not installed: only /dev/usb/lp* nodes were looked for)"] if not found else [])
    try:
        devices = usb.core.find(find_all=True, custom_match=_is_usb_printer)
        found += [f"USB {d.idVendor:04x}:{d.idProduct:04x} bus {d.bus} address {d.address}" for d in devices]
    except usb.core.NoBackendError:
        found.append("(pyusb has no libusb backend: install libusb-1.0)")
    return found


def _is_usb_printer(device: Any) -> bool:
    return any(interface.bInterfaceClass == USB_CLASS_PRINTER
               for configuration in device for interface in configuration)


def _print_items(items: list[str]) -> None:
    for item in items or ["(none found)"]:
        print(f"  {item}")


def simulate_devices(args: argparse.Namespace, config: Config) -> int:
    from devices.factory import DeviceContext
    from devices.idcard.simulator import SAMPLE_CARDS
    from devices.simulate import print_reports, start_simulators, wait_for_stop

    context = DeviceContext(config.data_dir)
    try:
        reports = start_simulators(config["devices"], context)
        if "idcard" in context.simulators and args.id_card in SAMPLE_CARDS:
            context.simulators["idcard"].insert_card(SAMPLE_CARDS[args.id_card]())
        print_reports(reports, sys.stdout)
        if not any(report.running for report in reports):
            print("devices simulate: no simulator could be started", file=sys.stderr)
            return EXIT_FAILED
        print("Simulators running; press Ctrl-C to stop.", flush=True)
        wait_for_stop()
    finally:
        context.close_all()
    return EXIT_OK
