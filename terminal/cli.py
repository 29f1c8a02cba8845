"""The command line: `python main.py [--config FILE ...] [COMMAND ...]`.

With no command the kiosk runs. Each layer adds its own commands from its own `cli.py` (a
`register(subparsers)` function); this module lists those modules, loads the configuration
once and hands it to the command: a command is `func(args, config)` and never loads the
configuration itself. The Kivy shell's commands (`run`, `screenshots`) are named by main.py,
so this layer does not import the shell above it.

What a subcommand may declare with `set_defaults`:
- `needs_config=False`: runs even when the configuration is broken (config is None);
- `extra_config="attr"`: `args.attr` holds more override files (a path or a list of paths);
- `on_config_error=handler`: `handler(args, error)` reports a bad configuration itself.
Expected failures end with a one-line message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from core.config import Config

# Modules below the shell contributing subcommands, in the order --help lists them.
TERMINAL_COMMANDS = (
    "terminal.commands",
    "devices.cli",
    "photo.cli",
    "terminal.selftest_cli",
    "backend.cli",
    "backend.dashboard_cli",
    "terminal.journal_cli",
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser(shell_commands: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Exit-entry self-service kiosk. With no command, runs the kiosk.",
    )
    parser.add_argument(
        "-c", "--config", action="append", type=Path, default=None, metavar="FILE",
        help="override file (hall, then terminal); may be repeated; default: $KIOSK_CONFIG")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in (*shell_commands, *TERMINAL_COMMANDS):
        importlib.import_module(module_name).register(subparsers)
    return parser


def config_for(args: argparse.Namespace) -> Config:
    """The configuration the command line asks for: default, then --config files (or
    $KIOSK_CONFIG), then the command's own extra files."""
    from core.config import override_files_from_env
    from terminal.config import load_config

    overrides = list(args.config) if args.config else override_files_from_env()
    extra_attr = getattr(args, "extra_config", None)
    extra = getattr(args, extra_attr, None) if extra_attr else None
    if isinstance(extra, (str, Path)):
        extra = [extra]
    return load_config([*overrides, *(extra or [])])


def main(argv: Sequence[str] | None = None, shell_commands: Sequence[str] = ()) -> int:
    parser = build_parser(shell_commands)
    args = parser.parse_args(argv)  # --help ends here: the configuration's modules are imported below
    from core.schema import ConfigError

    if args.command is None:
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "run"])
    try:
        config = config_for(args) if getattr(args, "needs_config", True) else None
    except ConfigError as exc:
        handler = getattr(args, "on_config_error", None)
        if handler is not None:
            return int(handler(args, exc) or EXIT_OK)
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, config) or EXIT_OK)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`config check | head`): nothing more to say, and no traceback
        # when Python flushes stdout at exit (the Python docs' recipe for SIGPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
