"""A database file made before a column was added gets it when the back end opens it
(backend/store.py ADDED_COLUMNS), so a served back end's kept file keeps working."""

from __future__ import annotations

import sqlite3

import pytest

from backend.store import ADDED_COLUMNS, Store

pytestmark = pytest.mark.sqlite_only  # PostgreSQL's side: tests/backend/storage/test_migrations.py


def test_a_file_without_the_residence_permit_column_gets_it(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE persons (id_number TEXT PRIMARY KEY, name TEXT NOT NULL)")
    store = Store(path)
    try:
        columns = {row["name"] for row in store.connection().execute("PRAGMA table_info(persons)")}
    finally:
        store.close()
    assert {column for table, column, _ in ADDED_COLUMNS if table == "persons"} <= columns
