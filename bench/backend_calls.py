"""Back-end client figures: client construction, per-call latency, throughput with 8 clients.

    .venv/bin/python bench/backend_calls.py [--calls 400] [--seconds 4] [--clients 8]

The reference back end runs in its own process (`main.py backend`, waitress with its default 4
threads) on loopback, so client and server do not share a GIL, as in a hall. Reference point on
the 2-core development machine (PLATFORM.md): a trivial spyne+zeep call ~1.4 ms median, ~750
calls/s with 8 client threads; the real operations should stay within 2x of that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend import seed  # noqa: E402
from backend_client import BackendClient, ClientSettings, new_request_id  # noqa: E402
from backend_client import models as mo  # noqa: E402
from bench.stats import percentile
from devices.base import DeviceStatus  # noqa: E402

SERVER_START_SECONDS = 20.0
LOCAL = seed.person("local_adult")
NEAR_LIMIT = seed.person("points_near_limit")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "backend", "--port", str(port), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "KIOSK_CONFIG": ""})
    url = f"http://127.0.0.1:{port}/soap"
    deadline = time.monotonic() + SERVER_START_SECONDS
    probe = make_client(url)
    while True:
        try:
            probe.ping()
            return process, url
        except Exception:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("the reference back end did not start")
            time.sleep(0.1)


def make_client(url: str) -> BackendClient:
    return BackendClient(ClientSettings(url, "BENCH-T01", retries=0))


def construction(url: str, times: int = 20) -> tuple[float, float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        make_client(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples[0], statistics.median(samples)


def operations(client: BackendClient) -> dict[str, Callable[[], object]]:
    choice = [mo.EndorsementChoice(mo.Destination.HONG_KONG, mo.EndorsementType.GROUP_TOUR, mo.Trips.SINGLE, 3)]
    order = client.create_endorsement_order(LOCAL.id_number, "CA1234567", choice, new_request_id())
    payment = client.create_payment(order.order_id, new_request_id())
    beat = mo.Heartbeat(dt.datetime.now(dt.timezone.utc), tuple(
        mo.DeviceState(kind, DeviceStatus.READY) for kind in ("idcard", "permit", "scanner", "printer", "camera")))
    return {
        "Ping (trivial)": client.ping,
        "VerifyIdentity (photo 8.6 KB)": lambda: client.verify_identity(LOCAL.id_number, LOCAL.name),
        "CheckEndorsementEligibility": lambda: client.check_endorsement_eligibility(LOCAL.id_number, "CA1234567"),
        "ListViolations": lambda: client.list_violations(NEAR_LIMIT.id_number),
        "GetPaymentStatus": lambda: client.get_payment_status(payment.payment_id),
        "CreateEndorsementOrder (write)": lambda: client.create_endorsement_order(
            LOCAL.id_number, "CA1234567", choice, new_request_id()),
        "Heartbeat (write)": lambda: client.send_heartbeat(beat, new_request_id()),
    }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of another process (Linux /proc), to price the server's side."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency(call: Callable[[], object], count: int, server_pid: int) -> tuple[float, float, float, float]:
    """Median and p99 wall time, and the client's and the server's CPU per call (ms).
    The CPU figures hardly move when other work loads the machine; the wall times do."""
    for _ in range(min(20, count)):
        call()  # warm the connection pool and caches
    samples = []
    client_cpu, server_cpu = time.thread_time(), process_cpu_seconds(server_pid)
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    client_cpu = (time.thread_time() - client_cpu) * 1000 / count
    server_cpu = (process_cpu_seconds(server_pid) - server_cpu) * 1000 / count
    return statistics.median(samples), percentile(samples, 0.99), client_cpu, server_cpu


def throughput(url: str, clients: int, seconds: float, pick: Callable[[BackendClient], Callable[[], object]]) -> float:
    made = [make_client(url) for _ in range(clients)]
    calls = [pick(client) for client in made]
    counts = [0] * clients
    stop = threading.Event()

    def run(index: int) -> None:
        while not stop.is_set():
            calls[index]()
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> int:
    # The start-up probe fails until the server listens; those warnings are not figures.
    logging.getLogger("backend_client").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per operation for latency")
    parser.add_argument("--seconds", type=float, default=4.0, help="duration of each throughput run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads) for throughput")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        process, url = start_server(Path(scratch) / "bench.sqlite3")
        try:
            print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            first, median = construction(url)
            print(f"client construction (local WSDL + XSD, 20 builds): first {first:.1f} ms, median {median:.1f} ms")
            print(f"\nper-call latency, one client, {args.calls} calls each (ms; CPU per call of each side):")
            print(f"  {'operation':34} {'median':>7} {'p99':>7} {'client':>7} {'server':>7}")
            for name, call in operations(make_client(url)).items():
                med, p99, client_cpu, server_cpu = latency(call, args.calls, process.pid)
                print(f"  {name:34} {med:7.2f} {p99:7.2f} {client_cpu:7.2f} {server_cpu:7.2f}")
            print(f"\nthroughput, {args.clients} concurrent clients, {args.seconds:.0f} s each (calls/s):")
            runs = {
                "Ping (trivial)": lambda c: c.ping,
                "VerifyIdentity": lambda c: (lambda: c.verify_identity(LOCAL.id_number, LOCAL.name)),
                "Heartbeat (write)": lambda c: operations(c)["Heartbeat (write)"],
            }
            for name, pick in runs.items():
                print(f"  {name:34} {throughput(url, args.clients, args.seconds, pick):7.0f}")
        finally:
            process.terminate()
            process.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
