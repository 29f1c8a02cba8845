"""Attack: hold 500 connections open doing nothing (or sending half a request) to lock the kiosks out.

Under waitress's defaults 101 such connections made every kiosk's Ping time out (issue 18).
GIVEN 500 connections from 50 addresses (10 each, under the per-client limit), half of them
with headers begun and never finished, WHEN a kiosk pings, THEN it is answered within its
timeout, and the server closes every one of the 500 within seconds.
"""

from __future__ import annotations

import selectors
import socket
import time

import pytest

from ..conftest import client_for
from .conftest import IDLE_TIMEOUT, REQUEST_TIMEOUT, connect_from, raise_open_files_limit

HELD = 500
ADDRESSES = [f"127.0.0.{n}" for n in range(2, 52)]  # 50 "clients", 10 connections each
PARTIAL_HEADERS = b"POST /soap HTTP/1.1\r\nHost: backend\r\nContent-Type: text/xml\r\n"
KIOSK_TIMEOUT = 10.0  # [backend] operation_timeout_seconds as shipped
CHECK_SLACK = 3.0  # the server looks every second; the test machine may be loaded


def open_idle_connections(url: str) -> list[socket.socket]:
    held = []
    for index in range(HELD):
        sock = connect_from(ADDRESSES[index % len(ADDRESSES)], url)
        if index % 2:
            sock.sendall(PARTIAL_HEADERS)
        held.append(sock)
    return held


def wait_until_closed_by_server(held: list[socket.socket], within: float, enough: int | None = None) -> int:
    """How many of `held` the server closed (EOF or reset) within `within` seconds (or as soon as
    `enough` of them are closed)."""
    selector = selectors.DefaultSelector()
    for sock in held:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    closed = 0
    deadline = time.monotonic() + within
    while closed < (len(held) if enough is None else enough) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.2):
            try:
                data = key.fileobj.recv(4096)
            except ConnectionError:
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                closed += 1
    selector.close()
    return closed


@pytest.mark.slow
def test_kiosk_ping_answers_while_500_idle_connections_are_held(served):
    raise_open_files_limit(4 * HELD + 256)
    held = open_idle_connections(served.url)
    try:
        deadline = time.monotonic() + 5
        while served.open_connections < HELD and time.monotonic() < deadline:
            time.sleep(0.05)
        assert served.open_connections >= HELD, "the server holds all 500 connections"
        client = client_for(served.url, operation_timeout=KIOSK_TIMEOUT, retries=0)
        started = time.monotonic()
        assert client.ping().contract_version == "1.0"
        assert time.monotonic() - started < KIOSK_TIMEOUT
        client.close()
        closed = wait_until_closed_by_server(held, max(IDLE_TIMEOUT, REQUEST_TIMEOUT) + CHECK_SLACK)
        assert closed == HELD, f"only {closed} of {HELD} idle connections were dropped"
    finally:
        for sock in held:
            sock.close()


def test_an_idle_connection_is_dropped_within_the_idle_timeout(served):
    sock = connect_from("127.0.0.60", served.url)
    try:
        started = time.monotonic()
        assert wait_until_closed_by_server([sock], IDLE_TIMEOUT + CHECK_SLACK) == 1
        assert IDLE_TIMEOUT - 1 <= time.monotonic() - started
    finally:
        sock.close()
