"""`python main.py devices dispenser ...`: the technician's dispenser commands.

status, slots, load SLOT ID, unload SLOT, dispense SLOT ID (stage, check, present), stage SLOT ID
(to the picker, past the reader, held), present ID (the held document to the tray), retract, where ID. Without --port
the configured module is used (by default the simulator, started for the command on the
stock kept under the data folder, so a load here is still there when the kiosk starts).
Document numbers are masked unless --show-pii. Expected failures (door open, jam, slot
empty, no answer, port missing) end with one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


if TYPE_CHECKING:
    from devices.dispenser.driver import SerialDispenserDriver

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dispenser", help="document dispenser: status, slots, load, dispense, retract")
    actions = parser.add_subparsers(dest="dispenser_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, run: Callable[..., dict[str, Any]]) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--port", help="serial port of the module (default: the configured module; "
                                        "the simulator when [devices.dispenser] driver = 'simulator')")
        sub.add_argument("--baud", type=int, help="line rate (default: [devices.dispenser] baud)")
        sub.add_argument("--json", action="store_true", help="print the answer as JSON")
        sub.add_argument("--show-pii", action="store_true", help="show document numbers unmasked")
        sub.set_defaults(func=lambda args, config: run_action(args, config, run))
        return sub

    action("status", "sensors, slot count and reject bin fill", _status)
    action("slots", "what each slot holds", _slots)
    load = action("load", "record a document placed in a slot", _load)
    load.add_argument("slot", type=int)
    load.add_argument("document_id", help="the document's number (passport or permit)")
    unload = action("unload", "release a slot's document to the staff", _unload)
    unload.add_argument("slot", type=int)
    dispense = action("dispense", "bring a slot's document to the tray: stage, check the number read, present",
                      _dispense)
    dispense.add_argument("slot", type=int)
    dispense.add_argument("document_id", help="the number the document in the slot must carry")
    stage = action("stage", "bring a slot's document past the reader into the picker and hold it there", _stage)
    stage.add_argument("slot", type=int)
    stage.add_argument("document_id", help="the number the document in the slot must carry")
    present = action("present", "move the document held in the picker to the tray", _present)
    present.add_argument("document_id", help="the number of the held document")
    action("retract", "move what is in the tray (or left in the picker) to the reject bin", _retract)
    where = action("where", "where the module last saw a document", _where)
    where.add_argument("document_id")


def run_action(args: argparse.Namespace, config: Config,
               run: Callable[[SerialDispenserDriver, argparse.Namespace], dict[str, Any]]) -> int:
    from core.logs import setup_logging
    from devices.dispenser.contract import DispenserError
    from devices.dispenser.driver import SerialDispenserDriver
    from devices.factory import DeviceContext, build_device

    setup_logging(config["logging"], config.path(config["logging"]["folder"]))
    settings = dict(config["devices"]["dispenser"])
    if args.baud:
        settings["baud"] = args.baud
    context = DeviceContext(data_dir=config.data_dir)
    command = f"dispenser {args.dispenser_command}"
    try:
        driver: Any = SerialDispenserDriver(args.port, settings["baud"], settings["address"]) if args.port \
            else build_device("dispenser", settings, context)
        try:
            answer = run(driver, args)
        finally:
            driver.close()
    except DispenserError as exc:
        print(f"{command}: {_english(exc.message_key)} [{exc.message_key}, {exc.fault.value}]"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return EXIT_FAILED
    finally:
        context.close_all()
    print(json.dumps(answer, ensure_ascii=False, indent=2) if args.json else _as_text(answer))
    return EXIT_OK


def _shown(document_id: str | None, args: argparse.Namespace) -> str | None:
    from devices.dispenser.contract import mask_document_id

    if document_id is None:
        return None
    return document_id if args.show_pii else mask_document_id(document_id)


def _status(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    status = driver.module_status()
    s = status.sensors
    return {"usable": not s.problem(), "problem": s.problem(), "tray_occupied": s.tray_occupied,
            "document_taken": s.document_taken, "door_open": s.door_open, "reject_bin_full": s.reject_bin_full,
            "picker_jammed": s.picker_jammed, "picker_occupied": s.picker_occupied,
            "slots": status.slot_count, "reject_bin": f"{status.reject_count} of {status.reject_capacity}"}


def _slots(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    slots = driver.slots()
    return {"slots": {str(s.number): _shown(s.document_id, args) for s in slots},
            "loaded": sum(1 for s in slots if s.document_id), "free": sum(1 for s in slots if not s.document_id)}


def _load(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    driver.load(args.slot, args.document_id)
    return {"loaded": _shown(args.document_id, args), "slot": args.slot}


def _unload(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    return {"unloaded": _shown(driver.unload(args.slot), args), "slot": args.slot}


def _dispense(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    read = driver.dispense(args.slot, args.document_id)
    return {"in_tray": _shown(args.document_id, args), "slot": args.slot,
            "read": f"{_shown(read.document_id, args)} ({read.source.value})" if read else "(module has no reader)"}


def _stage(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    read = driver.stage(args.slot, args.document_id)
    return {"held": _shown(args.document_id, args), "slot": args.slot,
            "read": f"{_shown(read.document_id, args)} ({read.source.value})" if read else "(module has no reader)",
            "check": "no reader" if read is None else
            "match" if read.document_id == args.document_id else "MISMATCH: retract it"}


def _present(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    driver.present(args.document_id)
    return {"in_tray": _shown(args.document_id, args)}


def _retract(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    return {"retracted": _shown(driver.retract(), args) or "an unread object"}


def _where(driver: SerialDispenserDriver, args: argparse.Namespace) -> dict[str, Any]:
    found = driver.where_is(args.document_id)
    return {"document": _shown(found.document_id, args), "location": found.location.value, "slot": found.slot}


def _as_text(answer: dict[str, Any]) -> str:
    lines = []
    for key, value in answer.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k:>3}  {v if v is not None else '(empty)'}" for k, v in value.items()]
        else:
            lines.append(f"{key:<16} {value}")
    return "\n".join(lines)


def _english(message_key: str) -> str:
    """The message's English text for the technician (the key itself if catalogs are unreadable)."""
    try:
        from core.i18n import translator

        return translator().translate(message_key, language="en")
    except (OSError, KeyError, ValueError):
        return message_key
