"""Which database engine the back-end tests run on: KIOSK_TEST_DATABASE=sqlite (default) or postgresql.

On postgresql a throwaway cluster (backend/storage/throwaway.py) is started once for the session,
and every SQLite path a test hands the back end (ReferenceServer(tmp_path / "x.sqlite3"), Store(path))
becomes its own fresh PostgreSQL database, the same one each time the same path is opened again,
so the whole suite runs unchanged on PostgreSQL. ./kiosk.sh test runs tests/backend both ways.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from backend import storage
from backend.storage.throwaway import ThrowawayCluster

ENV = "KIOSK_TEST_DATABASE"
ENGINES = ("sqlite", "postgresql")

_cluster: ThrowawayCluster | None = None
_lock = threading.Lock()


def selected() -> str:
    engine = os.environ.get(ENV, "sqlite") or "sqlite"
    if engine not in ENGINES:
        raise ValueError(f"{ENV}={engine!r}: must be one of {', '.join(ENGINES)}")
    return engine


def cluster() -> ThrowawayCluster:
    """The session's throwaway cluster, started on first use (stopped by engine_session)."""
    global _cluster
    with _lock:
        if _cluster is None:
            _cluster = ThrowawayCluster().start()
        return _cluster


def fresh_database(label: str) -> str:
    """A new empty database in the session's cluster; its URL."""
    digest = hashlib.sha1(f"{label}-{os.getpid()}-{id(object())}-{os.urandom(4).hex()}".encode()).hexdigest()
    return cluster().create_database("t_" + digest[:24])


def _database_for(location: str | Path) -> str | Path:
    if storage.is_database_url(location):
        return location
    name = "p_" + hashlib.sha1(str(Path(location).resolve()).encode()).hexdigest()[:24]
    with _lock:
        if name not in _made:
            assert _cluster is not None
            _cluster.create_database(name)
            _made.add(name)
    return _cluster.url(name)


_made: set[str] = set()


def engine_session() -> Iterator[str]:
    """Session fixture body: redirects the back end's stores to PostgreSQL when it is selected."""
    global _cluster
    engine = selected()
    original = storage.resolve_location
    if engine == "postgresql":
        cluster()
        storage.resolve_location = _database_for
    try:
        yield engine
    finally:
        storage.resolve_location = original
        with _lock:
            if _cluster is not None:
                _cluster.stop()
                _cluster = None
            _made.clear()
