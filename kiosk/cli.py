"""The command line: `python main.py [--config FILE ...] [COMMAND ...]`.

With no command the kiosk runs. Each layer adds its own commands from its own `cli.py`
(a `register(subparsers)` function); this module only lists those modules and dispatches.
Expected failures end with a one-line message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Sequence

from kiosk.config import Config, load_config, override_files_from_env
from kiosk.schema import ConfigError

# Modules contributing subcommands, in the order --help lists them.
COMMAND_MODULES = (
    "kiosk.commands",
    "devices.cli",
    "photo.cli",
    "flows.selftest_cli",
    "backend.cli",
    "backend.dashboard_cli",
    "flows.cli",
    "kiosk.screenshots",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Exit-entry self-service kiosk. With no command, runs the kiosk.",
    )
    parser.add_argument(
        "-c", "--config", action="append", type=Path, default=None, metavar="FILE",
        help="override file (hall, then terminal); may be repeated; default: $KIOSK_CONFIG")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def load_from_args(args: argparse.Namespace, extra: Sequence[Path] = ()) -> Config:
    """The configuration the command line asks for: default, then --config files (or $KIOSK_CONFIG)."""
    overrides = list(args.config) if args.config else override_files_from_env()
    return load_config([*overrides, *extra])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
    try:
        return int(args.func(args) or EXIT_OK)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
