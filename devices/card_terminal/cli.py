"""`python main.py devices card-terminal ...`: the technician's card terminal commands.

status, last (the terminal's last transaction), sale AMOUNT_FEN REFERENCE (a test payment:
on a real terminal someone presents a card), void REFERENCE, refund REFERENCE AMOUNT_FEN (a sale of
a settled batch), settle (closes the batch). Without
--port the configured terminal is used (by default the simulator, started for the command on
the batch kept under the data folder; `--card` presents one of its demo cards for a sale).
Card numbers are only ever shown masked. Expected failures (no answer, port missing, busy)
end with one line on stderr and exit code 1.
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
    from devices.card_terminal.contract import CardTransaction
    from devices.card_terminal.driver import SerialCardTerminal

EXIT_OK = 0
EXIT_FAILED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("card-terminal", help="bank card terminal: status, last, sale, void, refund, settle")
    actions = parser.add_subparsers(dest="card_terminal_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, run: Callable[..., dict[str, Any]]) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--port", help="serial port of the terminal (default: the configured terminal; "
                                        "the simulator when [devices.card_terminal] driver = 'simulator')")
        sub.add_argument("--baud", type=int, help="line rate (default: [devices.card_terminal] baud)")
        sub.add_argument("--json", action="store_true", help="print the answer as JSON")
        sub.set_defaults(func=lambda args, config: run_action(args, config, run))
        return sub

    action("status", "is the terminal there and idle", _status)
    action("last", "the terminal's last transaction in the open batch", _last)
    sale = action("sale", "a test payment (someone presents a card at the terminal)", _sale)
    sale.add_argument("amount_fen", type=int, help="amount in fen (100 = 1 yuan)")
    sale.add_argument("reference", help="order reference, 1-32 ASCII characters")
    sale.add_argument("--card", choices=("funds", "poor", "expired"),
                      help="simulator only: the demo card presented for the sale")
    void = action("void", "cancel an approved sale of the open batch", _void)
    void.add_argument("reference")
    refund = action("refund", "give back an approved sale of a settled batch, in full", _refund)
    refund.add_argument("reference")
    refund.add_argument("amount_fen", type=int, help="the sale's amount in fen")
    action("settle", "close the batch and print its totals", _settle)


def run_action(args: argparse.Namespace, config: Config,
               run: Callable[[SerialCardTerminal, argparse.Namespace, Any], dict[str, Any]]) -> int:
    from core.logs import setup_logging
    from devices.card_terminal.contract import CardTerminalError
    from devices.card_terminal.driver import SerialCardTerminal
    from devices.card_terminal.framing import framing_named
    from devices.factory import DeviceContext, build_device

    setup_logging(config["logging"], config.path(config["logging"]["folder"]))
    settings = dict(config["devices"]["card_terminal"])
    if args.baud:
        settings["baud"] = args.baud
    context = DeviceContext(data_dir=config.data_dir)
    command = f"card-terminal {args.card_terminal_command}"
    try:
        driver: Any = SerialCardTerminal(args.port, settings["baud"], framing=framing_named(settings["framing"])) \
            if args.port else build_device("card_terminal", settings, context)
        try:
            answer = run(driver, args, context.simulators.get("card_terminal"))
        finally:
            driver.close()
    except CardTerminalError as exc:
        print(f"{command}: {_english(exc.message_key)} [{exc.message_key}]"
              + (f" ({exc.detail})" if exc.detail else ""), file=sys.stderr)
        return EXIT_FAILED
    finally:
        context.close_all()
    print(json.dumps(answer, ensure_ascii=False, indent=2) if args.json else _as_text(answer))
    return EXIT_OK


def transaction_fields(txn: CardTransaction) -> dict[str, Any]:
    reason = txn.decline_reason
    return {"kind": txn.kind.name.lower(), "outcome": txn.outcome.value, "result_code": txn.result_code,
            "reason": reason.name.lower() if reason else None, "reference": txn.reference,
            "amount_fen": txn.amount_fen, "auth_code": txn.auth_code, "card": txn.masked_pan,
            "batch": txn.batch, "trace": txn.trace, "time": txn.when.isoformat() if txn.when else None}


def _status(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    from devices.base import DeviceStatus
    from devices.card_terminal.contract import MSG_DISCONNECTED, MSG_TERMINAL_FAULT, CardTerminalError

    status = driver.status()
    if not status.usable:
        key = MSG_DISCONNECTED if status is DeviceStatus.DISCONNECTED else MSG_TERMINAL_FAULT
        raise CardTerminalError(key, driver.last_detail or status.value)
    return {"status": status.value}


def _last(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    txn = driver.query_last()
    return transaction_fields(txn) if txn else {"last": "no transaction in the open batch"}


def _sale(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    if args.card:
        if simulator is None:
            print("card-terminal sale: --card only works with the simulator", file=sys.stderr)
        else:
            simulator.present_card(args.card)
    return transaction_fields(driver.sale(args.amount_fen, args.reference))


def _void(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    return transaction_fields(driver.void(args.reference))


def _refund(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    return transaction_fields(driver.refund(args.reference, args.amount_fen))


def _settle(driver: SerialCardTerminal, args: argparse.Namespace, simulator: Any) -> dict[str, Any]:
    s = driver.settle()
    return {"batch": s.batch, "sales": s.sale_count, "sale_total_fen": s.sale_total_fen,
            "voids": s.void_count, "void_total_fen": s.void_total_fen,
            "refunds": s.refund_count, "refund_total_fen": s.refund_total_fen, "net_fen": s.net_fen}


def _as_text(answer: dict[str, Any]) -> str:
    return "\n".join(f"{key:<14} {'' if value is None else value}" for key, value in answer.items())


def _english(message_key: str) -> str:
    """The message's English text for the technician (the key itself if catalogs are unreadable)."""
    try:
        from core.i18n import translator

        return translator().translate(message_key, language="en")
    except (OSError, KeyError, ValueError):
        return message_key
