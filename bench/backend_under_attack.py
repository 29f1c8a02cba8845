"""A kiosk's Ping while the served back end is under a connection-holding attack (issue 18).

    .venv/bin/python bench/backend_under_attack.py [--calls 200] [--idle 500] [--drippers 120] [--compare]

The reference back end runs in its own process (`main.py backend`, the shipped limits of
config/default.toml) on loopback. The anchor is the same Ping measured in the same run with no
attack; then with `--idle` connections held open from 50 loopback addresses (half of them with
headers begun and never finished), then with `--drippers` slowloris clients sending a byte every
0.4 s. Last, how long the server takes to close every held connection (shipped idle and request
timeouts: 10 s, checked every second). `--compare` then repeats the idle attack against a back
end given waitress's own defaults (100 connections, 120 s idle timeout, no per-client limit, no
request deadline): the state before issue 18, where every Ping timed out.
"""

from __future__ import annotations

import argparse
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend_client import BackendClient, ClientSettings  # noqa: E402
from backend_client.errors import BackendError  # noqa: E402
from bench.backend_calls import free_port, make_client, percentile, start_server  # noqa: E402

ADDRESSES = [f"127.0.0.{n}" for n in range(2, 52)]
PARTIAL_HEADERS = b"POST /soap HTTP/1.1\r\nHost: backend\r\nContent-Type: text/xml\r\n"
DRIP_SECONDS = 0.4
WAITRESS_DEFAULTS = """[backend]
reference_connection_limit = 100
reference_connections_per_client = 0
reference_idle_timeout_seconds = 120.0
reference_request_timeout_seconds = 600.0
"""
KIOSK_TIMEOUT = 10.0  # [backend] operation_timeout_seconds as shipped


def connect(source: str, url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), source_address=(source, 0))
    return sock


def ping_latency(url: str, calls: int) -> tuple[float, float, float]:
    """Median, p95 and worst wall time of a Ping on a fresh client (ms)."""
    client = make_client(url)
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        client.ping()
        samples.append((time.perf_counter() - started) * 1000)
    client.close()
    return statistics.median(samples), percentile(samples, 0.95), max(samples)


def hold_idle(url: str, count: int) -> list[socket.socket]:
    held = []
    for index in range(count):
        sock = connect(ADDRESSES[index % len(ADDRESSES)], url)
        if index % 2:
            sock.sendall(PARTIAL_HEADERS)
        held.append(sock)
    return held


def seconds_until_closed(held: list[socket.socket], since: float, limit: float) -> tuple[float, int]:
    """Seconds from `since` (monotonic) until the server closed the last of `held`, and how many it closed."""
    selector = selectors.DefaultSelector()
    for sock in held:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    closed, last = 0, 0.0
    while closed < len(held) and time.monotonic() - since < limit:
        for key, _ in selector.select(timeout=0.2):
            try:
                data = key.fileobj.recv(4096)
            except ConnectionError:
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                closed, last = closed + 1, time.monotonic() - since
    selector.close()
    return last, closed


def compare_with_waitress_defaults(scratch: Path, idle: int) -> None:
    config = scratch / "waitress-defaults.toml"
    config.write_text(WAITRESS_DEFAULTS)
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "-c", str(config), "backend", "--port",
                               str(port), "--db", str(scratch / "defaults.sqlite3")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/soap"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the back end with waitress's defaults did not start") from None
                time.sleep(0.1)
        held = hold_idle(url, idle)
        time.sleep(0.5)
        client = BackendClient(ClientSettings(url, "BENCH-T01", retries=0, operation_timeout=KIOSK_TIMEOUT))
        answered = 0
        started = time.perf_counter()
        for _ in range(3):
            try:
                client.ping()
                answered += 1
            except BackendError as error:  # a timeout is the figure
                print(f"    Ping not answered: {error.message_key}")
        spent = time.perf_counter() - started
        print(f"  waitress's defaults, {idle} idle held:  {answered} of 3 Pings answered in {spent:.1f} s "
              f"(operation timeout {KIOSK_TIMEOUT:.0f} s)")
        for sock in held:
            sock.close()
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--drippers", type=int, default=120)
    parser.add_argument("--compare", action="store_true", help="also attack a back end with waitress's defaults")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 2 * args.idle + 512)), hard))
    with tempfile.TemporaryDirectory() as scratch:
        server, url = start_server(Path(scratch) / "reference.sqlite3")
        try:
            print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            print(f"Ping, {args.calls} calls each (ms):     {'median':>7} {'p95':>7} {'worst':>7}")
            anchor = ping_latency(url, args.calls)
            print(f"  anchor: no attack                   {anchor[0]:7.2f} {anchor[1]:7.2f} {anchor[2]:7.2f}")

            held = hold_idle(url, args.idle)
            opened = time.monotonic()
            time.sleep(0.5)
            under = ping_latency(url, args.calls)
            print(f"  {args.idle} idle connections held       {under[0]:7.2f} {under[1]:7.2f} {under[2]:7.2f}")
            last, closed = seconds_until_closed(held, opened, 30)
            print(f"  the server closed {closed} of {args.idle} held connections, "
                  f"the last {last:.1f} s after they were all open")
            for sock in held:
                sock.close()

            stop = threading.Event()
            drippers = [connect(f"127.0.1.{n % 4 + 1}", url) for n in range(args.drippers)]

            def drip() -> None:
                for byte in PARTIAL_HEADERS * 50:
                    for sock in drippers:
                        try:
                            sock.sendall(bytes([byte]))
                        except OSError:
                            pass
                    if stop.wait(DRIP_SECONDS):
                        return

            thread = threading.Thread(target=drip, daemon=True)
            thread.start()
            time.sleep(0.5)
            slow = ping_latency(url, args.calls)
            print(f"  {args.drippers} slowloris clients dripping     {slow[0]:7.2f} {slow[1]:7.2f} {slow[2]:7.2f}")
            stop.set()
            thread.join(5)
            for sock in drippers:
                sock.close()
        finally:
            server.terminate()
            server.wait(10)
        if args.compare:
            compare_with_waitress_defaults(Path(scratch), args.idle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
