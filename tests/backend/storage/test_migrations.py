"""Schema versions on both engines: a database made with the schema of 2026-12-06 (before versions
were kept: tests/backend/storage/today_schema.sql) opens, is upgraded in place with its data kept,
and records its versions; numbered files are applied once, in order, engine files first;
several processes opening one PostgreSQL database at once migrate it once."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from backend.storage import dialect, migrate
from backend.store import ADDED_COLUMNS, DDL, Store
from tests.backend.storage import engine

TODAY = (Path(__file__).parent / "today_schema.sql").read_text(encoding="utf-8")
DEVICES_OK = '[{"kind": "printer", "status": "READY", "detail": null}]'
DEVICES_LOW = '[{"kind": "printer", "status": "PAPER_LOW", "detail": null}]'
# Rows of that day: an order and its payment, three beats of which the second repeats the first.
ROWS = [
    ("INSERT INTO meta VALUES ('schema_version', '1')", ()),
    (("INSERT INTO orders (order_id, kind, terminal_id, id_number, status, amount, created_at, updated_at) "
     "VALUES ('EO-1', 'ENDORSEMENT', 'T1', '430102198503120018', 'PAID', '45.00', '2026-12-06', '2026-12-06')"), ()),
    (("INSERT INTO payments (payment_id, order_id, terminal_id, amount, status, created_at, expires_at, method) "
     "VALUES ('PAY-1', 'EO-1', 'T1', '45.00', 'PAID', '2026-12-06', '2026-12-06', 'CARD')"), ()),
    *[("INSERT INTO heartbeats (terminal_id, sent_at, received_at, devices) VALUES ('T1', ?, ?, ?)", (at, at, d))
      for at, d in (("2026-12-06T08:00", DEVICES_OK), ("2026-12-06T08:01", DEVICES_OK),
                    ("2026-12-06T08:02", DEVICES_LOW))],
]
NEWEST = max(m.version for m in migrate.migrations("sqlite"))


def make_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "made-on-2026-12-06.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(TODAY)
        for sql, params in ROWS:
            db.execute(sql, params)
    return path


def make_postgresql() -> str:
    url = engine.fresh_database("today")
    with psycopg.connect(url, autocommit=True) as db:
        for statement in dialect.split_script(TODAY):
            db.execute(dialect.ddl(statement))
        for sql, params in ROWS:
            db.execute(dialect.placeholders(sql, True), params)
    return url


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite_only), "postgresql"])
def today_database(request, tmp_path) -> Path | str:
    return make_sqlite(tmp_path) if request.param == "sqlite" else make_postgresql()


def index_names(store: Store) -> set[str]:
    sql = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()" if store.engine == "postgresql"
           else "SELECT name FROM sqlite_master WHERE type = 'index'")
    return {row[0] for row in store.transaction(lambda db: db.execute(sql).fetchall(), write=False)}


def test_a_database_of_today_is_upgraded_in_place(today_database):
    store = Store(today_database)
    try:
        assert store.migrated == [1, *range(2, NEWEST + 1)]

        def read(db):
            versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY version")]
            meta = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            payment = db.execute("SELECT amount, status, method FROM payments WHERE payment_id = 'PAY-1'").fetchone()
            beats = [r[0] for r in db.execute("SELECT sent_at FROM heartbeats ORDER BY id")]
            return versions, meta, tuple(payment), beats

        versions, meta, payment, beats = store.transaction(read, write=False)
        assert versions == list(range(1, NEWEST + 1)) and meta == str(NEWEST)
        assert payment == ("45.00", "PAID", "CARD")  # the data of that day is kept
        assert beats == ["2026-12-06T08:00", "2026-12-06T08:02"]  # the repeated beat is dropped (version 2)
        assert {"heartbeats_by_terminal", "terminals_by_hall", "transactions_by_hall_day"} <= index_names(store)
    finally:
        store.close()
    again = Store(today_database)  # opening again applies nothing
    try:
        assert again.migrated == []
    finally:
        again.close()


def test_a_new_numbered_file_is_applied_once_on_both_engines(tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder)
    number = NEWEST + 1
    (folder / f"{number:04d}_notes.sql").write_text(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, scan BLOB);\n"
        "INSERT INTO notes (body) VALUES ('first');\n")
    for location in (tmp_path / "fresh.sqlite3", engine.fresh_database("numbered")):
        store = Store(location)
        try:
            assert migrate.upgrade(store, DDL, ADDED_COLUMNS, "2026-12-07", folder) == [number]
            assert migrate.upgrade(store, DDL, ADDED_COLUMNS, "2026-12-07", folder) == []
            assert migrate.current_version(store) == number
            with store.write() as db:
                db.execute("INSERT INTO notes (body, scan) VALUES (?, ?)", ("second", b"\x00\xff"))
            rows = store.transaction(lambda db: [tuple(r) for r in db.execute("SELECT id, body, scan FROM notes")],
                                     write=False)
            assert rows == [(1, "first", None), (2, "second", b"\x00\xff")]  # applied once; ids and bytes kept
        finally:
            store.close()


def test_an_engine_file_replaces_the_shared_one_and_bad_names_are_refused(tmp_path):
    (tmp_path / "0002_a.sql").write_text("SELECT 1;")
    (tmp_path / "0002_a.postgresql.sql").write_text("SELECT 2;")
    (tmp_path / "0003_b.sqlite.sql").write_text("SELECT 3;")
    assert [(m.version, m.path.name) for m in migrate.migrations("postgresql", tmp_path)] == [
        (2, "0002_a.postgresql.sql")]
    assert [(m.version, m.path.name) for m in migrate.migrations("sqlite", tmp_path)] == [
        (2, "0002_a.sql"), (3, "0003_b.sqlite.sql")]
    (tmp_path / "0001_clash.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="start at 0002"):
        migrate.migrations("sqlite", tmp_path)
    (tmp_path / "0001_clash.sql").unlink()
    (tmp_path / "7_loose.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNNN_what.sql"):
        migrate.migrations("sqlite", tmp_path)


def test_workers_starting_together_migrate_a_postgresql_database_once():
    url = engine.fresh_database("together")
    opened: list[Store] = []
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def open_store() -> None:
        start.wait()
        try:
            opened.append(Store(url, pool_size=1))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert failures == []
        assert sorted(v for s in opened for v in s.migrated) == list(range(1, NEWEST + 1))  # each once, by one
        versions = opened[0].transaction(lambda db: [r[0] for r in db.execute(
            "SELECT version FROM schema_migrations ORDER BY version")], write=False)
        assert versions == list(range(1, NEWEST + 1))
    finally:
        for store in opened:
            store.close()


def test_a_bad_database_url_is_refused_in_words():
    from backend.storage import DatabaseUrlError, check_database_url

    assert check_database_url("") is None and check_database_url("postgresql://kiosk@db:5432/kiosk") is None
    assert "postgresql://" in check_database_url("mysql://kiosk@db/kiosk")
    assert "names no database" in check_database_url("postgresql://kiosk@db:5432")
    assert "not a URL" in check_database_url("postgresql://kiosk@db:port/kiosk")
    with pytest.raises(DatabaseUrlError, match="names no database"):
        Store("postgresql://kiosk@db:5432")
