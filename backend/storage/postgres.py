"""The PostgreSQL engine: psycopg 3 connections from a psycopg_pool pool.

Every transaction is SERIALIZABLE: PostgreSQL then guarantees the outcome of some one-at-a-time
order, the order SQLite's single writer gives, so the money rules (one effect per request id,
a payment paid once, a refund once, a card write confirmed once) hold with many writers at once.
A transaction PostgreSQL cancels to keep that promise (serialisation failure, deadlock, or two
first attempts of one request id meeting on the idempotency key) is run again from the start by
`Store.transaction`; the second run sees the first's effect and answers as a repeat.

Parameters are sent untyped, as SQLite's are, so PostgreSQL takes the column's type: the
handlers compare a TEXT column with a number or an INTEGER column with a bool as they always did.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.adapt import Dumper
from psycopg_pool import ConnectionPool

from backend.storage import dialect
from backend.storage.rows import row_class

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors after which the whole transaction is run again (they cancel nothing but this attempt).
RETRYABLE = (errors.SerializationFailure, errors.DeadlockDetected, errors.UniqueViolation)
MAX_ATTEMPTS = 40
RETRY_PAUSE_SECONDS = 0.002  # a random pause before attempt n of up to this times 2**n ...
RETRY_PAUSE_MAX_SECONDS = 0.5  # ... and at most this
DEFAULT_POOL_SIZE = 8  # connections per process: a waitress thread or a gunicorn worker's threads each take one
POOL_TIMEOUT_SECONDS = 30.0
PIPELINE = True  # transactions in pipeline mode (see _begin); bench/hall_statements.py compares
TRANSLATIONS_KEPT = 10_000  # statements remembered in PostgreSQL's words (ours are a few hundred constants)


class _Untyped(Dumper):
    """A number, sent as text of unknown type (PostgreSQL infers it from where it is used)."""

    def dump(self, obj: Any) -> bytes:
        return str(obj).encode()


class _UntypedBool(Dumper):
    """True/False as SQLite stores them: 1/0 (the schema's flags are INTEGER columns)."""

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


def _rows(cursor: psycopg.Cursor) -> Callable[[Sequence[Any]], Any]:
    if cursor.description is None:
        return tuple
    return row_class([column.name for column in cursor.description])


def configure(conn: psycopg.Connection) -> None:
    for kind in (int, float, Decimal):
        conn.adapters.register_dumper(kind, _Untyped)
    conn.adapters.register_dumper(bool, _UntypedBool)
    conn.row_factory = _rows  # type: ignore[assignment]


class PgConnection:
    """One pooled connection in a transaction, spoken to in the handlers' SQLite dialect.

    `begin`: the BEGIN this transaction starts with, sent just before its first statement (a
    transaction that runs no statement, such as Ping's, costs no round trip at all)."""

    def __init__(self, conn: psycopg.Connection, translate: Callable[[str, bool, psycopg.Connection], str],
                 begin: str | None = None, on_begin: Callable[[], object] | None = None) -> None:
        self.raw = conn
        self._translate = translate
        self._begin = begin
        self._on_begin = on_begin
        self.begun = begin is None

    def _start(self) -> None:
        if not self.begun:
            self.begun = True
            if self._on_begin is not None:
                self._on_begin()
            self.raw.execute(self._begin)  # type: ignore[arg-type]

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        self._start()
        with_params = params is not None
        return self.raw.execute(self._translate(sql, with_params, self.raw),  # type: ignore[arg-type]
                                tuple(params) if with_params else None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> psycopg.Cursor:
        self._start()
        cursor = self.raw.cursor()
        cursor.executemany(self._translate(sql, True, self.raw), rows)  # type: ignore[arg-type]
        return cursor

    def executescript(self, script: str) -> None:
        self._start()
        for statement in dialect.split_script(script):
            self.raw.execute(self._translate(statement, False, self.raw))  # type: ignore[arg-type]


class _EachStatement:
    """Store.connection() outside a transaction: each statement borrows a pooled connection and
    runs on its own (autocommit), its rows read before the connection goes back."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> _Fetched:
        with self._store.pool.connection() as conn:
            cursor = PgConnection(conn, self._store.translate).execute(sql, params)
            rows = cursor.fetchall() if cursor.description is not None else []
            return _Fetched(rows, cursor.rowcount)

    def executescript(self, script: str) -> None:
        with self._store.pool.connection() as conn:
            PgConnection(conn, self._store.translate).executescript(script)


class _Fetched:
    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PostgresStore:
    """Engine half of backend.store.Store for a postgresql:// URL."""

    engine = "postgresql"

    def _open(self, url: str, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self.url = url
        self.path = None
        self._keys: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._keys_lock = threading.Lock()
        self._translated: dict[tuple[str, bool], str] = {}
        self.pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), timeout=POOL_TIMEOUT_SECONDS,
                                   kwargs={"autocommit": True}, configure=configure, open=False,
                                   name="kiosk-reference-backend")
        self.pool.open(wait=True, timeout=POOL_TIMEOUT_SECONDS)

    @property
    def url_shown(self) -> str:
        """The URL without its password, for logs and the console."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":********@")))

    def transaction(self, work: Callable[[Any], T], write: bool = True, keyed: bool = False) -> T:
        """work(db) in one transaction, committed if it returns; run again from the start when
        PostgreSQL cancels it to keep transactions serialisable (see the module's note).

        keyed: the work reads and writes only rows named by their keys, and a conflict on a key
        shows as a unique violation (a terminal's heartbeat, registration, report): it runs
        READ COMMITTED, out of the serialisable transactions' conflict tracking, whose page-level
        locks on the busy idempotency index otherwise cancel innocent money transactions."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self._begin(write, keyed) as db:
                    return work(db)
            except RETRYABLE as exc:
                if attempt == MAX_ATTEMPTS:
                    log.warning("transaction cancelled %d times in a row (%s): giving up", attempt, exc)
                    raise
                log.debug("transaction attempt %d cancelled (%s): again", attempt, type(exc).__name__)
                time.sleep(random.uniform(0, min(RETRY_PAUSE_MAX_SECONDS, RETRY_PAUSE_SECONDS * 2 ** attempt)))
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _begin(self, write: bool, keyed: bool = False) -> Iterator[PgConnection]:
        """One transaction on one pooled connection, in pipeline mode: a statement whose result
        is not read (BEGIN, an UPDATE, the idempotency record, COMMIT) is sent with the next one
        whose result is, so a transaction costs one round trip per result it reads plus one
        (bench/hall_statements.py counts them). A failed statement raises at the next read or at
        the end, and the transaction is rolled back and, if retryable, run again as before."""
        level = "READ COMMITTED" if keyed else "SERIALIZABLE" if write else "REPEATABLE READ"
        with self.pool.connection() as conn:
            pipeline = contextlib.ExitStack()  # entered with the first statement
            db = PgConnection(conn, self.translate, begin=f"BEGIN ISOLATION LEVEL {level}",
                              on_begin=(lambda: pipeline.enter_context(conn.pipeline())) if PIPELINE else None)
            try:
                with pipeline:
                    yield db
                    if db.begun:
                        conn.execute("COMMIT")
            except BaseException as exc:
                status = conn.info.transaction_status
                if PIPELINE and (isinstance(exc, psycopg.Error) or status == psycopg.pq.TransactionStatus.INERROR):
                    # A statement failed inside the pipeline: the statements queued behind it were
                    # skipped, and psycopg may count one of them as prepared on the server when it
                    # is not ("prepared statement _pg3_N does not exist" later). The pool replaces
                    # the connection; such failures are the rare retries, not the common path.
                    conn.close()
                elif not conn.broken and status != psycopg.pq.TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                raise

    def write(self) -> contextlib.AbstractContextManager[PgConnection]:
        return self._begin(True)

    def read(self) -> contextlib.AbstractContextManager[PgConnection]:
        return self._begin(False)

    def connection(self) -> _EachStatement:
        return _EachStatement(self)

    def translate(self, sql: str, with_params: bool, conn: psycopg.Connection) -> str:
        """dialect.translate, remembered (the handlers' statements are constants); tables are
        looked up on `conn`, the statement's own connection (it may be creating them)."""
        known = self._translated.get((sql, with_params))
        if known is None:
            known = dialect.translate(sql, with_params, lambda table: self.table_keys(table, conn))
            if len(self._translated) < TRANSLATIONS_KEPT:
                self._translated[(sql, with_params)] = known
        return known

    def table_keys(self, table: str, conn: psycopg.Connection) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(primary-key columns, all columns) of a table, asked once."""
        with self._keys_lock:
            known = self._keys.get(table)
        if known is not None:
            return known
        every = tuple(r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s ORDER BY ordinal_position", (table.lower(),)))
        primary = tuple(r[0] for r in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
            (table.lower(),)))
        with self._keys_lock:
            self._keys[table] = (primary, every)
        return primary, every

    def next_number(self, db: PgConnection, counter: str) -> int:
        return db.raw.execute("INSERT INTO counters VALUES (%s, 1) ON CONFLICT (name) DO UPDATE "
                              "SET value = counters.value + 1 RETURNING value", (counter,)).fetchone()[0]

    def close(self) -> None:
        self.pool.close()
