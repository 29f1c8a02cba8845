"""Attack: one address opens connection after connection. Beyond the per-client limit (32 as
shipped) the back end closes each new one at once, so that address cannot take the slots the
hall's kiosks need; other addresses are served meanwhile, and the address gets its slots back
when it closes its connections."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from backend.server import ReferenceServer
from backend.settings import ServerSettings

from ..conftest import client_for
from .conftest import connect_from, raise_open_files_limit
from .test_idle_connections import wait_until_closed_by_server

ATTACKER = "127.0.0.80"
ATTEMPTS = 100


@pytest.fixture(scope="module")
def patient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceServer]:
    """Shipped limits, but timeouts long enough that only the per-client limit closes anything here."""
    started = ReferenceServer(tmp_path_factory.mktemp("patient") / "reference.sqlite3", settings=ServerSettings(
        idle_timeout_seconds=120, request_timeout_seconds=120)).start()
    yield started
    started.stop()


def still_open(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except ConnectionError:
        return False


def test_connections_over_the_per_client_limit_are_closed_at_once(patient):
    served = patient
    per_client = served.backend.settings.connections_per_client
    assert 0 < per_client < ATTEMPTS
    raise_open_files_limit(4 * ATTEMPTS + 256)
    before = served.open_connections
    opened = [connect_from(ATTACKER, served.url) for _ in range(ATTEMPTS)]
    try:
        refused = wait_until_closed_by_server(opened, within=10.0, enough=ATTEMPTS - per_client)
        assert refused == ATTEMPTS - per_client
        kept = [sock for sock in opened if still_open(sock)]
        assert len(kept) == per_client and wait_until_closed_by_server(kept, within=0.5) == 0
        assert served.open_connections - before == per_client
        client = client_for(served.url, retries=0)  # the kiosk, from 127.0.0.1
        assert client.ping().contract_version == "1.0"
        client.close()
    finally:
        for sock in opened:
            sock.close()
    deadline = time.monotonic() + 3
    while served.open_connections > before and time.monotonic() < deadline:
        time.sleep(0.05)
    again = connect_from(ATTACKER, served.url)
    try:
        assert wait_until_closed_by_server([again], within=0.5) == 0, "the address is served again"
    finally:
        again.close()
