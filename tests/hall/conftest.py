"""Shared by the hall tests: a reference back end on real HTTP and a kiosk configuration pointing at it."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from core.config import Config
from terminal.config import load_config

HALL_CONFIG = """
[terminal]
id = "HALL-T{number:02d}"
data_dir = "{data}"
[logging]
folder = "{data}/log"
[flows]
journal = "{data}/journal.sqlite3"
[backend]
mode = "remote"
url = "{url}"
retries = 0
connect_timeout_seconds = 0.5
operation_timeout_seconds = 5.0
outbox_backoff_seconds = 0.05
outbox_backoff_max_seconds = 0.2
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_hall_config(folder: Path, url: str, number: int = 1, extra: str = "") -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    override = folder / "terminal.toml"
    override.write_text(HALL_CONFIG.format(data=folder, url=url, number=number) + extra, encoding="utf-8")
    return load_config([override])


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
    """make_hall_config(folder, url, number=1, extra=""): a terminal's configuration for the back end at url."""
    return make_hall_config
