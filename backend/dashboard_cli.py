"""`python main.py dashboard hash-password`: the value of [backend] reference_dashboard_password_hash."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("dashboard", help="the reference back end's hall dashboard (/hall/)")
    actions = parser.add_subparsers(dest="dashboard_command", metavar="ACTION", required=True)
    make = actions.add_parser("hash-password", help="read a new dashboard password and print the config line")
    make.set_defaults(func=print_password_hash, needs_config=False)


def print_password_hash(args: argparse.Namespace, config: Config | None) -> int:
    from backend.dashboard_auth import PasswordFormatError, hash_password
    from core.pin import read_secret

    password = read_secret("new dashboard password: ")
    try:
        print(f'reference_dashboard_password_hash = "{hash_password(password)}"')
    except PasswordFormatError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0
