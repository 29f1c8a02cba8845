"""`python main.py devices read-id`: one read cycle on a reader, for a technician at the kiosk.

Prints the card masked unless --show-pii. Every expected failure (port missing, no card,
timeout, garbled answer) ends with one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


EXIT_OK = 0
EXIT_READER_FAILED = 1  # port missing, no answer, garbled answer, reader fault, unreadable card
EXIT_NO_CARD = 3  # no card on the reader, or it was taken away during the read

# What each message key means to a technician (citizens see the catalog translation instead).
TECHNICIAN_REASONS = {
    "idcard.disconnected": "reader not reachable",
    "idcard.timeout": "no answer from the reader",
    "idcard.bad_frame": "garbled answer from the reader",
    "idcard.read_failed": "the card could not be read",
    "idcard.unrecognised_card": "the card is not a kind this reader reads",
    "idcard.reader_fault": "the reader reports a fault",
}
# Must match devices/idcard/schema.py BAUD_CHOICES (kept literal so --help stays fast).
BAUD_CHOICES = (115200, 57600, 38400, 19200, 9600)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("read-id", help="read one ID card: find, select, read (masked output)")
    parser.add_argument("--port", required=True, help="serial port of the reader, e.g. /dev/ttyUSB0")
    parser.add_argument("--baud", type=int, choices=BAUD_CHOICES, default=None,
                        help="line rate (default: [devices.idcard] baud)")
    parser.add_argument("--json", action="store_true", help="print the record as JSON")
    parser.add_argument("--show-pii", action="store_true",
                        help="print names, numbers, dates and addresses unmasked")
    parser.set_defaults(func=read_id)


def read_id(args: argparse.Namespace, config: Config) -> int:
    from devices.idcard.contract import IdCardError, ReadOutcome
    from devices.idcard.driver import reader_from_settings
    from devices.idcard.wlt import WltDecoderError

    settings = dict(config["devices"]["idcard"])
    if args.baud:
        settings["baud"] = args.baud
    try:
        reader = reader_from_settings(settings, args.port)
    except WltDecoderError as exc:
        return _fail(str(exc), EXIT_READER_FAILED)
    try:
        result = reader.read_card()
    except IdCardError as exc:
        reason = TECHNICIAN_REASONS.get(exc.message_key, exc.message_key)
        return _fail(f"{reason}: {exc.detail}" if exc.detail else reason, EXIT_READER_FAILED)
    finally:
        reader.close()
    if result.outcome is ReadOutcome.NO_CARD:
        return _fail("no card on the reader (or the last card read has not been taken away yet)",
                     EXIT_NO_CARD)
    if result.outcome is ReadOutcome.CARD_REMOVED:
        return _fail("the card was taken away during the read", EXIT_NO_CARD)
    assert result.record is not None
    summary = result.record.summary(show_pii=args.show_pii)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        width = max(len(key) for key in summary)
        for key, value in summary.items():
            print(f"{key:<{width}}  {value}")
    return EXIT_OK


def _fail(reason: str, code: int) -> int:
    print(f"read-id: {reason}", file=sys.stderr)
    return code
