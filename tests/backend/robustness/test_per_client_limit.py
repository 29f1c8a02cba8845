"""Attack: one address opens connection after connection. Beyond the per-client limit (32 as
shipped) the back end closes each new one at once, so that address cannot take the slots the
hall's kiosks need; other addresses are served meanwhile, and the address gets its slots back
when it closes its connections."""

from __future__ import annotations

import time

from ..conftest import client_for
from .conftest import connect_from, raise_open_files_limit
from .test_idle_connections import wait_until_closed_by_server

ATTACKER = "127.0.0.80"
ATTEMPTS = 100


def test_connections_over_the_per_client_limit_are_closed_at_once(served):
    per_client = served.backend.settings.connections_per_client
    assert 0 < per_client < ATTEMPTS
    raise_open_files_limit(4 * ATTEMPTS + 256)
    before = served.open_connections
    opened = [connect_from(ATTACKER, served.url) for _ in range(ATTEMPTS)]
    try:
        refused = wait_until_closed_by_server(opened, within=5.0)
        assert refused == ATTEMPTS - per_client
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
