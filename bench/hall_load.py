"""A province's terminals against one served back end: throughput, latency percentiles, errors.

    .venv/bin/python bench/hall_load.py --terminals 5000 --seconds 120 [--database sqlite|postgresql|URL]
                                        [--interval 30] [--tps 20] [--workers 4] [--json]

Starts the reference back end as `python main.py backend` on gunicorn (--workers processes) on
loopback, on a fresh SQLite file or PostgreSQL (its own throwaway cluster unless a URL is given),
then simulates N terminals over real HTTP with the contract's SOAP envelopes:
  - RegisterTerminal for every terminal, spread over the first heartbeat interval;
  - Heartbeat from every registered terminal every --interval seconds (devices as a kiosk sends them,
    a printer going PAPER_LOW now and then);
  - --tps transactions per second (Poisson arrivals) at random terminals, each a kiosk's endorsement
    sale paid by card: CheckEndorsementEligibility, CreateEndorsementOrder, RecordCardPayment,
    ConfirmEndorsementWrite, ReportTransaction;
  - after the load, the day's reconciliation: ListTransactionRecords of every terminal that sold,
    and the hall dashboard with every terminal (GET /hall/).
The generator is open-loop (calls leave at their scheduled time, on 64 keep-alive connections), so
a slow server shows as latency, not as fewer calls; `late_p99_ms` says how far the generator itself
fell behind its schedule (large = the figures understate the latency).

Anchor, measured in the same run: Ping (spyne's trivial call) on the idle server, and under load.
Prints per-operation calls/s, p50/p95/p99 ms and errors, the generator's longest garbage-collector
pause, and on PostgreSQL how many checkpoints the server made during the load (either can stall
every call at once); --json as one JSON object:
    {"operations": {"Heartbeat": {"calls": .., "per_second": .., "p50_ms": .., "p95_ms": .., "p99_ms": ..,
     "errors": 0}, ...}, "errors": 0, "anchor": {...}, "load_average": [..], ...}
Client and server share the machine (2 cores on the development box): the figures are an
upper bound of what the server alone needs. The target (issue 17): 5,000 terminals at 30 s plus
20 transactions/s with p99 under 50 ms for every operation and no error, on PostgreSQL.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from backend import seed
from backend.dashboard_auth import hash_password
from backend.storage.throwaway import BENCH, ThrowawayCluster
from bench.stats import percentile

NS = "urn:exit-entry-kiosk:backend:v1"
SENDERS = 64  # keep-alive connections of the generator
START_SECONDS = 90.0
TARGET_P99_MS = 50.0
HALL_SIZE = 10  # terminals per hall
DASHBOARD_PASSWORD = "bench-only-password"
LOCAL = seed.person("local_adult")
PERMIT = "CA1234567"


def envelope(operation: str, body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope '
            f'xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            f'<ns0:{operation}Request xmlns:ns0="{NS}">{body}</ns0:{operation}Request>'
            f'</soap-env:Body></soap-env:Envelope>').encode()


def rid() -> str:
    return f"<ns0:requestId>{uuid.uuid4()}</ns0:requestId>"


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def terminal_id(n: int) -> str:
    return f"BENCH-H{n // HALL_SIZE:04d}-T{n % HALL_SIZE:02d}"


def hall_name(n: int) -> str:
    return f"Hall {n // HALL_SIZE:04d}"


def heartbeat_body(n: int, paper_low: bool) -> str:
    printer = "PAPER_LOW" if paper_low else "READY"
    return (f"{rid()}<ns0:terminalId>{terminal_id(n)}</ns0:terminalId><ns0:sentAt>{now_iso()}</ns0:sentAt>"
            f"<ns0:device><ns0:kind>printer</ns0:kind><ns0:status>{printer}</ns0:status></ns0:device>"
            f"<ns0:device><ns0:kind>idcard</ns0:kind><ns0:status>READY</ns0:status></ns0:device>"
            f"<ns0:device><ns0:kind>camera</ns0:kind><ns0:status>READY</ns0:status></ns0:device>"
            f"<ns0:paperLow>{'true' if paper_low else 'false'}</ns0:paperLow>"
            f"<ns0:softwareVersion>0.1.0</ns0:softwareVersion><ns0:configVersion>cfg-bench</ns0:configVersion>"
            f"<ns0:outboxLength>0</ns0:outboxLength>")


class CallFailed(Exception):
    pass


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    late: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, ms: float | None, problem: str = "") -> None:
        with self.lock:
            if ms is None:
                self.errors[operation] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{operation}: {problem[:300]}")
            else:
                self.latencies[operation].append(ms)


class Sender:
    """One keep-alive HTTP connection to the back end."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.host, self.port, self.stats = host, port, stats
        self.conn: http.client.HTTPConnection | None = None

    def call(self, operation: str, body: str) -> str:
        data = envelope(operation, body)
        started = time.perf_counter()
        try:
            text, status = self._post("/soap", data)
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(operation, None, f"{type(exc).__name__}: {exc}")
            raise CallFailed(operation) from None
        ms = (time.perf_counter() - started) * 1000
        if status != 200 or "Fault>" in text:
            self.stats.record(operation, None, f"HTTP {status}: {text}")
            raise CallFailed(operation)
        self.stats.record(operation, ms)
        return text

    def _post(self, path: str, data: bytes, headers: dict[str, str] | None = None,
              method: str = "POST") -> tuple[str, int]:
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile is opened again once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers or {
                    "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
                response = self.conn.getresponse()
                return response.read().decode("utf-8", "replace"), response.status
            except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def first(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if not found:
        raise CallFailed(f"no {pattern} in answer")
    return found.group(1)


def sale(sender: Sender, n: int, sold: set[int], lock: threading.Lock) -> None:
    """One endorsement sale at terminal n, paid by card, written, reported."""
    t = f"<ns0:terminalId>{terminal_id(n)}</ns0:terminalId>"
    person = f"<ns0:idNumber>{LOCAL.id_number}</ns0:idNumber><ns0:permitNumber>{PERMIT}</ns0:permitNumber>"
    started = now_iso()
    sender.call("CheckEndorsementEligibility", t + person)
    answer = sender.call("CreateEndorsementOrder", rid() + t + person + (
        "<ns0:choice><ns0:destination>HONG_KONG</ns0:destination><ns0:type>G</ns0:type><ns0:trips>DOUBLE</ns0:trips>"
        "<ns0:validityMonths>3</ns0:validityMonths></ns0:choice>"))
    order = first(r"orderId>([^<]+)<", answer)
    amount = first(r"amount>([^<]+)<", answer)
    reference = uuid.uuid4().hex[:20]
    paid = sender.call("RecordCardPayment", rid() + t + f"<ns0:orderId>{order}</ns0:orderId><ns0:amount>{amount}"
                       f"</ns0:amount><ns0:card><ns0:reference>{reference}</ns0:reference><ns0:authCode>A1B2C3"
                       f"</ns0:authCode><ns0:maskedPan>622202******1234</ns0:maskedPan><ns0:batch>000012"
                       f"</ns0:batch><ns0:trace>{random.randrange(10**6):06d}</ns0:trace></ns0:card>")
    payment = first(r"paymentId>([^<]+)<", paid)
    sender.call("ConfirmEndorsementWrite", rid() + t + f"<ns0:orderId>{order}</ns0:orderId>"
                "<ns0:outcome>WRITTEN</ns0:outcome>")
    sender.call("ReportTransaction", rid() + t + (
        f"<ns0:transaction><ns0:transactionId>TX-{uuid.uuid4().hex[:16]}</ns0:transactionId>"
        f"<ns0:service>ENDORSEMENT</ns0:service><ns0:outcome>COMPLETED</ns0:outcome>"
        f"<ns0:startedAt>{started}</ns0:startedAt><ns0:finishedAt>{now_iso()}</ns0:finishedAt>"
        f"<ns0:amount>{amount}</ns0:amount><ns0:paymentId>{payment}</ns0:paymentId>"
        f"<ns0:reference><ns0:kind>ORDER</ns0:kind><ns0:value>{order}</ns0:value></ns0:reference>"
        f"</ns0:transaction>"))
    with lock:
        sold.add(n)


def schedule(terminals: int, seconds: float, interval: float, tps: float, seed_value: int
             ) -> list[tuple[float, str, int]]:
    """(at, kind, terminal) for the whole run, in time order."""
    rng = random.Random(seed_value)
    events: list[tuple[float, str, int]] = []
    for n in range(terminals):
        offset = interval * n / terminals
        if offset < seconds:
            events.append((offset, "register", n))
        beat = offset + interval
        while beat < seconds:
            events.append((beat, "beat", n))
            beat += interval
    at = 0.0
    while tps > 0:
        at += rng.expovariate(tps)
        if at >= seconds:
            break
        events.append((at, "sale", rng.randrange(terminals)))
    events.sort()
    return events


class CollectorPauses:
    """The generator's own garbage-collector pauses during the load: a long one makes every call
    it sends late and every latency it times longer, which is not the server's doing."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._began = 0.0

    def __enter__(self) -> Self:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._note)

    def _note(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._began) * 1000)


def run_load(host: str, port: int, args: argparse.Namespace, stats: Stats) -> set[int]:
    jobs: queue.Queue[tuple[float, Callable[[Sender], None]] | None] = queue.Queue()
    sold: set[int] = set()
    sold_lock = threading.Lock()
    rng = random.Random(7)

    def worker() -> None:
        sender = Sender(host, port, stats)
        while True:
            job = jobs.get()
            if job is None:
                return
            due, action = job
            with stats.lock:
                stats.late.append(max(0.0, (time.monotonic() - due) * 1000))
            try:
                action(sender)
            except CallFailed:
                pass

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    for at, kind, n in schedule(args.terminals, args.seconds, args.interval, args.tps, 1):
        due = start + at
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        if kind == "register":
            body = (f"{rid()}<ns0:terminalId>{terminal_id(n)}</ns0:terminalId><ns0:hallName>{hall_name(n)}"
                    f"</ns0:hallName><ns0:softwareVersion>0.1.0</ns0:softwareVersion>"
                    f"<ns0:contractVersion>1.0</ns0:contractVersion>")
            jobs.put((due, lambda s, body=body: s.call("RegisterTerminal", body) and None))
        elif kind == "beat":
            low = rng.random() < 0.02  # a printer's paper runs low now and then: a device change
            jobs.put((due, lambda s, n=n, low=low: s.call("Heartbeat", heartbeat_body(n, low)) and None))
        else:
            jobs.put((due, lambda s, n=n: sale(s, n, sold, sold_lock)))
        if kind == "beat" and n % 500 == 0:
            jobs.put((due, lambda s: s.call("Ping", "<ns0:terminalId>BENCH-PING</ns0:terminalId>") and None))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return sold


def reconcile(host: str, port: int, sold: set[int], stats: Stats) -> None:
    """The day's reconciliation: every terminal that sold asks for its records (8 at a time)."""
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))  # the hall day (UTC+8)
    pending = list(sold)
    lock = threading.Lock()

    def worker() -> None:
        sender = Sender(host, port, stats)
        while True:
            with lock:
                if not pending:
                    return
                n = pending.pop()
            try:
                sender.call("ListTransactionRecords", f"<ns0:terminalId>{terminal_id(n)}</ns0:terminalId>"
                                                      f"<ns0:date>{day}</ns0:date>")
            except CallFailed:
                pass

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def dashboard(host: str, port: int, stats: Stats, terminals: int) -> dict[str, Any]:
    """Log in to /hall/ and time the full list of terminals, then one hall's page."""
    sender = Sender(host, port, stats)
    form = urllib.parse.urlencode({"password": DASHBOARD_PASSWORD}).encode()
    sender.conn = http.client.HTTPConnection(host, port, timeout=60)
    sender.conn.request("POST", "/hall/login", body=form,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = sender.conn.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    figures: dict[str, Any] = {}
    for label, path in (("all_terminals", "/hall/"), ("one_hall", "/hall/?hall=" + urllib.parse.quote(hall_name(0)))):
        times = []
        size = 0
        for _ in range(5):
            started = time.perf_counter()
            sender.conn.request("GET", path, headers={"Cookie": cookie})
            answer = sender.conn.getresponse()
            body = answer.read()
            times.append((time.perf_counter() - started) * 1000)
            size = len(body)
            if answer.status != 200:
                stats.record("Dashboard", None, f"HTTP {answer.status}")
        figures[label] = {"median_ms": round(sorted(times)[len(times) // 2], 1), "bytes": size}
    figures["terminals_known"] = terminals
    return figures


def summary(stats: Stats, seconds: float) -> dict[str, Any]:
    operations = {}
    for name in sorted(set(stats.latencies) | set(stats.errors)):
        values = stats.latencies.get(name, [])
        operations[name] = {"calls": len(values), "per_second": round(len(values) / seconds, 1),
                            "p50_ms": round(percentile(values, 0.50, 0.0), 1), "p95_ms": round(percentile(values, 0.95, 0.0), 1),
                            "p99_ms": round(percentile(values, 0.99, 0.0), 1), "errors": stats.errors.get(name, 0)}
    return operations


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(folder: Path, database: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    backend: dict[str, Any] = {"reference_workers": workers, "reference_terminal_auth": "off",
                               "reference_connections_per_client": 0, "reference_connection_limit": 2000,
                               "reference_idle_timeout_seconds": 60.0, "reference_worker_timeout_seconds": 60.0,
                               "reference_auto_pay_seconds": 0.0,
                               "reference_dashboard_password_hash": hash_password(DASHBOARD_PASSWORD)}
    command = [sys.executable, str(ROOT / "main.py"), "-c", str(folder / "backend.toml"), "backend",
               "--port", str(port)]
    if database.startswith("postgres"):
        backend["reference_database_url"] = database
    else:
        command += ["--db", database]
    lines = ["[terminal]", f'data_dir = "{folder}"', "[logging]", 'level = "WARNING"', "[backend]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in backend.items()]
    (folder / "backend.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(folder / "server.log", "w", encoding="utf-8") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log,
                                   env={**os.environ, "KIOSK_CONFIG": ""}, cwd=ROOT)
    deadline = time.monotonic() + START_SECONDS
    probe = Sender("127.0.0.1", port, Stats())
    while True:
        try:
            probe.call("Ping", "<ns0:terminalId>BENCH-PING</ns0:terminalId>")
            return process, port
        except CallFailed:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("the back end did not start: " + (folder / "server.log").read_text()[-2000:])
            time.sleep(0.3)


def checkpoints(database: str) -> int | None:
    """Checkpoints the PostgreSQL server has made so far (timed and requested): one during the load
    can explain a stall of every call at once. None on SQLite."""
    if not database.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(database) as db:
        for query in ("SELECT num_timed + num_requested FROM pg_stat_checkpointer",  # PostgreSQL 17
                      "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"):
            try:
                return int(db.execute(query).fetchone()[0])
            except psycopg.Error:
                db.rollback()
    return None


def idle_anchor(port: int) -> dict[str, float]:
    stats = Stats()
    sender = Sender("127.0.0.1", port, stats)
    for _ in range(200):
        sender.call("Ping", "<ns0:terminalId>BENCH-PING</ns0:terminalId>")
    values = stats.latencies["Ping"]
    return {"idle_ping_p50_ms": round(percentile(values, 0.5), 2), "idle_ping_p99_ms": round(percentile(values, 0.99), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the load (registration included)")
    parser.add_argument("--database", default="postgresql", help="sqlite, postgresql (a throwaway cluster) or a URL")
    parser.add_argument("--interval", type=float, default=30.0, help="heartbeat interval, seconds")
    parser.add_argument("--tps", type=float, default=20.0, help="transactions per second (each 5 calls)")
    parser.add_argument("--workers", type=int, default=4,
                        help="gunicorn worker processes (docs/hall.md: two per core; 2 left PostgreSQL's p99 over 50 ms)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="hall-load-"))
    cluster = None
    if args.database == "postgresql":
        cluster = ThrowawayCluster(BENCH).start()
        database = cluster.create_database("hall_load")
    elif args.database == "sqlite":
        database = str(folder / "backend.sqlite3")
    else:
        database = args.database
    process, port = start_server(folder, database, args.workers)
    try:
        anchor = idle_anchor(port)
        stats = Stats()
        checkpoints_before = checkpoints(database)
        started = time.monotonic()
        with CollectorPauses() as collector:
            sold = run_load("127.0.0.1", port, args, stats)
        elapsed = time.monotonic() - started
        checkpoints_after = checkpoints(database)
        load_after = os.getloadavg()
        reconcile("127.0.0.1", port, sold, stats)
        board = dashboard("127.0.0.1", port, stats, args.terminals)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        if cluster is not None:
            cluster.stop()
    operations = summary(stats, elapsed)
    under_load_ping = operations.get("Ping", {})
    anchor["loaded_ping_p99_ms"] = under_load_ping.get("p99_ms")
    load_ops = {k: v for k, v in operations.items() if k not in ("ListTransactionRecords", "Ping")}
    result = {
        "database": "postgresql" if database.startswith("postgres") else "sqlite",
        "terminals": args.terminals, "seconds": round(elapsed, 1), "interval_s": args.interval, "tps": args.tps,
        "workers": args.workers, "operations": operations, "errors": sum(stats.errors.values()),
        "error_examples": stats.examples,
        "worst_p99_ms": max((v["p99_ms"] for v in load_ops.values()), default=0.0),
        "target_met": all(v["p99_ms"] < TARGET_P99_MS for v in load_ops.values()) and not stats.errors,
        "late_p99_ms": round(percentile(stats.late, 0.99, 0.0), 1), "dashboard": board, "anchor": anchor,
        "load_average": [round(x, 2) for x in load_after], "cpus": os.cpu_count(),
        "checkpoints_during_load": None if checkpoints_before is None or checkpoints_after is None
        else checkpoints_after - checkpoints_before,
        "generator_gc_max_ms": round(max(collector.pauses_ms, default=0.0), 1),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.terminals} terminals, heartbeat every {args.interval:g} s, {args.tps:g} transactions/s, "
          f"{result['database']}, {args.workers} gunicorn workers, {elapsed:.0f} s; load average "
          f"{result['load_average']} on {os.cpu_count()} CPUs")
    print(f"{'operation':30} {'calls/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, figures in operations.items():
        print(f"{name:30} {figures['per_second']:8.1f} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f} "
              f"{figures['p99_ms']:8.1f} {figures['errors']:7d}")
    print(f"anchor: Ping idle p50 {anchor['idle_ping_p50_ms']} ms, p99 {anchor['idle_ping_p99_ms']} ms; "
          f"under load p99 {anchor['loaded_ping_p99_ms']} ms; generator late p99 {result['late_p99_ms']} ms"
          + f"; its longest garbage collection {result['generator_gc_max_ms']} ms"
          + ("" if result["checkpoints_during_load"] is None
             else f"; PostgreSQL checkpoints during the load: {result['checkpoints_during_load']}"))
    print(f"dashboard: {board}")
    print(f"worst p99 {result['worst_p99_ms']} ms: target (p99 < {TARGET_P99_MS:g} ms, no error) "
          f"{'met' if result['target_met'] else 'NOT met'}")
    for example in stats.examples:
        print("  error:", example)
    return 0


if __name__ == "__main__":
    sys.exit(main())
