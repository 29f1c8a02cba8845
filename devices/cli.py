"""`python main.py devices ...`: the technician's device commands.

Each device kind adds its own subcommands from `devices/<kind>/cli.py` (a `register(subparsers)`
function), listed here; `devices list` and `devices simulate` cover every kind.
"""

from __future__ import annotations

import argparse
import importlib

# Modules adding `devices <verb>` subcommands, in the order --help lists them.
DEVICE_COMMAND_MODULES = (
    "devices.common_cli",
    "devices.idcard.cli",
    "devices.permit.cli",
    "devices.printer.cli",
    "devices.camera.cli",
    "devices.card_terminal.cli",
    "devices.dispenser.cli",
    "devices.fingerprint.cli",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    devices = subparsers.add_parser("devices", help="list, test and simulate the kiosk's devices")
    verbs = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    for module_name in DEVICE_COMMAND_MODULES:
        importlib.import_module(module_name).register(verbs)
