"""Attack: slowloris. A client sends its request a byte at a time, each byte before the idle
timeout runs out, so waitress's own rule (close after so long without activity) never fires.
The back end closes a connection whose request has not fully arrived `request_timeout_seconds`
after its first byte, while a slow but honest request under that deadline is still answered."""

from __future__ import annotations

import threading
import time

import pytest

from ..conftest import client_for
from .conftest import REQUEST_TIMEOUT, connect_from, envelope

DRIP_SECONDS = 0.4  # well under the idle timeout: the connection never looks idle
CHECK_SLACK = 3.0


DRIPS = {
    "headers": (b"", b"POST /soap HTTP/1.1\r\nHost: backend\r\nX-Padding: " + b"a" * 200),
    "body": (b"POST /soap HTTP/1.1\r\nHost: backend\r\nContent-Type: text/xml\r\nContent-Length: 5000\r\n\r\n",
             b"<" + b"a" * 300),
}


@pytest.mark.parametrize(("at_once", "dripped"), DRIPS.values(), ids=DRIPS.keys())
def test_a_request_dripping_one_byte_at_a_time_is_cut_off(served, at_once, dripped):
    sock = connect_from("127.0.0.70", served.url)
    sock.sendall(at_once)
    sent, cut_off_after = 0, None
    started = time.monotonic()
    try:
        while time.monotonic() - started < REQUEST_TIMEOUT + CHECK_SLACK + 2:
            try:
                sock.sendall(dripped[sent % len(dripped):][:1])
                sent += 1
            except OSError:  # the server closed it: broken pipe or reset
                cut_off_after = time.monotonic() - started
                break
            sock.settimeout(DRIP_SECONDS)
            try:
                if sock.recv(1) == b"":
                    cut_off_after = time.monotonic() - started
                    break
            except TimeoutError:
                pass
    finally:
        sock.close()
    assert cut_off_after is not None, f"still connected after {sent} bytes"
    assert REQUEST_TIMEOUT - 1 <= cut_off_after <= REQUEST_TIMEOUT + CHECK_SLACK


def test_kiosks_are_answered_while_120_slow_clients_drip(served):
    """More drippers than waitress's default connection limit (100), 30 from each of 4 addresses."""
    stop = threading.Event()
    socks = [connect_from(f"127.0.1.{n % 4 + 1}", served.url) for n in range(120)]
    line = b"POST /soap HTTP/1.1\r\nHost: backend\r\n" * 20

    def drip() -> None:
        for byte in line:
            for sock in socks:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    pass
            if stop.wait(DRIP_SECONDS):
                return

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(1.0)
        client = client_for(served.url, retries=0)
        for _ in range(5):
            assert client.ping().contract_version == "1.0"
        client.close()
    finally:
        stop.set()
        dripper.join(5)
        for sock in socks:
            sock.close()


def test_a_slow_but_honest_request_under_the_deadline_is_answered(served):
    body = envelope("<tns:PingRequest><tns:terminalId>SLOW-1</tns:terminalId></tns:PingRequest>")
    request = (b"POST /soap HTTP/1.1\r\nHost: backend\r\nContent-Type: text/xml; charset=utf-8\r\n"
               b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    sock = connect_from("127.0.0.71", served.url)
    try:
        third = len(request) // 3
        for start in (0, third, 2 * third):  # three pieces over about a second and a half
            sock.sendall(request[start:start + third] if start < 2 * third else request[start:])
            time.sleep(0.5)
        sock.settimeout(10)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 200") and b"PingResponse" in answer
