"""`python main.py devices capture-fingerprint -o FILE.png`: capture one finger and save its image.

Polls the module until a finger is on the glass (up to --timeout), has the module judge the
image, retries a poor one with a prompt, downloads the good one and writes it as an 8-bit
greyscale PNG (256 x 288). Without --port the configured module is used (by default the
simulator, started for the command with a finger on it). Expected failures (no module, no
answer, garbage, password refused, no finger in time, image still poor) end with one line on
stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


EXIT_OK = 0
EXIT_FAILED = 1
# How long the technician has to lay a finger on the glass, per try.
DEFAULT_FINGER_TIMEOUT_S = 15.0
DEFAULT_TRIES = 3
SIMULATED_FINGERS = ("good", "smudged", "faint", "none")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capture-fingerprint", help="capture one finger on the fingerprint module and save it as a PNG")
    parser.add_argument("--port", help="serial port of the module (default: the configured module; "
                                       "the simulator when [devices.fingerprint] driver = 'simulator')")
    parser.add_argument("--baud", type=int, help="line rate (default: [devices.fingerprint] baud)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png", help="where to write the image")
    parser.add_argument("--json", action="store_true", help="print width, height and quality as JSON")
    parser.add_argument("--timeout", type=float, default=DEFAULT_FINGER_TIMEOUT_S,
                        help=f"seconds to wait for a finger, per try (default {DEFAULT_FINGER_TIMEOUT_S:g})")
    parser.add_argument("--tries", type=int, default=DEFAULT_TRIES,
                        help=f"images taken before a poor one is given up (default {DEFAULT_TRIES})")
    parser.add_argument("--simulated-finger", choices=SIMULATED_FINGERS, default="good",
                        help="with the simulator only: what lies on its glass (default good)")
    parser.set_defaults(func=capture_fingerprint)


def capture_fingerprint(args: argparse.Namespace, config: Config) -> int:
    from core.logs import setup_logging
    from devices.factory import DeviceContext, build_device
    from devices.fingerprint.contract import FingerprintError, Quality, capture_finger
    from devices.fingerprint.driver import SerialFingerprintScanner
    from devices.fingerprint.image import png_bytes
    from devices.fingerprint.simulator import Finger

    setup_logging(config["logging"], config.path(config["logging"]["folder"]))
    settings = dict(config["devices"]["fingerprint"])
    if args.baud:
        settings["baud"] = args.baud
    context = DeviceContext(data_dir=config.data_dir)

    def prompt(verdict: Quality, attempt: int) -> None:
        print(f"capture-fingerprint: poor image ({verdict.value.replace('_', ' ')}), try {attempt} of "
              f"{args.tries}: lift the finger, wipe it and place it flat again", file=sys.stderr)

    try:
        if args.port:
            scanner: Any = SerialFingerprintScanner(args.port, settings["baud"], settings["address"],
                                                    settings["password"])
        else:
            scanner = build_device("fingerprint", settings, context)
            simulator = context.simulators.get("fingerprint")
            if simulator is not None and args.simulated_finger != "none":
                simulator.place_finger(Finger(args.simulated_finger))
        try:
            capture = capture_finger(scanner, args.timeout, args.tries, prompt)
        finally:
            scanner.close()
        with open(args.output, "wb") as out:
            out.write(png_bytes(capture.image))
    except FingerprintError as exc:
        print(f"capture-fingerprint: {_english(exc.message_key)} [{exc.message_key}]"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"capture-fingerprint: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        context.close_all()
    fields = {"width": capture.image.width, "height": capture.image.height, "quality": capture.quality.value,
              "tries": capture.tries, "output": args.output}
    if args.json:
        print(json.dumps(fields))
    else:
        print(f"width {fields['width']}  height {fields['height']}  quality {fields['quality']}  "
              f"tries {fields['tries']}  written to {args.output}")
    return EXIT_OK


def _english(message_key: str) -> str:
    """The message's English text for the technician (the key itself if catalogs are unreadable)."""
    try:
        from core.i18n import translator

        return translator().translate(message_key, language="en")
    except (OSError, KeyError, ValueError):
        return message_key
