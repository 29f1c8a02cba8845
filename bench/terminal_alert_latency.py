"""How soon the hall learns of a terminal alert (a refused config file, a locked maintenance PIN).

    .venv/bin/python bench/terminal_alert_latency.py [--alerts 30]

A fleet link with a one-hour heartbeat interval (so only the alert's own heartbeat can carry it)
and the reference back end on loopback in this process. The figure: from `raise_alert` until the
back end has stored the alert's detail in the terminal's latest status (what the dashboard
reads). The anchor, measured in the same run: one Ping round trip through the same client, the
floor any delivery through the outbox sits on. Without the immediate beat the alert would wait
for the next heartbeat: up to [backend] heartbeat_interval_seconds (60 s by default).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.server import ReferenceServer
from backend_client.client import BackendClient
from backend_client.outbox import Outbox
from backend_client.settings import ClientSettings
from devices.base import DeviceStatus
from flows.journal import Journal
from terminal.alerts import CONFIG_REFUSED, TerminalAlerts
from terminal.fleet import FleetLink
from terminal.scratch import scratch_config

POLL_SECONDS = 0.002
# The outbox's retry pause when a delivery fails (none should here).
OUTBOX_BACKOFF = (0.05, 0.2)
SLOW_INTERVAL_SECONDS = 3600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="alert-bench-"))
    server = ReferenceServer(folder / "backend.sqlite3").start()
    config = scratch_config(folder / "kiosk", terminal={"id": "BENCH-T01"},
                            backend={"mode": "remote", "url": server.url, "retries": 0})
    client = BackendClient(ClientSettings.from_config(config))
    outbox = Outbox(config.data_dir / "backend" / "outbox.sqlite3", client, *OUTBOX_BACKOFF)
    journal = Journal(config.journal_path)
    link = FleetLink(config, client, outbox, journal, lambda: {"printer": DeviceStatus.READY},
                     interval_seconds=SLOW_INTERVAL_SECONDS)
    alerts = TerminalAlerts()
    outbox.start()
    link.start()
    link.use_alerts(alerts)
    try:
        pings = []
        for _ in range(args.alerts):
            start = time.perf_counter()
            client.ping()
            pings.append(time.perf_counter() - start)
        delays = []
        for n in range(args.alerts):
            detail = f"hall.toml refused: not UTF-8 at byte {n}"
            start = time.perf_counter()
            alerts.raise_alert(CONFIG_REFUSED, detail)
            while stored_detail(server) != detail:
                time.sleep(POLL_SECONDS)
            delays.append(time.perf_counter() - start)
    finally:
        link.stop()
        outbox.close()
        journal.close()
        client.close()
        server.stop()
    print(f"alert raised -> stored by the back end: median {ms(statistics.median(delays))}, "
          f"max {ms(max(delays))} over {len(delays)} (heartbeat interval {SLOW_INTERVAL_SECONDS:.0f} s)")
    print(f"anchor, one Ping round trip on the same client: median {ms(statistics.median(pings))}, "
          f"max {ms(max(pings))}")


def stored_detail(server: ReferenceServer) -> str | None:
    with server.backend.store.read() as db:
        row = db.execute("SELECT devices FROM terminal_status WHERE terminal_id = 'BENCH-T01'").fetchone()
    if row is None:
        return None
    return next((d.get("detail") for d in json.loads(row["devices"]) if d["kind"] == CONFIG_REFUSED), None)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
