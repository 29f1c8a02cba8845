"""`python main.py devices read-permit`: read the permit card in the module once and print it.

Without --port the configured module is used (by default the simulator, started for the
command). Personal data is masked unless --show-pii. Expected failures (no card, port
missing, no answer, bad frame) end with one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


if TYPE_CHECKING:
    from devices.permit.records import PermitCard

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "read-permit", help="read the HK/Macau permit card in the module and print it")
    parser.add_argument("--port", help="serial port of the module (default: the configured module; "
                                       "the simulator when [devices.permit] driver = 'simulator')")
    parser.add_argument("--baud", type=int, help="line rate (default: [devices.permit] baud)")
    parser.add_argument("--json", action="store_true", help="print the card as JSON")
    parser.add_argument("--show-pii", action="store_true",
                        help="show names, numbers and dates unmasked (for the card's holder only)")
    parser.set_defaults(func=read_permit)


def read_permit(args: argparse.Namespace, config: Config) -> int:
    from core.logs import setup_logging
    from devices.factory import DeviceContext, build_device
    from devices.permit.contract import PermitError
    from devices.permit.driver import SerialPermitDriver

    setup_logging(config["logging"], config.path(config["logging"]["folder"]))
    settings = dict(config["devices"]["permit"])
    context = DeviceContext(data_dir=config.data_dir)
    try:
        if args.port:
            driver: Any = SerialPermitDriver(args.port, args.baud or settings["baud"])
        else:
            if args.baud:
                settings["baud"] = args.baud
            driver = build_device("permit", settings, context)
        try:
            card = driver.read_card()
        finally:
            driver.close()
    except PermitError as exc:
        print(f"read-permit: {_english(exc.message_key)} [{exc.message_key}]"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return EXIT_FAILED
    finally:
        context.close_all()
    fields = card_fields(card, show_pii=args.show_pii)
    print(json.dumps(fields, ensure_ascii=False, indent=2) if args.json else _as_text(fields))
    return EXIT_OK


def card_fields(card: PermitCard, show_pii: bool) -> dict[str, Any]:
    """The card as plain values, personal data masked unless `show_pii`."""
    import datetime as dt

    from core.privacy import mask_name, mask_permit_number

    def birth(day: dt.date) -> str:
        return day.isoformat() if show_pii else f"{day.year}-**-**"

    return {
        "permit_number": card.permit_number if show_pii else mask_permit_number(card.permit_number),
        "name_zh": card.name_zh if show_pii else mask_name(card.name_zh),
        "name_pinyin": card.name_pinyin if show_pii else mask_name(card.name_pinyin),
        "sex": card.sex.value,
        "birth_date": birth(card.birth_date),
        "expiry_date": card.expiry_date.isoformat(),
        "expired": card.is_expired(dt.date.today()),
        "card_serial": card.card_serial,
        "records_used": len(card.endorsements),
        "records_free": card.records_free,
        "endorsements": [
            {"record_id": e.record_id, "destination": e.destination.value, "type": e.type.value,
             "trips": e.trips.value, "valid_from": e.valid_from.isoformat(),
             "valid_until": e.valid_until.isoformat(), "issuing_office": e.issuing_office}
            for e in card.endorsements],
    }


def _as_text(fields: dict[str, Any]) -> str:
    lines = [
        f"permit number  {fields['permit_number']}",
        f"name           {fields['name_zh']} ({fields['name_pinyin']})",
        f"sex            {fields['sex']}",
        f"birth date     {fields['birth_date']}",
        f"expiry date    {fields['expiry_date']}" + ("  EXPIRED" if fields["expired"] else ""),
        f"card serial    {fields['card_serial']}",
        f"endorsements   {fields['records_used']} on the chip, room for {fields['records_free']} more",
    ]
    lines += [f"  #{e['record_id']} {e['destination']} type {e['type']} trips {e['trips']} "
              f"{e['valid_from']}..{e['valid_until']} office {e['issuing_office']}"
              for e in fields["endorsements"]]
    return "\n".join(lines)


def _english(message_key: str) -> str:
    """The message's English text for the technician (the key itself if catalogs are unreadable)."""
    try:
        from core.i18n import translator

        return translator().translate(message_key, language="en")
    except (OSError, KeyError, ValueError):
        return message_key
