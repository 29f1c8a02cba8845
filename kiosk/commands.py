"""The foundation's own commands: `run` (the kiosk) and `config check`."""

from __future__ import annotations

import argparse
from pathlib import Path

import tomli_w


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the kiosk (the default when no command is given)")
    run.set_defaults(func=run_kiosk)

    config = subparsers.add_parser("config", help="check and print the configuration")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_commands.add_parser(
        "check", help="validate the merged configuration and print it with secrets hidden")
    check.add_argument("file", nargs="?", type=Path, help="an extra override file to check on top")
    check.set_defaults(func=check_config)

    maintenance = subparsers.add_parser("maintenance", help="maintenance screen access (PIN hash)")
    maintenance_commands = maintenance.add_subparsers(dest="maintenance_command", metavar="ACTION", required=True)
    hash_pin = maintenance_commands.add_parser(
        "hash-pin", help="read a new PIN from the terminal and print the ui.maintenance_pin_hash value")
    hash_pin.set_defaults(func=print_pin_hash)

    doctor = subparsers.add_parser("doctor", help="check config, devices, back end, disk, clock and fonts")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON")
    doctor.set_defaults(func=run_doctor)


def check_config(args: argparse.Namespace) -> int:
    from kiosk.cli import load_from_args

    config = load_from_args(args, [args.file] if args.file else [])
    print("# configuration OK; merged from: " + ", ".join(str(p) for p in config.sources))
    print(tomli_w.dumps(config.redacted()))
    return 0


def print_pin_hash(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from kiosk.pin import PinFormatError, hash_pin

    pin = getpass.getpass("new maintenance PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    try:
        print(f'maintenance_pin_hash = "{hash_pin(pin)}"')
    except PinFormatError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    import json

    from kiosk.cli import load_from_args
    from kiosk.doctor import as_dicts, as_table, config_failure, run_checks
    from kiosk.schema import ConfigError

    try:
        results = run_checks(load_from_args(args))
    except ConfigError as exc:
        results = config_failure(exc.source, str(exc))
    print(json.dumps(as_dicts(results), ensure_ascii=False, indent=2) if args.json else as_table(results))
    return 0 if all(r.ok for r in results) else 1


def run_kiosk(args: argparse.Namespace) -> int:
    from kiosk.cli import load_from_args
    from kiosk.launcher import launch

    return launch(load_from_args(args))
