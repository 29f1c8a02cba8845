"""Round trips and time per hot operation of the hall server, SQLite and PostgreSQL in the same run.

    .venv/bin/python bench/hall_statements.py [--beats 400] [--sales 60] [--engines sqlite,postgresql]

Runs the served back end's WSGI application in this process (no HTTP, no other client) on a
fresh SQLite file and on a throwaway PostgreSQL cluster (bench settings), registers 50 terminals,
sends heartbeats (2 % with a device change) and endorsement sales paid by card (the calls of
bench/hall_load.py), and prints per operation: the statements the engine was sent per call
(PostgreSQL: each one a round trip to the server; SQLite: each one a library call) and the
median and p90 time per call, and the CPU time a call costs: this process's thread ("cpu ms": SOAP, handler, driver; on
SQLite the database too) and, on PostgreSQL, every process of the cluster ("+ db"): on a loaded
machine the figures wall time hides. Anchor in the same run: Ping, a call that touches no database.
One heartbeat on SQLite against one on PostgreSQL is the figure that says what the round trips cost.
PostgreSQL runs its transactions two ways taking turns call after call (so both meet the same
machine load): one statement at a time, and in pipeline mode (backend/storage/postgres.py
PIPELINE), where a statement whose result is not read travels with the next read.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hall_load

from backend.app import BackendApp
from backend.settings import ServerSettings
from backend.storage.throwaway import BENCH, ThrowawayCluster
from backend.wsgi import BackendWsgi

TERMINALS = 50


class Counter:
    """Statements sent to the database by this thread, by the operation being called."""

    def __init__(self) -> None:
        self.by_operation: dict[str, int] = defaultdict(int)
        self.current = threading.local()

    def count(self) -> None:
        name = getattr(self.current, "name", None)
        if name:
            self.by_operation[name] += 1



COUNTER = Counter()


def count_postgres_statements() -> None:
    import psycopg

    for cls in (psycopg.Cursor, psycopg.ClientCursor):
        for method in ("execute", "executemany"):
            original = cls.__dict__.get(method)
            if original is None or getattr(original, "_counted", False):
                continue

            def counted(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
                COUNTER.count()
                return __original(self, *args, **kwargs)

            counted._counted = True  # type: ignore[attr-defined]
            setattr(cls, method, counted)


class ServerCpu:
    """CPU seconds the PostgreSQL cluster's processes used so far (utime + stime from /proc):
    the server's share of a call, which wall time on a loaded machine hides."""

    def __init__(self, data_folder: Path | None) -> None:
        self.postmaster = int((data_folder / "postmaster.pid").read_text().split()[0]) if data_folder else None
        self.tick = os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float:
        if self.postmaster is None:
            return 0.0
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.postmaster or int(entry.name) == self.postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / self.tick


class InProcess:
    """hall_load.Sender's call(), into the WSGI application directly; times and counts each call."""

    def __init__(self, app: BackendWsgi) -> None:
        self.app = app
        self.times: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.calls: dict[tuple[str, str], int] = defaultdict(int)
        self.label = ""
        self.cpu: dict[tuple[str, str], float] = defaultdict(float)  # this thread's
        self.server: dict[tuple[str, str], float] = defaultdict(float)  # the cluster's
        self.server_cpu = ServerCpu(None)

    def call(self, operation: str, body: str) -> str:
        data = hall_load.envelope(operation, body)
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/soap", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080", "wsgi.url_scheme": "http",
                   "CONTENT_TYPE": "text/xml; charset=utf-8", "CONTENT_LENGTH": str(len(data)),
                   "HTTP_SOAPACTION": '""', "wsgi.input": io.BytesIO(data), "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
                   "wsgi.multiprocess": False, "wsgi.run_once": False, "SERVER_PROTOCOL": "HTTP/1.1"}
        status: list[str] = []
        COUNTER.current.name = f"{self.label}|{operation}"
        server_before = self.server_cpu.seconds()
        cpu_started = time.thread_time()
        started = time.perf_counter()
        text = b"".join(self.app(environ, lambda s, h, e=None: status.append(s))).decode()
        self.times[(self.label, operation)].append((time.perf_counter() - started) * 1000)
        own = time.thread_time() - cpu_started
        self.cpu[(self.label, operation)] += own
        self.server[(self.label, operation)] += self.server_cpu.seconds() - server_before
        COUNTER.current.name = None
        self.calls[(self.label, operation)] += 1
        if not status[0].startswith("200") or "Fault>" in text:
            raise SystemExit(f"{operation} failed: {status[0]} {text[:600]}")
        return text


def sqlite_counting(app: BackendApp) -> None:
    """SQLite's statements, counted by its trace callback on each thread's connection."""
    connection = app.store.connection()
    connection.set_trace_callback(lambda statement: COUNTER.count())


def measure(location: str, beats: int, sales: int, variants: dict[str, Callable[[], None]],
            sqlite: bool = False, cluster: ThrowawayCluster | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Figures per variant (a name and what sets it up), the variants taking turns call after
    call, so a load that changes during the run changes every variant's figures alike."""
    backend = BackendApp(location, ServerSettings(auto_pay_seconds=0.0), pool_size=2, shared_nonces=True)
    try:
        if sqlite:
            sqlite_counting(backend)
        app = BackendWsgi(backend)
        sender = InProcess(app)
        sender.server_cpu = ServerCpu(cluster.data if cluster else None)
        for n in range(TERMINALS):
            sender.call("RegisterTerminal", f"{hall_load.rid()}<ns0:terminalId>{hall_load.terminal_id(n)}"
                        f"</ns0:terminalId><ns0:hallName>{hall_load.hall_name(n)}</ns0:hallName><ns0:softwareVersion>"
                        f"0.1.0</ns0:softwareVersion><ns0:contractVersion>1.0</ns0:contractVersion>")
        rng = random.Random(3)
        for _ in range(20):  # warm-up: statements translated and prepared, pool filled
            for setup in variants.values():
                setup()
                sender.call("Heartbeat", hall_load.heartbeat_body(rng.randrange(TERMINALS), False))
                sender.call("Ping", "<ns0:terminalId>BENCH-PING</ns0:terminalId>")
        sender.times.clear()
        sender.calls.clear()
        sender.cpu.clear()
        sender.server.clear()
        COUNTER.by_operation.clear()
        sold: set[int] = set()
        lock = threading.Lock()
        names = list(variants)
        for i in range(beats * len(names)):
            name = names[i % len(names)]
            variants[name]()
            sender.label = name
            sender.call("Heartbeat", hall_load.heartbeat_body(rng.randrange(TERMINALS), rng.random() < 0.02))
            sender.call("Ping", "<ns0:terminalId>BENCH-PING</ns0:terminalId>")
            if (i // len(names)) % max(1, beats // max(1, sales)) == 0 and len(sold) < sales * len(names):
                hall_load.sale(sender, len(sold) % TERMINALS, sold, lock)  # type: ignore[arg-type]
                sold.add(len(sold) + TERMINALS)  # a count of sales (sale() adds the terminal, seen before)
        figures: dict[str, dict[str, dict[str, float]]] = {name: {} for name in names}
        for (name, operation), times in sorted(sender.times.items()):
            ordered = sorted(times)
            calls = sender.calls[(name, operation)]
            figures[name][operation] = {
                "statements": COUNTER.by_operation.get(f"{name}|{operation}", 0) / calls,
                "median_ms": statistics.median(ordered), "p90_ms": ordered[int(0.9 * (len(ordered) - 1))],
                "cpu_ms": sender.cpu[(name, operation)] * 1000 / calls,
                "server_cpu_ms": sender.server[(name, operation)] * 1000 / calls,
                "calls": len(ordered)}
        return figures
    finally:
        backend.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beats", type=int, default=400)
    parser.add_argument("--sales", type=int, default=60)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    folder = Path(tempfile.mkdtemp(prefix="hall-statements-"))
    for engine in args.engines.split(","):
        if engine == "postgresql":
            from backend.storage import postgres

            count_postgres_statements()

            def one_at_a_time() -> None:
                postgres.PIPELINE = False

            def pipelined() -> None:
                postgres.PIPELINE = True

            with ThrowawayCluster(BENCH) as cluster:
                results.update(measure(cluster.create_database("statements"), args.beats, args.sales,
                                       {"pg one at a time": one_at_a_time, "pg pipeline": pipelined},
                                       cluster=cluster))
        else:
            results.update(measure(str(folder / "b.sqlite3"), args.beats, args.sales, {"sqlite": lambda: None},
                                   sqlite=True))
    with open("/proc/loadavg", encoding="ascii") as f:
        load = f.read().split()[:3]
    print(f"per call, in process (no HTTP); load average {' '.join(load)}")
    operations = sorted({op for figures in results.values() for op in figures})
    print(f"{'':28}" + "".join(f"{e:>50}" for e in results))
    print(f"{'operation':28}" + f"{'statements':>12}{'median ms':>11}{'p90 ms':>10}{'cpu ms':>8}{'+ db':>9}"
          * len(results))
    for op in operations:
        line = f"{op:28}"
        for figures in results.values():
            f = figures.get(op)
            line += (f"{f['statements']:12.1f}{f['median_ms']:11.2f}{f['p90_ms']:10.2f}{f['cpu_ms']:8.2f}"
                     f"{f['server_cpu_ms']:9.2f}" if f else " " * 50)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
