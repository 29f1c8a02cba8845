"""`devices test-print` and `devices render-receipt`: the technician's printer commands.

test-print prints a short bilingual slip with a QR code on the configured printer (or the
one named on the command line) and says plainly why when it cannot (out of paper, cover
open, not answering). render-receipt draws a captured ESC/POS byte file as a PNG.
Expected failures end with one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


EXIT_OK = 0
EXIT_PRINTER_FAILED = 1  # not answering, out of paper, cover open, printer error
EXIT_BAD_INPUT = 1  # unreadable capture file, stream a printer cannot interpret, nothing printed
# How long test-print waits for the virtual printer to draw the slip it was sent.
RECEIPT_DRAW_TIMEOUT = 5.0
# Must match devices/printer/schema.py BAUD_CHOICES (kept literal so --help stays fast).
BAUD_CHOICES = (9600, 19200, 38400, 57600, 115200)

# DeviceStatus values in a technician's words.
STATUS_WORDS = {
    "ready": "ready",
    "paper_low": "ready, but the paper is running low",
    "no_paper": "out of paper",
    "cover_open": "the cover is open",
    "disconnected": "not answering (check the cable, power and port)",
    "error": "reports an error (see the printer's LED; switch it off and on)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    test = subparsers.add_parser(
        "test-print", help="print a Chinese/English test slip with a QR code and report the printer's status")
    where = test.add_mutually_exclusive_group()
    where.add_argument("--port", help="serial printer port, e.g. /dev/ttyUSB0")
    where.add_argument("--host", help="network printer address (raw TCP)")
    where.add_argument("--usb", metavar="VID:PID", help="USB printer ids in hex, e.g. 04b8:0202")
    where.add_argument("--file", help="device or capture file to write to, e.g. /dev/usb/lp0")
    where.add_argument("--simulate", action="store_true",
                       help="print on a virtual printer, whatever the configuration says")
    test.add_argument("--baud", type=int, choices=BAUD_CHOICES, help="serial line rate (default: configured)")
    test.add_argument("--tcp-port", type=int, help="network printer port (default: configured, 9100)")
    test.add_argument("--profile", help="python-escpos profile (default: configured)")
    test.add_argument("--width-dots", type=int, help="printable width in dots (default: the profile's)")
    test.set_defaults(func=test_print)

    render = subparsers.add_parser("render-receipt", help="draw a captured ESC/POS byte file as a PNG")
    render.add_argument("input", type=Path, metavar="IN.bin", help="ESC/POS bytes, e.g. from driver = 'file'")
    render.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.png")
    render.add_argument("--width-dots", type=int, help="printable width in dots (default: configured)")
    render.add_argument("--lenient", action="store_true",
                        help="skip unknown commands like a printer would, instead of stopping")
    render.set_defaults(func=render_receipt)


def test_print(args: argparse.Namespace, config: Config) -> int:
    from devices.factory import DeviceContext, build_device
    from devices.printer.contract import PrinterError
    from devices.printer.test_slip import test_slip

    try:
        settings = _settings_from_args(dict(config["devices"]["printer"]), args)
    except ValueError as exc:
        return _fail("test-print", str(exc), EXIT_PRINTER_FAILED)
    context = DeviceContext(data_dir=config.data_dir)
    try:
        printer = build_device("printer", settings, context)
        status = printer.status()
        print(f"{printer.description}: {STATUS_WORDS[status.value]}")
        if not status.usable:
            return _fail("test-print", f"cannot print: {printer.last_detail}", EXIT_PRINTER_FAILED)
        try:
            printer.print_receipt(test_slip(config["terminal"]["id"], datetime.now()))
        except PrinterError as exc:
            return _fail("test-print", f"printing failed: {exc.detail or exc.message_key}", EXIT_PRINTER_FAILED)
        print("test slip sent")
        simulator = context.simulators.get("printer")
        if simulator is not None:
            drawn = simulator.wait_for_receipts(1, RECEIPT_DRAW_TIMEOUT)
            if not drawn:
                return _fail("test-print", "the virtual printer drew nothing", EXIT_PRINTER_FAILED)
            print(f"virtual printer drew {drawn[-1].path}")
        return EXIT_OK
    finally:
        context.close_all()


def _settings_from_args(settings: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The configured [devices.printer] with the command line's printer in its place."""
    if args.port:
        settings.update(driver="serial", port=args.port)
    elif args.host:
        settings.update(driver="network", host=args.host)
    elif args.usb:
        vendor, _, product = args.usb.partition(":")
        try:
            settings.update(driver="usb", usb_vendor_id=int(vendor, 16), usb_product_id=int(product, 16))
        except ValueError:
            raise ValueError(f"--usb takes VID:PID in hex, e.g. 04b8:0202, not {args.usb!r}") from None
    elif args.file:
        settings.update(driver="file", file_path=args.file)
    elif args.simulate:
        settings.update(driver="simulator")
    for option, key in (("baud", "baud"), ("tcp_port", "tcp_port"), ("profile", "profile"),
                        ("width_dots", "paper_width_dots")):
        value = getattr(args, option)
        if value is not None:
            settings[key] = value
    return settings


def render_receipt(args: argparse.Namespace, config: Config) -> int:
    from devices.printer.driver import paper_layout
    from devices.printer.escpos_render import EscposStreamError, render_receipts, stack_receipts

    try:
        data = args.input.read_bytes()
    except OSError as exc:
        return _fail("render-receipt", f"cannot read {args.input}: {exc.strerror}", EXIT_BAD_INPUT)
    width = args.width_dots or paper_layout(config["devices"]["printer"]).width_dots
    try:
        receipts = render_receipts(data, width_dots=width, strict=not args.lenient)
    except EscposStreamError as exc:
        return _fail("render-receipt", f"{args.input}: {exc} (try --lenient)", EXIT_BAD_INPUT)
    if not receipts:
        return _fail("render-receipt", f"{args.input} prints nothing", EXIT_BAD_INPUT)
    sheet = stack_receipts([receipt.image for receipt in receipts])
    try:
        sheet.save(args.output, format="PNG")
    except OSError as exc:
        return _fail("render-receipt", f"cannot write {args.output}: {exc.strerror}", EXIT_BAD_INPUT)
    print(f"{args.output}: {len(receipts)} receipt(s), {sheet.width} x {sheet.height} px")
    return EXIT_OK


def _fail(command: str, reason: str, code: int) -> int:
    print(f"{command}: {reason}", file=sys.stderr)
    return code
