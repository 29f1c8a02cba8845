"""Shared by the hall tests: a reference back end on real HTTP and a kiosk configuration pointing at it."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from core.config import Config
from terminal.scratch import scratch_config

HALL_BACKEND = {"mode": "remote", "retries": 0, "connect_timeout_seconds": 0.5, "operation_timeout_seconds": 5.0,
                "outbox_backoff_seconds": 0.05, "outbox_backoff_max_seconds": 0.2}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_hall_config(folder: Path, url: str, number: int = 1) -> Config:
    """Terminal HALL-Tnn's configuration in `folder` (a scratch file there) for the back end at `url`."""
    return scratch_config(folder, terminal={"id": f"HALL-T{number:02d}"}, backend={**HALL_BACKEND, "url": url})


class RestartableBackend:
    """The reference back end on one fixed loopback port, stopped and started again on demand
    (a back end going away and coming back, as a hall's network does)."""

    def __init__(self, db_path: Path, port: int, **settings) -> None:
        from backend.settings import ServerSettings

        self.db_path, self.port = db_path, port
        self.settings = ServerSettings(**settings)
        self.server = None
        self.url = f"http://127.0.0.1:{port}/soap"

    def start(self) -> "RestartableBackend":
        from backend.server import ReferenceServer

        self.server = ReferenceServer(self.db_path, port=self.port, settings=self.settings).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def rows(self, sql: str, *params) -> list:
        import sqlite3

        with sqlite3.connect(self.db_path) as db:
            db.row_factory = sqlite3.Row
            return db.execute(sql, params).fetchall()


@pytest.fixture()
def reference_backend(tmp_path) -> Iterator[RestartableBackend]:
    backend = RestartableBackend(tmp_path / "backend" / "reference.sqlite3", free_port()).start()
    yield backend
    backend.stop()


@pytest.fixture()
def hall_config():
    """make_hall_config(folder, url, number=1): a terminal's configuration for the back end at url."""
    return make_hall_config
