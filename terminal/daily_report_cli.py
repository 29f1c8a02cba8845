"""`python main.py journal report --date YYYY-MM-DD [--print] [--json]`: the hall's daily close.

Prints the day's transactions per service from the journal next to the back end's record for
this terminal (terminal/daily_report.py) and lists every difference; `--print` also prints it on
the receipt printer. Exit code 0 when the two agree, 1 when there is any difference or the
back end could not be asked, 2 for a bad date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


EXIT_BALANCED, EXIT_DIFFERENCES, EXIT_USAGE = 0, 1, 2
# How long --print waits for the virtual printer to draw the report (simulated printers only).
RECEIPT_DRAW_TIMEOUT = 10.0


def add_report_verb(verbs: argparse._SubParsersAction) -> None:
    report = verbs.add_parser("report", help="the day's transactions per service, compared with the back end",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the hall day (UTC+8)")
    report.add_argument("--print", dest="print_receipt", action="store_true",
                        help="also print the report on the receipt printer")
    report.add_argument("--json", action="store_true", help="print one JSON document")
    report.add_argument("--settle", action="store_true",
                        help="close the bank card terminal's batch (settlement) and compare it with the journal")
    report.set_defaults(func=report_command)


def report_command(args: argparse.Namespace, config: Config) -> int:
    from flows.journal import Journal
    from terminal.daily_report import as_text, build_report

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"journal report: --date must be YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
        return EXIT_USAGE
    records, error = _backend_records(config, day)
    journal = Journal(config.journal_path)
    try:
        report = build_report(journal, config["terminal"]["id"], day, records, error)
    finally:
        journal.close()
    if args.settle:
        problem = _settle(config, report)
        if problem:
            print(f"journal report: card terminal not settled: {problem}", file=sys.stderr)
            return EXIT_DIFFERENCES
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else as_text(report))
    if args.print_receipt:
        problem = _print(config, report)
        if problem:
            print(f"journal report: not printed: {problem}", file=sys.stderr)
            return EXIT_DIFFERENCES
    return EXIT_BALANCED if report.balanced else EXIT_DIFFERENCES


def _backend_records(config, day: dt.date):
    """The back end's record of this terminal's day, or (None, why not)."""
    from backend_client.errors import BackendError
    from terminal.backend_link import open_backend_link

    try:
        with open_backend_link(config) as link:
            return link.client.list_transaction_records(day), None
    except BackendError as error:
        return None, error.message_key
    except OSError as exc:
        return None, f"cannot start the embedded back end: {exc}"


def _settle(config, report) -> str | None:
    """Settle the card terminal's open batch and add its differences to `report`; why not, if not."""
    from devices.card_terminal.contract import CardTerminalError
    from devices.factory import DeviceContext, build_device
    from terminal.daily_report import compare_settlement

    context = DeviceContext(data_dir=config.data_dir)
    try:
        terminal = build_device("card_terminal", config["devices"]["card_terminal"], context)
        try:
            compare_settlement(report, terminal.settle())
        finally:
            terminal.close()
        return None
    except CardTerminalError as error:
        return error.detail or error.message_key
    finally:
        context.close_all()


def _print(config, report) -> str | None:
    """Print on the configured receipt printer; the reason when it could not."""
    from devices.factory import DeviceContext, build_device
    from devices.printer.contract import PrinterError
    from terminal.daily_report import as_receipt

    context = DeviceContext(data_dir=config.data_dir)
    try:
        printer = build_device("printer", config["devices"]["printer"], context)
        printer.print_receipt(as_receipt(report))
        simulator = context.simulators.get("printer")
        if simulator is not None:
            drawn = simulator.wait_for_receipts(1, RECEIPT_DRAW_TIMEOUT)
            if not drawn:
                return "the virtual printer drew nothing"
            print(f"printed on the virtual printer: {drawn[-1].path}")
        else:
            print("printed")
        return None
    except PrinterError as error:
        return error.detail or error.message_key
    except Exception as exc:  # noqa: BLE001 - a printer that cannot even be built: one line
        return str(exc)
    finally:
        context.close_all()
