"""`python main.py backend`: serve the reference back end over HTTP (waitress) until Ctrl-C."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `main.py --help` imports no configuration
    from core.config import Config


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_DB = "backend/reference.sqlite3"  # under the terminal's data_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backend", help="serve the reference back end (SOAP contract, demo data, payment pages)",
        description="Serve the reference back end on HOST:PORT: SOAP at /soap, the WSDL at /soap?wsdl, "
                    "payment pages at /pay/<id>. Settings come from [backend] reference_*; options override.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free)")
    parser.add_argument("--db", metavar="FILE|URL", help=f"SQLite file or postgresql:// URL (default [backend] "
                                                         f"reference_database_url, else <data_dir>/{DEFAULT_DB})")
    parser.add_argument("--reseed", action="store_true", help="delete the database first: fresh demo data dated today")
    parser.add_argument("--auto-pay", type=float, metavar="SECONDS",
                        help="pending payments pay themselves after SECONDS (0 = never)")
    parser.add_argument("--payment-expiry", type=float, metavar="SECONDS", help="payment QR codes expire after SECONDS")
    parser.add_argument("--public-url", metavar="URL", help="base URL put in payment QR codes (reachable by phones)")
    parser.set_defaults(func=serve)
    from backend.applications_cli import add_application_commands
    from backend.terminals_cli import add_terminal_commands

    commands = parser.add_subparsers(dest="backend_command", metavar="terminals|applications")
    add_terminal_commands(commands, DEFAULT_DB)
    add_application_commands(commands, DEFAULT_DB)


def serve(args: argparse.Namespace, config: Config) -> int:
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings

    _log_to_console(config["logging"]["level"])
    settings = ServerSettings.from_config(config["backend"])
    overrides = {"auto_pay_seconds": args.auto_pay, "payment_expiry_seconds": args.payment_expiry,
                 "public_url": args.public_url}
    settings = dataclasses.replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    from backend.storage import database_location

    db_path = database_location(args.db, config, DEFAULT_DB)
    if args.reseed and isinstance(db_path, str):
        print("--reseed deletes a SQLite file; a PostgreSQL database is emptied by its administrator", file=sys.stderr)
        return 2
    if args.reseed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    if config["backend"]["reference_workers"] > 0:
        from backend.production import serve_with_gunicorn

        return serve_with_gunicorn(db_path, args.host, args.port, settings, config["backend"])
    try:
        server = ReferenceServer(db_path, host=args.host, port=args.port, settings=settings)
    except OSError as exc:
        print(f"cannot serve on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    shown = db_path if isinstance(db_path, Path) else server.backend.store.url_shown
    print(f"reference back end: {server.url}  (WSDL {server.url}?wsdl, database {shown})", flush=True)
    if server.backend.settings.terminal_auth == "required":
        print("per-terminal credentials required (docs/hall.md): python main.py backend terminals add|list", flush=True)
    warm_up = getattr(server.backend.face, "warm_up_in_background", None)
    if warm_up is not None:  # CompareFace's models, loaded while the first requests are served
        warm_up()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def _log_to_console(level: str) -> None:
    """One line per call on stderr, masked like the kiosk's own log."""
    import logging

    from core.logs import OneLineMaskingFormatter
    from core.privacy import PersonalDataFilter

    handler = logging.StreamHandler()
    handler.setFormatter(OneLineMaskingFormatter())
    handler.addFilter(PersonalDataFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(level)
