"""[backend] mode = "embedded": the reference back end in-process on a free loopback port."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

from backend import seed
from backend.embedded import start_embedded
from backend_client import BackendClient, ClientSettings
from backend_client import models as mo
from terminal.backend_link import open_backend_link
from terminal.scratch import scratch_config


def config_with(tmp_path: Path, **backend):
    return scratch_config(tmp_path / "var", backend=backend)


def refuses_connections(url: str) -> bool:
    parts = urlparse(url)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname, parts.port)) != 0


def test_shipped_configuration_starts_a_fresh_embedded_back_end(tmp_path):
    config = config_with(tmp_path)
    assert config["backend"]["mode"] == "embedded"
    embedded = start_embedded(config)
    scratch = Path(embedded._scratch.name)
    try:
        assert urlparse(embedded.url).hostname == "127.0.0.1"
        client = BackendClient(ClientSettings.from_config(config, endpoint=embedded.url))
        local = seed.person("local_adult")
        assert client.verify_identity(local.id_number, local.name).name == local.name
    finally:
        embedded.stop()
    assert refuses_connections(embedded.url), "still listening after stop()"
    assert not scratch.exists(), "the throw-away database is still there"


@pytest.mark.sqlite_only  # looks for the file
def test_configured_database_is_kept(tmp_path):
    config = config_with(tmp_path, embedded_db=str(tmp_path / "reference.sqlite3"))
    embedded = start_embedded(config)
    embedded.stop()
    assert (tmp_path / "reference.sqlite3").is_file()


def test_backend_link_delivers_reports_through_the_outbox(tmp_path):
    with open_backend_link(config_with(tmp_path)) as link:
        now = dt.datetime.now(dt.timezone.utc)
        link.outbox().put_report(mo.TransactionReport("TX-LINK", mo.ServiceKind.APPOINTMENT,
                                                      mo.TransactionOutcome.CANCELLED, now, now))
        assert link.outbox().wait_until_empty(5.0)
        hall_day = now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
        assert [t.transaction_id for t in link.client.list_transaction_records(hall_day).transactions] == ["TX-LINK"]
    assert (tmp_path / "var" / "backend" / "outbox.sqlite3").is_file()
    assert refuses_connections(link.url)
