"""spyne's forced full garbage collection after requests is off (issue 23): it stalled the request
that paid for it 50-150 ms once a second, and with it every thread waiting on the GIL."""

from __future__ import annotations

import gc
import time

from backend_client import BackendClient, ClientSettings

from .conftest import TERMINAL


def test_requests_over_two_seconds_force_no_full_collection(server):
    client = BackendClient(ClientSettings(server.url, TERMINAL, retries=0))
    full_collections = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            full_collections.append(info)

    client.ping()
    gc.disable()  # no automatic collection in the window: any full one seen was asked for
    gc.callbacks.append(count)
    try:
        finish = time.monotonic() + 2.2
        calls = 0
        while time.monotonic() < finish:
            client.ping()
            calls += 1
            time.sleep(0.05)
    finally:
        gc.callbacks.remove(count)
        gc.enable()
        client.close()
    assert calls > 10
    assert full_collections == []
