"""The shell's own command: `run` (the kiosk; the default when no command is given)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the kiosk (the default when no command is given)")
    run.set_defaults(func=run_kiosk)


def run_kiosk(args: argparse.Namespace, config: Config) -> int:
    from kiosk.launcher import launch

    return launch(config)
