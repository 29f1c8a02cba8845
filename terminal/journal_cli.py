"""`python main.py journal list|reconcile`: a technician's view of payments, card writes and
submissions that did not finish, and a way to settle them (flows/recovery.py's rules).

    journal list [--all] [--json]     unfinished (open or needing attention); --all: everything
    journal reconcile [--skip-recent SECONDS] [--json]
                                      settle open transactions against the configured back end
    journal report --date YYYY-MM-DD [--print] [--json]
                                      the daily close against the back end (terminal/daily_report.py)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config
    from flows.journal import Transaction
    from flows.recovery import RecoveryRun
    from terminal.card_close import CardOpen

EXIT_OK, EXIT_FAILED = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("journal", help="show and settle unfinished payments and card writes",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = parser.add_subparsers(dest="journal_command", metavar="VERB", required=True)
    listing = verbs.add_parser("list", help="transactions that did not finish (open or needing attention)")
    listing.add_argument("--all", action="store_true", help="every transaction, finished ones too")
    listing.add_argument("--json", action="store_true", help="one JSON document, with every step")
    listing.set_defaults(func=list_command)
    reconcile = verbs.add_parser("reconcile", help="settle open transactions: confirm, finish or refund")
    reconcile.add_argument("--skip-recent", type=float, default=0.0, metavar="SECONDS",
                           help="leave transactions touched in the last SECONDS alone (the kiosk is "
                                "running and may be serving that citizen); default 0")
    reconcile.add_argument("--json", action="store_true", help="print what was done as JSON")
    reconcile.set_defaults(func=reconcile_command)
    from terminal.daily_report_cli import add_report_verb

    add_report_verb(verbs)


def list_command(args: argparse.Namespace, config: Config) -> int:
    from flows.journal import Journal, TxnStatus

    path = config.journal_path
    if not path.exists():
        print(f"no journal at {path} (nothing was ever journalled)", file=sys.stderr)
        return EXIT_OK
    journal = Journal(path)
    try:
        rows = journal.transactions() if args.all else \
            journal.unfinished() + journal.transactions(TxnStatus.NEEDS_ATTENTION)
    finally:
        journal.close()
    rows.sort(key=lambda t: t.created)
    if args.json:
        print(json.dumps([_as_json(t) for t in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("no unfinished transactions" if not args.all else "the journal is empty")
        return EXIT_OK
    print(f"{'transaction':<22} {'flow':<12} {'status':<16} {'amount':>8}  {'order':<22} {'last step':<24} note")
    for txn in rows:
        last = txn.steps[-1] if txn.steps else None
        last_text = f"{last.step}:{last.phase.value}" if last else "-"
        print(f"{txn.id:<22} {txn.flow:<12} {txn.status.value:<16} {txn.amount_fen / 100:>8.2f}  "
              f"{txn.order_id or '-':<22} {last_text:<24} {txn.note}")
        for line in _dispense_lines(txn):
            print(f"    {line}")
    return EXIT_OK


def _dispense_lines(txn: Transaction) -> list[str]:
    """A collection's documents (issue 13): slot, masked number, where the journal last saw each
    and whether the back end heard of it."""
    from flows.collection_rules import FLOW_NAME, dispenses

    return [d.line() for d in dispenses(txn)] if txn.flow == FLOW_NAME else []


def reconcile_command(args: argparse.Namespace, config: Config) -> int:
    """Only what recovery needs: the journal, the back end (embedded or remote), the permit
    reader (to see whether the card left in it holds the endorsement) and the document dispenser
    (to ask where a document of an interrupted collection is). No camera, no screen."""
    from flows.recovery import recover_all
    from terminal.runtime import start_runtime

    try:
        runtime = start_runtime(config, start_fleet=False, device_kinds=("permit", "dispenser", "card_terminal"),
                                recover_at_start=False)
    except Exception as exc:  # noqa: BLE001 - any start failure is one line for the technician
        print(f"cannot start recovery: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        run = recover_all(runtime.flow_context(), min_age_seconds=args.skip_recent)
    finally:
        runtime.close()
    still_open = _open_card_sales(config)
    _print_run(run, args.json, {"open_card_sales": [card.as_json() for card in still_open]})
    if not args.json:
        for card in still_open:
            print(card.line())
    return EXIT_FAILED if run.error else EXIT_OK


def _open_card_sales(config: Config) -> list[CardOpen]:
    """The bank card sales of transactions still open after reconciling (issue 21)."""
    from flows.journal import Journal
    from terminal.card_close import open_card_sales

    journal = Journal(config.journal_path)
    try:
        return open_card_sales(journal.unfinished())
    finally:
        journal.close()


def _print_run(run: "RecoveryRun", as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        print(json.dumps({"settled": [{"transaction": r.txn_id, "flow": r.flow, "action": r.action.value,
                                       "status": r.status.value, "reason": r.reason} for r in run.settled],
                          "left_open": run.left_open, "error": run.error, **(extra or {})},
                         ensure_ascii=False, indent=2))
        return
    if not run.settled and not run.left_open:
        print("nothing to reconcile")
    for r in run.settled:
        print(f"{r.txn_id:<22} {r.flow:<12} {r.action.value:<9} -> {r.status.value:<16} {r.reason}")
    if run.error:
        print(f"stopped: the back end is unavailable ({run.error}); {len(run.left_open)} transaction(s) "
              f"left open: {', '.join(run.left_open)}", file=sys.stderr)


def _as_json(txn: "Transaction") -> dict[str, Any]:
    def when(seconds: float) -> str:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat(timespec="seconds")

    return {"id": txn.id, "flow": txn.flow, "status": txn.status.value, "amount_fen": txn.amount_fen,
            "order_id": txn.order_id, "payment_id": txn.payment_id, "summary": dict(txn.summary), "note": txn.note,
            "created": when(txn.created), "updated": when(txn.updated),
            "steps": [{"step": s.step, "phase": s.phase.value, "request_id": s.request_id,
                       "detail": dict(s.detail), "at": when(s.at)} for s in txn.steps],
            **_dispenses_json(txn)}


def _dispenses_json(txn: Transaction) -> dict[str, Any]:
    from flows.collection_rules import FLOW_NAME, dispenses

    return {"dispenses": [dataclasses.asdict(d) for d in dispenses(txn)]} if txn.flow == FLOW_NAME else {}
