"""Schema versions: the baseline (version 1) and numbered SQL files on top of it.

Version 1 is the schema as it was before versions were kept: backend/store.py's DDL and
ADDED_COLUMNS, all "IF NOT EXISTS", applied at every open so a database made by any earlier
back end (of either engine) is brought to it in place. Later versions are the files
backend/migrations/NNNN_what.sql (NNNN >= 0002), each applied once, in order, in one
transaction, and recorded in schema_migrations. A file written in SQLite's words serves both
engines (backend/storage/dialect.py translates); NNNN_what.sqlite.sql / NNNN_what.postgresql.sql
serve one engine only when the two must differ.

Why numbered files and not alembic: the back end speaks plain SQL through its own thin store, not
SQLAlchemy; alembic would bring SQLAlchemy and its engine just to run a few CREATE statements.
What is needed is small: ordered files, one transaction each, a version table, and a lock so
several gunicorn workers starting together migrate once (SQLite's BEGIN IMMEDIATE; PostgreSQL's
advisory lock).

Rules for new schema: adding a table or a nullable column may still go into the baseline (it is
idempotent); anything else (an index, a changed column, moved data) is a new numbered file, and a
numbered file never drops what the baseline creates (the baseline runs again at every open).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backend.storage import dialect

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BASELINE_VERSION = 1
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+?)(?:\.(sqlite|postgresql))?\.sql$")
ADVISORY_LOCK_KEY = 0x4B494F534B  # "KIOSK": one migrator at a time on a PostgreSQL database
VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)")


@dataclasses.dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def migrations(engine: str, folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The numbered files for `engine` ('sqlite' or 'postgresql'), in order; an engine's own file
    replaces the shared one of the same number."""
    chosen: dict[int, Migration] = {}
    for path in sorted(folder.glob("*.sql")):
        match = _FILE.match(path.name)
        if match is None:
            raise ValueError(f"{path}: a migration is named NNNN_what.sql or NNNN_what.<engine>.sql")
        number, name, only = int(match.group(1)), match.group(2), match.group(3)
        if number <= BASELINE_VERSION:
            raise ValueError(f"{path}: numbers start at {BASELINE_VERSION + 1:04d} (1 is the baseline in store.py)")
        if only is not None and only != engine:
            continue
        if only is None and number in chosen:
            continue  # the engine's own file came first or will replace it
        chosen[number] = Migration(number, name, path)
    return [chosen[number] for number in sorted(chosen)]


def upgrade(store: Any, baseline: str, added_columns: Sequence[tuple[str, str, str]], now: str,
            folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Bring the store's database to the newest version; the versions applied now."""
    pending = migrations(store.engine, folder)

    def work(db: Any) -> list[int]:
        if store.engine == "postgresql":
            db.execute(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
        for statement in dialect.split_script(baseline):
            db.execute(statement)
        _add_columns(store.engine, db, added_columns)
        db.execute(VERSION_TABLE)
        done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        if BASELINE_VERSION not in done:
            db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (BASELINE_VERSION, "baseline", now))
            applied.append(BASELINE_VERSION)
        for migration in pending:
            if migration.version in done:
                continue
            for statement in dialect.split_script(migration.path.read_text(encoding="utf-8")):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (migration.version, migration.name, now))
            applied.append(migration.version)
        newest = max([BASELINE_VERSION, *done, *applied])
        db.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE "
                   "SET value = excluded.value", (str(newest),))
        return applied

    return store.transaction(work, write=True)


def current_version(store: Any) -> int:
    return store.transaction(lambda db: db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0],
                             write=False)


def _add_columns(engine: str, db: Any, added_columns: Sequence[tuple[str, str, str]]) -> None:
    """Columns a table made by an earlier back end lacks (CREATE TABLE IF NOT EXISTS left it as it was)."""
    for table, column, kind in added_columns:
        if engine == "postgresql":
            db.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
            continue
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
