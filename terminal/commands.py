"""The terminal's own commands: `config check`, `maintenance hash-pin` and `doctor`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config
    from core.schema import ConfigError


def register(subparsers: argparse._SubParsersAction) -> None:
    config = subparsers.add_parser("config", help="check and print the configuration")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_commands.add_parser(
        "check", help="validate the merged configuration and print it with secrets hidden")
    check.add_argument("file", nargs="?", type=Path, help="an extra override file to check on top")
    check.set_defaults(func=check_config, extra_config="file")

    maintenance = subparsers.add_parser("maintenance", help="maintenance screen access (PIN hash)")
    maintenance_commands = maintenance.add_subparsers(dest="maintenance_command", metavar="ACTION", required=True)
    hash_pin = maintenance_commands.add_parser(
        "hash-pin", help="read a new PIN from the terminal and print the ui.maintenance_pin_hash value")
    hash_pin.set_defaults(func=print_pin_hash, needs_config=False)

    doctor = subparsers.add_parser("doctor", help="check config, devices, back end, disk, clock and fonts")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON")
    doctor.set_defaults(func=run_doctor, on_config_error=report_bad_config)


# Exit status of `config check` when a rules file is bad: the same as a bad configuration file.
EXIT_BAD_RULES = 2


def check_config(args: argparse.Namespace, config: Config) -> int:
    """The merged configuration, and the rules files (config/rules/*.toml) that the back end and
    the display read: a hall edits both by hand, so both are checked before a restart shows it."""
    from backend.rules.rules_config import RULES_DIR, check_folder

    problems = check_folder()
    for problem in problems:
        print(f"rules error: {problem.path}: {problem.key}: {problem.problem}", file=sys.stderr)
    if problems:
        return EXIT_BAD_RULES
    print("# configuration OK; merged from: " + ", ".join(str(p) for p in config.sources))
    print(f"# rules OK: {RULES_DIR}")
    import tomli_w  # here, not at the top: `main.py --help` is built from argparse alone

    print(tomli_w.dumps(config.redacted()))
    return 0


def print_pin_hash(args: argparse.Namespace, config: Config | None) -> int:
    from core.pin import PinFormatError, hash_pin, read_secret

    pin = read_secret("new maintenance PIN: ").strip()
    try:
        print(f'maintenance_pin_hash = "{hash_pin(pin)}"')
    except PinFormatError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


def run_doctor(args: argparse.Namespace, config: Config) -> int:
    from terminal.doctor import run_checks

    return _print_doctor(args, run_checks(config))


def report_bad_config(args: argparse.Namespace, error: ConfigError) -> int:
    """A configuration that does not load is the doctor's first finding, not a crash."""
    from terminal.doctor import config_failure

    return _print_doctor(args, config_failure(error.source, str(error)))


def _print_doctor(args: argparse.Namespace, results: list) -> int:
    from terminal.doctor import as_dicts, as_table

    print(json.dumps(as_dicts(results), ensure_ascii=False, indent=2) if args.json else as_table(results))
    return 0 if all(r.ok for r in results) else 1
