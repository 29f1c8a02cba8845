"""`python main.py backend terminals add|rotate|revoke|list`: the terminals allowed to call the back end.

`add` and `rotate` make a new random secret and show it once (or write it, readable by its
owner only, with -o FILE): copy that file to the terminal and name it in the terminal's
[backend] wsse_secret_file. The back end keeps only a key derived from it
(core/credentials.py). Changes apply at once, also to a back end that is serving.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config



def add_terminal_commands(commands: argparse._SubParsersAction, default_db: str) -> None:
    """`backend terminals ...` among the back end's commands (backend/cli.py)."""
    terminals = commands.add_parser(
        "terminals", help="add, rotate, revoke and list the terminals' credentials",
        description="Per-terminal WS-Security credentials of the reference back end (docs/hall.md).")
    actions = terminals.add_subparsers(dest="terminals_action", metavar="ACTION", required=True)
    for name, help_text in (("add", "give a new terminal its secret"),
                            ("rotate", "give a terminal a new secret; the old one stops working at once"),
                            ("revoke", "refuse a terminal from now on (rotate gives it a new secret)")):
        action = actions.add_parser(name, help=help_text, description=help_text)
        action.add_argument("terminal_id", metavar="TERMINAL-ID", help="the terminal's [terminal] id")
        if name != "revoke":
            action.add_argument("-o", "--output", type=Path, metavar="FILE",
                                help="write the secret to FILE (mode 0600) instead of showing it")
        db_option(action, default_db)
        action.set_defaults(func=run, action=name)
    listing = actions.add_parser("list", help="every terminal with a credential, and its state")
    db_option(listing, default_db)
    listing.set_defaults(func=run, action="list")


def db_option(parser: argparse.ArgumentParser, default_db: str) -> None:
    parser.add_argument("--db", dest="credentials_db", metavar="FILE|URL",
                        help=f"the back end's SQLite file or postgresql:// URL (default [backend] "
                             f"reference_database_url, else <data_dir>/{default_db})")
    parser.set_defaults(default_db=default_db)


def run(args: argparse.Namespace, config: Config) -> int:
    from backend.store import Store
    from backend.terminal_credentials import CredentialError, TerminalCredentials

    from backend.storage import database_location

    store = Store(database_location(args.credentials_db, config, args.default_db))
    try:
        credentials = TerminalCredentials(store)
        if args.action == "list":
            return _list(credentials)
        if args.action == "revoke":
            credentials.revoke(args.terminal_id)
            print(f"terminal {args.terminal_id}: credential revoked")
            return 0
        secret = credentials.add(args.terminal_id) if args.action == "add" else credentials.rotate(args.terminal_id)
    except CredentialError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        store.close()
    return _hand_over(args.terminal_id, secret, args.output)


def _list(credentials: object) -> int:
    rows = credentials.list()  # type: ignore[attr-defined]
    if not rows:
        print("no terminal has a credential (add one: python main.py backend terminals add TERMINAL-ID)")
    for row in rows:
        state = f"revoked {row.revoked_at}" if row.revoked_at else "active"
        rotated = f", rotated {row.rotated_at}" if row.rotated_at else ""
        print(f"{row.terminal_id}\t{state}\tadded {row.created_at}{rotated}")
    return 0


def _hand_over(terminal_id: str, secret: str, output: Path | None) -> int:
    if output is None:
        print(secret)
        print(f"terminal {terminal_id}: save the line above in a file on the terminal (readable by the kiosk's "
              f"user only) and name it in [backend] wsse_secret_file; it is not shown again", file=sys.stderr)
        return 0
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        print(f"cannot write {output}: {exc.strerror}; the credential is stored: run rotate to get a new secret",
              file=sys.stderr)
        return 1
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(secret + "\n")
    print(f"terminal {terminal_id}: secret written to {output}; copy it to the terminal and name it in "
          f"[backend] wsse_secret_file")
    return 0
