"""`python main.py backend applications advance NUMBER STATUS`: staff move an application along.

What the bureau's back office does to an application, for the reference back end that has
none (backend/application_status.py): the progress query shows the step, and a citizen who
asked for a text at that milestone gets it recorded (the dashboard shows the would-be texts).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from backend.terminals_cli import db_option

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config

# The statuses staff may give (backend/application_status.py STATUSES); kept here so that
# `--help` imports nothing of the back end.
STATUS_CHOICES = ("UNDER_REVIEW", "APPROVED", "IN_PRODUCTION", "READY_FOR_COLLECTION", "POSTED", "COLLECTED",
                  "REJECTED")


def add_application_commands(commands: argparse._SubParsersAction, default_db: str) -> None:
    """`backend applications ...` among the back end's commands (backend/cli.py)."""
    applications = commands.add_parser(
        "applications", help="move an application along its statuses, as the back office does",
        description="The reference back end's stand-in for the bureau's back office (docs/hall.md).")
    actions = applications.add_subparsers(dest="applications_action", metavar="ACTION", required=True)
    advance = actions.add_parser("advance", help="give an application its next status",
                                 description="Give an application its next status; a milestone (ready, "
                                             "posted) records the text its subscribers asked for.")
    advance.add_argument("number", metavar="APPLICATION-NUMBER")
    advance.add_argument("status", metavar="STATUS", choices=STATUS_CHOICES, help=", ".join(STATUS_CHOICES))
    advance.add_argument("--tracking", metavar="NUMBER", help="the courier's tracking number (POSTED)")
    advance.add_argument("--place", metavar="TEXT", help="where to collect it (READY_FOR_COLLECTION)")
    db_option(advance, default_db)
    advance.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from backend.application_status import MoveRefused, advance
    from backend.storage import database_location
    from backend.store import Store
    from backend.timeutil import utc_now

    store = Store(database_location(args.credentials_db, config, args.default_db))
    try:
        with store.write() as db:
            texts = advance(db, args.number, args.status, utc_now(), args.tracking, args.place)
    except MoveRefused as refused:
        print(f"application {args.number}: not moved: {refused}", file=sys.stderr)
        return 1
    finally:
        store.close()
    said = f"; {texts} text(s) recorded for its subscribers" if texts else ""
    print(f"application {args.number}: {args.status}{said}")
    return 0
