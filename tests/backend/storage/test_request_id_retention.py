"""Request-id records of every operation are pruned after [backend] reference_request_id_retention_days
(heartbeats' after a day), and inside the retention a request id still has one effect and one answer.
Runs on both engines (KIOSK_TEST_DATABASE=postgresql: tests/backend/storage/engine.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.handlers import terminals
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.timeutil import iso, utc_now
from backend_client import models as mo
from backend_client.errors import BackendError
from core.schema import ConfigError
from devices.base import DeviceStatus
from terminal.config import load_config

from ..conftest import client_for

RETENTION_DAYS = 7.0
T0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)


def report(n: int) -> mo.TransactionReport:
    return mo.TransactionReport(f"TX-R{n:03d}", mo.ServiceKind.PROGRESS, mo.TransactionOutcome.COMPLETED,
                                T0 + dt.timedelta(seconds=n), T0 + dt.timedelta(seconds=n, milliseconds=500))


def beat(n: int) -> mo.Heartbeat:
    return mo.Heartbeat(utc_now() - dt.timedelta(seconds=100 - n), (mo.DeviceState("printer", DeviceStatus.READY),))


@pytest.fixture
def served(tmp_path):
    server = ReferenceServer(tmp_path / "retention.sqlite3",
                             settings=ServerSettings(request_id_retention_days=RETENTION_DAYS)).start()
    yield server, client_for(server.url)
    server.stop()


def age(server: ReferenceServer, request_id: str, days: float) -> None:
    """The record of `request_id` as if it was made `days` ago (what time does to it)."""
    created = iso(utc_now() - dt.timedelta(days=days))
    server.backend.store.transaction(lambda db: db.execute(
        "UPDATE idempotency SET created_at = ? WHERE request_id = ?", (created, request_id)))


def kept(server: ReferenceServer) -> set[str]:
    return {row[0] for row in server.backend.store.transaction(
        lambda db: db.execute("SELECT request_id FROM idempotency").fetchall(), write=False)}


def test_records_older_than_the_retention_go_for_every_operation(served, monkeypatch):
    server, client = served
    old_report, recent_report, old_beat, recent_beat = "RQ-OLD-REPORT", "RQ-RECENT-REPORT", "RQ-OLD-BEAT", "RQ-NEW-BEAT"
    first = client.report_transaction(report(1), old_report)
    recent = client.report_transaction(report(2), recent_report)
    client.send_heartbeat(beat(1), old_beat)
    client.send_heartbeat(beat(2), recent_beat)
    age(server, old_report, RETENTION_DAYS + 1)  # beyond the retention
    age(server, recent_report, RETENTION_DAYS - 1)  # inside it
    age(server, old_beat, 1.5)  # a heartbeat's record is kept one day only
    age(server, recent_beat, 0.5)
    monkeypatch.setitem(terminals._pruned, "at", 0.0)  # pruning is due (it runs every ten minutes)
    client.send_heartbeat(beat(3), "RQ-PRUNING-BEAT")

    assert kept(server) == {recent_report, recent_beat, "RQ-PRUNING-BEAT"}
    # Inside the retention: the same request answers the first answer, a different one is refused.
    assert client.report_transaction(report(2), recent_report) == recent
    with pytest.raises(BackendError, match="requestId"):
        client.report_transaction(report(3), recent_report)
    # Beyond it the id is free again: a new request under it is taken (its old answer is gone).
    assert client.report_transaction(report(4), old_report) >= first
    assert old_report in kept(server)


def test_the_retention_is_a_validated_config_key(tmp_path):
    assert ServerSettings.from_config(load_config()["backend"]).request_id_retention_days == 30.0  # the default
    hall = tmp_path / "hall.toml"
    hall.write_text("[backend]\nreference_request_id_retention_days = 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config([hall])
    assert refused.value.key == "backend.reference_request_id_retention_days"
