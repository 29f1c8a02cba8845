"""The SOAP call figures of issue 23: CheckEndorsementEligibility and Heartbeat beside a trivial
one-method spyne echo called with plain zeep, served by the same waitress in the same run.

    .venv/bin/python bench/soap_calls.py [--calls 300] [--seconds 2] [--rounds 3] [--clients 8] [--json]

One server process (this script with --serve) runs the reference back end as `main.py backend`
does (ReferenceServer: the guarded waitress with its 4 threads, INFO log lines masked to a
console, here /dev/null), and mounts on the same waitress, at /echo, the anchor: a spyne
Application with one method echo(Unicode) -> Unicode, Soap11 in and out, nothing else. The
client side is this process: the project's BackendClient for the project, a plain
`zeep.Client` built from the anchor's own WSDL for the anchor.

Latency: one client of each, the calls interleaved one by one (eligibility, anchor, heartbeat,
anchor, ...), so load on the shared 2-core machine hits both alike; median and p95 in ms and
the ratio project / anchor (target <= 1.5). Throughput: `--clients` threads, each with its own
client, for `--seconds`, project and anchor alternating for `--rounds` rounds; calls/s and the
ratio project / anchor (target >= 0.75). Also the CPU each side (client thread, server process)
spends per call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.stats import percentile

ECHO_PATH = "/echo"
ECHO_NS = "urn:bench:echo"
SERVER_START_SECONDS = 30.0


# ---- the server process ----

def serve(db: Path) -> None:
    from spyne import Application, ServiceBase, Unicode, rpc
    from spyne.protocol.soap import Soap11
    from spyne.server.wsgi import WsgiApplication

    from backend.cli import _log_to_console
    from backend.server import ReferenceServer

    class EchoService(ServiceBase):
        @rpc(Unicode, _returns=Unicode)
        def echo(ctx: Any, text: str) -> str:
            return text

    _log_to_console("INFO")  # as `main.py backend` with the default configuration
    echo = WsgiApplication(Application([EchoService], tns=ECHO_NS, in_protocol=Soap11(), out_protocol=Soap11()))
    server = ReferenceServer(db)
    project = server._server.application

    def route(environ: dict, start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").rstrip("/") == ECHO_PATH:
            return echo(environ, start_response)
        return project(environ, start_response)

    server._server.application = route
    print(server.base_url, flush=True)
    server.serve_forever()


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(db)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env={**os.environ, "KIOSK_CONFIG": ""})
    line = process.stdout.readline().strip() if process.stdout else ""
    if not line.startswith("http"):
        process.kill()
        raise SystemExit("the bench server did not start")
    return process, line


# ---- the client side ----

def project_client(base_url: str) -> Any:
    from backend_client import BackendClient, ClientSettings

    return BackendClient(ClientSettings(base_url + "/soap", "BENCH-T01", retries=0))


def anchor_client(base_url: str) -> Any:
    import zeep

    return zeep.Client(base_url + ECHO_PATH + "?wsdl")


def project_calls(client: Any) -> dict[str, Callable[[], object]]:
    from backend import seed
    from backend_client import models as mo
    from backend_client import new_request_id
    from devices.base import DeviceStatus

    person = seed.person("local_adult")
    beat = mo.Heartbeat(dt.datetime.now(dt.UTC), tuple(
        mo.DeviceState(kind, DeviceStatus.READY) for kind in ("idcard", "permit", "scanner", "printer", "camera")))
    return {
        "CheckEndorsementEligibility": lambda: client.check_endorsement_eligibility(person.id_number, "CA1234567"),
        "Heartbeat": lambda: client.send_heartbeat(beat, new_request_id()),
    }


def anchor_call(client: Any) -> Callable[[], object]:
    return lambda: client.service.echo("hello")


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(call: Callable[[], object], samples: list[float], cpu: list[float], server_cpu: list[float],
          server_pid: int) -> None:
    cpu_before, server_before = time.thread_time(), process_cpu_seconds(server_pid)
    started = time.perf_counter()
    call()
    samples.append((time.perf_counter() - started) * 1000)
    cpu.append((time.thread_time() - cpu_before) * 1000)
    server_cpu.append((process_cpu_seconds(server_pid) - server_before) * 1000)


def latency(base_url: str, calls: int, server_pid: int) -> dict[str, dict[str, float]]:
    project, anchor = project_calls(project_client(base_url)), anchor_call(anchor_client(base_url))
    names = [*project, "anchor"]
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    server: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(20):  # warm connections and caches
        for call in project.values():
            call()
        anchor()
    for _ in range(calls):
        for name, call in project.items():
            timed(call, samples[name], cpu[name], server[name], server_pid)
            timed(anchor, samples["anchor"], cpu["anchor"], server["anchor"], server_pid)
    return {name: {"median_ms": statistics.median(samples[name]), "p95_ms": percentile(samples[name], 0.95),
                   "client_cpu_ms": statistics.fmean(cpu[name]), "server_cpu_ms": statistics.fmean(server[name])}
            for name in names}


def throughput_once(calls: list[Callable[[], object]], seconds: float) -> float:
    counts = [0] * len(calls)
    stop = threading.Event()

    def run(index: int) -> None:
        while not stop.is_set():
            calls[index]()
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def throughput(base_url: str, clients: int, seconds: float, rounds: int) -> dict[str, float]:
    project = [project_calls(project_client(base_url))["CheckEndorsementEligibility"] for _ in range(clients)]
    anchor = [anchor_call(anchor_client(base_url)) for _ in range(clients)]
    for call in (*project, *anchor):
        call()
    runs: dict[str, list[float]] = {"CheckEndorsementEligibility": [], "anchor": []}
    for _ in range(rounds):
        runs["CheckEndorsementEligibility"].append(throughput_once(project, seconds))
        runs["anchor"].append(throughput_once(anchor, seconds))
    return {name: statistics.fmean(values) for name, values in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per operation for latency")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs of each, alternating")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads) for throughput")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve", type=Path, metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    logging.getLogger("backend_client").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as scratch:
        process, base_url = start_server(Path(scratch) / "bench.sqlite3")
        try:
            load = os.getloadavg()[0]
            lat = latency(base_url, args.calls, process.pid)
            rate = throughput(base_url, args.clients, args.seconds, args.rounds)
        finally:
            process.terminate()
            process.wait(10)
    anchor = lat["anchor"]
    figures = {
        "load_average": load,
        "latency": {name: {**values, "ratio": values["median_ms"] / anchor["median_ms"]}
                    for name, values in lat.items()},
        "throughput": {"clients": args.clients, "eligibility_calls_per_s": rate["CheckEndorsementEligibility"],
                       "anchor_calls_per_s": rate["anchor"],
                       "ratio": rate["CheckEndorsementEligibility"] / rate["anchor"]},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"load average at start: {load:.2f} on {os.cpu_count()} cores")
    print(f"latency, one client each, {args.calls} calls interleaved with the anchor (ms):")
    print(f"  {'call':30} {'median':>7} {'p95':>7} {'client':>7} {'server':>7} {'ratio':>6}  (CPU ms per call)")
    for name, values in figures["latency"].items():
        label = "anchor (spyne echo + zeep)" if name == "anchor" else name
        print(f"  {label:30} {values['median_ms']:7.2f} {values['p95_ms']:7.2f} {values['client_cpu_ms']:7.2f} "
              f"{values['server_cpu_ms']:7.2f} {values['ratio']:6.2f}")
    t = figures["throughput"]
    print(f"throughput, {args.clients} clients, {args.rounds} x {args.seconds:.0f} s each, alternating (calls/s):")
    print(f"  CheckEndorsementEligibility {t['eligibility_calls_per_s']:7.0f}   anchor {t['anchor_calls_per_s']:7.0f}"
          f"   ratio {t['ratio']:.2f} (target >= 0.75)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
