"""The reference back end's state: SQLite (a file, the embedded default) or PostgreSQL (a URL).

Every mutating operation runs in one write transaction together with its idempotency record,
so a request id has exactly one effect even when a retry arrives while the first attempt is
still running: on SQLite the second waits for the file's one writer, on PostgreSQL the two are
serialisable and the loser runs again and finds the record (backend/storage/).
Money is stored as decimal text, times as ISO 8601 UTC text, dates as ISO dates.

The DDL below is schema version 1, the baseline, applied idempotently at every open; later
versions are numbered files in backend/migrations (backend/storage/migrate.py says which goes where).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self, TypeVar

from backend import storage
from backend.storage import migrate
from backend.storage.sqlite import BUSY_TIMEOUT_MS, SqliteStore  # noqa: F401 - BUSY_TIMEOUT_MS re-exported
from backend.timeutil import iso, utc_now

T = TypeVar("T")
SCHEMA_VERSION = migrate.BASELINE_VERSION  # the baseline below; numbered files in backend/migrations follow
DEFAULT_POOL_SIZE = 8  # PostgreSQL connections per process (backend/storage/postgres.py)
# Columns added after a database file may already have been created, with their type: CREATE
# TABLE IF NOT EXISTS leaves an existing table alone, so a served back end's kept file gets them
# by ALTER TABLE when it is opened (issue 22: the residence permit 居住证 counts for G).
# The birth place (出生地) of the household register, answered with the identity for the form.
ADDED_COLUMNS = (("persons", "residence_permit_region_code", "TEXT"), ("persons", "birth_place", "TEXT"))
# Card payments (issue 21): how a payment was made (NULL: QR) and what the card terminal answered
# for an approved sale (masked card number only; the full number never reaches the back end).
ADDED_COLUMNS += (("payments", "method", "TEXT"), ("payments", "card_reference", "TEXT"),
                  ("payments", "card_auth_code", "TEXT"), ("payments", "card_masked_pan", "TEXT"),
                  ("payments", "card_batch", "TEXT"), ("payments", "card_trace", "TEXT"))
# Bookings made at the kiosk (issue 20): the hall, the end of the slot, BOOKED/CANCELLED (NULL:
# booked at a counter before these columns), the mobile number a text goes to.
ADDED_COLUMNS += (("appointments", "hall_code", "TEXT"), ("appointments", "ends_at", "TEXT"),
                  ("appointments", "status", "TEXT"), ("appointments", "mobile", "TEXT"),
                  ("appointments", "booked_at", "TEXT"))

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    id_number TEXT PRIMARY KEY, name TEXT NOT NULL, name_pinyin TEXT, sex TEXT NOT NULL,
    ethnicity_code TEXT, birth_date TEXT NOT NULL, document_kind TEXT NOT NULL,
    hukou_region_code TEXT, hukou_region_name TEXT, id_valid_from TEXT NOT NULL,
    id_valid_to TEXT, registered_state_employee INTEGER NOT NULL DEFAULT 0,
    relatives_in TEXT NOT NULL DEFAULT '', business_registered INTEGER NOT NULL DEFAULT 0,
    face_matches INTEGER NOT NULL DEFAULT 1, photo BLOB NOT NULL,
    residence_permit_region_code TEXT, birth_place TEXT);
CREATE TABLE IF NOT EXISTS permits (
    permit_number TEXT PRIMARY KEY, id_number TEXT NOT NULL REFERENCES persons,
    issued_on TEXT NOT NULL, valid_to TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drivers (
    licence_number TEXT PRIMARY KEY REFERENCES persons(id_number),
    points_in_cycle INTEGER NOT NULL, cycle_ends_on TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS violations (
    violation_number TEXT PRIMARY KEY, licence_number TEXT NOT NULL REFERENCES drivers,
    plate_type TEXT NOT NULL, plate_number TEXT NOT NULL, occurred_at TEXT NOT NULL,
    place TEXT NOT NULL, violation_code TEXT NOT NULL, description TEXT NOT NULL,
    points INTEGER NOT NULL, fine TEXT NOT NULL, source TEXT NOT NULL,
    decision_number TEXT UNIQUE, decided_at TEXT, order_id TEXT, paid_at TEXT);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY, kind TEXT NOT NULL, terminal_id TEXT NOT NULL,
    id_number TEXT NOT NULL, permit_number TEXT, status TEXT NOT NULL, amount TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, write_failure TEXT);
CREATE TABLE IF NOT EXISTS order_items (
    order_id TEXT NOT NULL REFERENCES orders, position INTEGER NOT NULL,
    destination TEXT NOT NULL, type TEXT NOT NULL, trips TEXT NOT NULL,
    validity_months INTEGER NOT NULL, max_stay_days INTEGER NOT NULL, fee TEXT NOT NULL,
    endorsement_number TEXT, valid_from TEXT, valid_to TEXT,
    PRIMARY KEY (order_id, position));
CREATE TABLE IF NOT EXISTS payments (
    payment_id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders,
    terminal_id TEXT NOT NULL, amount TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, paid_at TEXT, refunded_at TEXT,
    refund_id TEXT, refund_reason TEXT, method TEXT, card_reference TEXT, card_auth_code TEXT,
    card_masked_pan TEXT, card_batch TEXT, card_trace TEXT);
CREATE INDEX IF NOT EXISTS payments_by_order ON payments (order_id);
CREATE INDEX IF NOT EXISTS payments_by_terminal ON payments (terminal_id, created_at);
CREATE TABLE IF NOT EXISTS applications (
    application_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, terminal_id TEXT NOT NULL,
    document_types TEXT NOT NULL, form_xml TEXT NOT NULL, status TEXT NOT NULL,
    submitted_at TEXT NOT NULL, expected_ready_on TEXT, tracking_number TEXT,
    collection_place TEXT);
CREATE TABLE IF NOT EXISTS application_steps (
    application_number TEXT NOT NULL REFERENCES applications, status TEXT NOT NULL,
    at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS photos (
    receipt_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, terminal_id TEXT NOT NULL,
    photo BLOB NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
    size INTEGER NOT NULL, accepted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS appointments (
    appointment_code TEXT PRIMARY KEY, id_number TEXT NOT NULL, service TEXT NOT NULL,
    starts_at TEXT NOT NULL, ticket_number TEXT, checked_in_at TEXT, waiting_ahead INTEGER);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS terminals (
    terminal_id TEXT PRIMARY KEY, hall_name TEXT, software_version TEXT,
    contract_version TEXT, registered_at TEXT, last_heartbeat_at TEXT);
CREATE TABLE IF NOT EXISTS heartbeats (
    id INTEGER PRIMARY KEY AUTOINCREMENT, terminal_id TEXT NOT NULL, sent_at TEXT NOT NULL,
    received_at TEXT NOT NULL, devices TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terminal_status (
    terminal_id TEXT PRIMARY KEY, sent_at TEXT NOT NULL, received_at TEXT NOT NULL,
    devices TEXT NOT NULL, paper_low INTEGER, software_version TEXT, config_version TEXT,
    last_transaction_at TEXT, outbox_length INTEGER);
CREATE TABLE IF NOT EXISTS transactions (
    terminal_id TEXT NOT NULL, transaction_id TEXT NOT NULL, service TEXT NOT NULL,
    outcome TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    hall_day TEXT NOT NULL, amount TEXT, payment_id TEXT, refs TEXT NOT NULL,
    failure_key TEXT, recorded_at TEXT NOT NULL, PRIMARY KEY (terminal_id, transaction_id));
CREATE INDEX IF NOT EXISTS transactions_by_day ON transactions (terminal_id, hall_day);
CREATE TABLE IF NOT EXISTS idempotency (
    terminal_id TEXT NOT NULL, request_id TEXT NOT NULL, operation TEXT NOT NULL,
    digest TEXT NOT NULL, response TEXT, fault TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, request_id));
CREATE TABLE IF NOT EXISTS ready_documents (
    document_number TEXT PRIMARY KEY, application_number TEXT NOT NULL, id_number TEXT NOT NULL,
    kind TEXT NOT NULL, terminal_id TEXT NOT NULL, slot INTEGER NOT NULL, loaded_at TEXT NOT NULL,
    status TEXT NOT NULL, collected_at TEXT, not_collected_count INTEGER NOT NULL DEFAULT 0,
    last_not_collected_reason TEXT, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ready_documents_by_person ON ready_documents (id_number, terminal_id);
CREATE TABLE IF NOT EXISTS acceptance_quotes (
    order_id TEXT PRIMARY KEY REFERENCES orders, document_types TEXT NOT NULL,
    delivery_method TEXT NOT NULL, postage TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS acceptances (
    application_number TEXT PRIMARY KEY REFERENCES applications, order_id TEXT NOT NULL UNIQUE,
    photo_receipt_number TEXT NOT NULL, signature BLOB NOT NULL, postal_address TEXT);
CREATE TABLE IF NOT EXISTS acceptance_fingerprints (
    application_number TEXT NOT NULL REFERENCES acceptances, position INTEGER NOT NULL,
    finger TEXT NOT NULL, image BLOB, substitute_reason TEXT, not_captured_reason TEXT,
    PRIMARY KEY (application_number, position));
CREATE TABLE IF NOT EXISTS text_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, application_number TEXT NOT NULL, mobile TEXT NOT NULL,
    text TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (
    evaluation_number TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, service TEXT NOT NULL,
    transaction_id TEXT, level TEXT NOT NULL, reasons TEXT NOT NULL, comment TEXT,
    evaluated_at TEXT NOT NULL, hall_day TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS evaluations_by_day ON evaluations (hall_day, service);
CREATE TABLE IF NOT EXISTS violation_appeals (
    appeal_number TEXT PRIMARY KEY, violation_number TEXT NOT NULL REFERENCES violations,
    licence_number TEXT NOT NULL, terminal_id TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL,
    submitted_at TEXT NOT NULL, answer_by TEXT NOT NULL, decided_at TEXT);
CREATE INDEX IF NOT EXISTS violation_appeals_by_case ON violation_appeals (violation_number);
CREATE TABLE IF NOT EXISTS notice_subscriptions (
    subscription_number TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, id_number TEXT NOT NULL,
    mobile TEXT NOT NULL, application_number TEXT, appointment_code TEXT, milestones TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notice_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_number TEXT NOT NULL REFERENCES notice_subscriptions,
    milestone TEXT NOT NULL, mobile TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL,
    hall_day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (
    draft_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, form_xml TEXT NOT NULL,
    created_at TEXT NOT NULL, used_by TEXT);
CREATE TABLE IF NOT EXISTS face_matches (
    match_token TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, id_number TEXT NOT NULL,
    expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue_tickets (
    ticket_number TEXT NOT NULL, hall_day TEXT NOT NULL, service TEXT NOT NULL, priority TEXT NOT NULL,
    id_number TEXT, terminal_id TEXT NOT NULL, issued_at TEXT NOT NULL, waiting_ahead INTEGER NOT NULL,
    estimated_minutes INTEGER NOT NULL, urgent_case TEXT, PRIMARY KEY (hall_day, ticket_number));
CREATE TABLE IF NOT EXISTS urgent_cases (
    case_number TEXT PRIMARY KEY, id_number TEXT NOT NULL, terminal_id TEXT NOT NULL, reason TEXT NOT NULL,
    service TEXT NOT NULL, travel_date TEXT, received_at TEXT NOT NULL, ticket_number TEXT);
CREATE TABLE IF NOT EXISTS urgent_applications (
    case_number TEXT NOT NULL REFERENCES urgent_cases, application_number TEXT NOT NULL,
    PRIMARY KEY (case_number, application_number));
"""


class Store:
    """The back end's database. Store(path) opens SQLite, Store("postgresql://...") PostgreSQL
    (backend/storage/); either way the schema is brought to the newest version when it opens.

    The interface every caller uses, the same on both engines:
        transaction(work, write=True)  work(db) in one transaction; on PostgreSQL run again if the
                                       database cancels it to stay serialisable (use this for writes)
        write() / read()               the same as a `with` block, one attempt
        connection()                   statements outside a transaction (one each)
        next_number(db, counter)       the next value of a named counter, inside db's transaction
    A db's execute(sql, params) takes SQLite's SQL (`?` placeholders) and answers rows that are
    read by name or position (sqlite3.Row or backend.storage.rows.Row).
    """

    engine: str
    path: Path | None  # the SQLite file (None on PostgreSQL)
    url: str | None  # the PostgreSQL URL (None on SQLite)

    def __new__(cls, location: Path | str, pool_size: int = 0) -> Self:
        engine: type = cls
        if cls is Store:
            resolved = storage.resolve_location(location)
            engine = _postgres_store() if storage.is_database_url(resolved) else _SqliteStore
        return object.__new__(engine)

    def __init__(self, location: Path | str, pool_size: int = 0) -> None:
        resolved = storage.resolve_location(location)
        if storage.is_database_url(resolved):
            problem = storage.check_database_url(str(resolved))
            if problem:
                raise storage.DatabaseUrlError(f"database URL {problem}")
            self._open(resolved, pool_size or DEFAULT_POOL_SIZE)  # type: ignore[attr-defined]
        else:
            self._open(Path(resolved))  # type: ignore[attr-defined]
        self.migrated = migrate.upgrade(self, DDL, ADDED_COLUMNS, iso(utc_now()))

    def is_empty(self) -> bool:
        return self.transaction(lambda db: db.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 0,
                                write=False)

    # Provided by the engine (backend/storage/sqlite.py, backend/storage/postgres.py).
    def transaction(self, work: Callable[[Any], T], write: bool = True, keyed: bool = False) -> T:
        raise NotImplementedError

    def write(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def read(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def connection(self) -> Any:
        raise NotImplementedError

    def next_number(self, db: Any, counter: str) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _SqliteStore(SqliteStore, Store):  # type: ignore[misc]
    pass


@functools.cache
def _postgres_store() -> type[Store]:
    """psycopg is imported only when a PostgreSQL URL is used (the kiosk's start stays light)."""
    from backend.storage.postgres import PostgresStore

    return type("_PostgresStore", (PostgresStore, Store), {})
