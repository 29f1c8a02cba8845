"""The reference back end's storage: one interface (backend.store.Store), two engines.

    SQLite      a file path (the embedded default: `python main.py` and the tests need no server)
    PostgreSQL  a URL postgresql://user:password@host:port/dbname ([backend] reference_database_url)

Handlers write one SQL dialect, SQLite's as the project has always written it (`?` parameters,
`INSERT OR IGNORE`, `ON CONFLICT ... DO UPDATE`); the PostgreSQL engine translates the few
differences (backend/storage/dialect.py). Every transaction runs through `Store.transaction`,
which on PostgreSQL is SERIALIZABLE and runs the block again on a serialisation failure, so a
handler keeps the one-writer-at-a-time reasoning it was written with.

Schema: numbered SQL files in backend/migrations applied by backend/storage/migrate.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")


class DatabaseUrlError(ValueError):
    """A database URL that cannot be used; the message says why."""


def is_database_url(location: str | Path) -> bool:
    return isinstance(location, str) and "://" in location


def check_database_url(url: str) -> str | None:
    """None for a URL the PostgreSQL engine accepts ('' = SQLite), else what is wrong with it."""
    if url == "":
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme not in POSTGRES_SCHEMES:
        return (f"must be '' (SQLite) or a postgresql:// URL such as "
                f"postgresql://kiosk@db.hall.example:5432/kiosk (got scheme {parts.scheme or 'none'!r})")
    if not parts.path.strip("/") and "dbname=" not in parts.query:
        return "names no database (postgresql://user@host:port/DATABASE)"
    return None


def database_location(given: str | None, config: Any, default_file: str) -> Path | str:
    """The served back end's database: --db (a file or a URL), else [backend]
    reference_database_url, else `default_file` in the terminal's data folder."""
    chosen = given or config["backend"]["reference_database_url"]
    if not chosen:
        return config.data_dir / default_file
    return chosen if is_database_url(chosen) else Path(chosen)


def resolve_location(location: str | Path) -> str | Path:
    """Where a store really lives. The identity in production; the back-end test suite's
    PostgreSQL pass replaces it (tests/backend/storage/engine.py) to give every SQLite path
    its own throwaway PostgreSQL database."""
    return location
