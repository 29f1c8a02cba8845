"""The hall dashboard with a province's terminals, server side, SQLite and PostgreSQL in the same run.

    .venv/bin/python bench/hall_dashboard.py [--terminals 5000] [--runs 7] [--engines sqlite,postgresql]

Fills a fresh database of each engine with N terminals (one latest-state row each, 10 per hall,
a few with a device down, today's transactions at some) and times GET /hall/ through the
dashboard's WSGI application in this process (no HTTP): every terminal on one page, and one
hall's page, in wall time and in CPU time (this process plus the PostgreSQL cluster's processes:
on a machine other work loads, the figure that stays put). Anchors in the same run: the plain SELECT of the same terminal rows (what the
database alone costs) and rendering the same page from terminal views built beforehand (what
the HTML alone costs). Prints medians; the target (issue 17) is the whole page under 200 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall_statements import ServerCpu  # the PostgreSQL cluster's CPU time

from backend import dashboard
from backend.settings import ServerSettings
from backend.storage.throwaway import BENCH, ThrowawayCluster
from backend.store import Store
from backend.timeutil import hall_day, iso, utc_now

TARGET_MS = 200.0


def fill(store: Store, terminals: int) -> None:
    now = utc_now()
    ready = json.dumps([{"kind": k, "status": "READY", "detail": None} for k in ("printer", "idcard", "camera")])
    down = json.dumps([{"kind": "printer", "status": "ERROR", "detail": "paper jam"},
                       {"kind": "idcard", "status": "READY", "detail": None}])
    day = hall_day(now).isoformat()

    def work(db: object) -> None:
        for n in range(terminals):
            terminal = f"P-H{n // 10:04d}-T{n % 10}"
            db.execute("INSERT INTO terminals (terminal_id, hall_name, software_version, last_heartbeat_at) "  # type: ignore[attr-defined]
                       "VALUES (?, ?, ?, ?)", (terminal, f"Hall {n // 10:04d}", "0.1.0", iso(now)))
            db.execute("INSERT INTO terminal_status (terminal_id, sent_at, received_at, devices, paper_low, "  # type: ignore[attr-defined]
                       "software_version, config_version, outbox_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (terminal, iso(now), iso(now), down if n % 97 == 0 else ready, n % 50 == 0, "0.1.0", "cfg", 0))
            if n % 5 == 0:
                db.execute("INSERT INTO transactions VALUES (?, ?, 'ENDORSEMENT', 'COMPLETED', ?, ?, ?, NULL, NULL, "  # type: ignore[attr-defined]
                           "'[]', NULL, ?)", (terminal, f"TX-{n}", iso(now), iso(now), day, iso(now)))

    store.transaction(work)


def medians(action: Callable[[], object], runs: int, server: ServerCpu) -> tuple[float, float]:
    """Median wall time and median CPU time (this process, plus the PostgreSQL cluster's), ms.
    On a machine other work loads, the CPU time is the figure that stays put."""
    walls, cpus = [], []
    for _ in range(runs):
        server_before, cpu_before = server.seconds(), time.process_time()
        started = time.perf_counter()
        action()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu_before + server.seconds() - server_before) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def get(app: dashboard.HallDashboard, token: str, query: str = "") -> bytes:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": dashboard.HALL_PATH, "QUERY_STRING": query,
               "HTTP_COOKIE": f"{dashboard.COOKIE_NAME}={token}", "REMOTE_ADDR": "127.0.0.1",
               "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http"}
    status: list[str] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"dashboard answered {status[0]}")
    return body


def measure(location: str, terminals: int, runs: int, cluster: ThrowawayCluster | None = None) -> dict[str, float]:
    server = ServerCpu(cluster.data if cluster else None)
    store = Store(location, pool_size=2)
    try:
        fill(store, terminals)
        app = dashboard.HallDashboard(store, ServerSettings(dashboard_password_hash="x"))
        token = app.sessions.open()
        now = utc_now()
        views = dashboard.terminal_views(store, now)
        sections = dashboard.visit_sections(store, now)
        page = get(app, token)
        assert page.count(b"data-terminal=") >= terminals, "not every terminal is on the page"
        select = ("SELECT t.terminal_id, t.hall_name, t.last_heartbeat_at, s.devices, s.paper_low, s.software_version "
                  "FROM terminals t LEFT JOIN terminal_status s ON s.terminal_id = t.terminal_id ORDER BY t.terminal_id")
        figures: dict[str, float] = {"page_bytes": len(page)}
        for label, action in (
                ("anchor_select", lambda: store.transaction(lambda db: db.execute(select).fetchall(), write=False)),
                ("anchor_render", lambda: dashboard.render_terminals(views, now, 180.0, sections)),
                ("page_all", lambda: get(app, token)),
                ("page_one_hall", lambda: get(app, token, "hall=Hall+0042"))):
            figures[f"{label}_ms"], figures[f"{label}_cpu_ms"] = medians(action, runs, server)
        return figures
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hall-dashboard-"))
    results = {}
    for engine in args.engines.split(","):
        if engine == "postgresql":
            with ThrowawayCluster(BENCH) as cluster:
                results[engine] = measure(cluster.create_database("dashboard"), args.terminals, args.runs, cluster)
        else:
            results[engine] = measure(str(folder / "dashboard.sqlite3"), args.terminals, args.runs)
    with open("/proc/loadavg", encoding="ascii") as f:
        load = " ".join(f.read().split()[:3])
    print(f"hall dashboard, {args.terminals} terminals, median of {args.runs}, in process; load average {load}")
    print(f"{'engine':12}{'SELECT rows':>20}{'render only':>20}{'whole page':>20}{'one hall':>20}{'bytes':>10}")
    print(f"{'':12}" + f"{'wall / cpu ms':>20}" * 4)
    for engine, r in results.items():
        cells = "".join(f"{r[k + '_ms']:12.1f} /{r[k + '_cpu_ms']:6.1f}"
                        for k in ("anchor_select", "anchor_render", "page_all", "page_one_hall"))
        print(f"{engine:12}{cells}{r['page_bytes']:10.0f}")
    print(f"target: whole page under {TARGET_MS:g} ms: " + ", ".join(
        f"{e} {'met' if r['page_all_ms'] < TARGET_MS else 'NOT met'} (wall), "
        f"{'met' if r['page_all_cpu_ms'] < TARGET_MS else 'NOT met'} (cpu)" for e, r in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
