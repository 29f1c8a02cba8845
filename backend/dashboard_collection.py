"""The hall dashboard's collection section (issue 13): each terminal's document dispenser.

Per terminal that has documents on record or reports a dispenser: documents ready in it,
overdue ones (waiting longer than the hall keeps them in a machine: staff unload them), ones a
citizen left behind (retracted, still ready), collected today, and what the terminal's latest
heartbeat said of the module (terminal/dispenser_watch.py: stock, reject bin, faults). Counts
only: no document number, no person. Pure rendering apart from `collection_section`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

from backend.handlers.collection import UNCOLLECTED_DAYS
from backend.store import Store
from backend.timeutil import hall_day, hall_day_bounds, iso

# Heartbeat entries the terminal sends about its dispenser (terminal/dispenser_watch.py).
DEVICE_KIND = "dispenser"
STOCK_ENTRY = "dispenser_stock"
RETRACTED_ENTRY = "collection"
USABLE = ("READY", "BUSY")


def collection_section(store: Store, now: dt.datetime) -> str:
    overdue_before = iso(now - dt.timedelta(days=UNCOLLECTED_DAYS))
    today_from = hall_day_bounds(hall_day(now))[0]
    with store.read() as db:
        counts = db.execute(
            "SELECT terminal_id, "
            "SUM(CASE WHEN status = 'READY' THEN 1 ELSE 0 END) AS ready, "
            "SUM(CASE WHEN status = 'READY' AND loaded_at < ? THEN 1 ELSE 0 END) AS overdue, "
            "SUM(CASE WHEN status = 'READY' AND not_collected_count > 0 THEN 1 ELSE 0 END) AS left_behind, "
            "SUM(CASE WHEN status = 'COLLECTED' AND collected_at >= ? THEN 1 ELSE 0 END) AS collected_today "
            "FROM ready_documents GROUP BY terminal_id", (overdue_before, today_from)).fetchall()
        # Only the terminals whose devices name a dispenser (a superset, checked below): at a
        # province's scale the others are thousands of rows this section has nothing to say about.
        beats = db.execute("SELECT terminal_id, devices FROM terminal_status WHERE devices LIKE ?",
                           (f"%{DEVICE_KIND}%",)).fetchall()
    rows: dict[str, dict[str, Any]] = {row["terminal_id"]: dict(row) for row in counts}
    for beat in beats:
        entries = {d["kind"]: d for d in json.loads(beat["devices"] or "[]")}
        if DEVICE_KIND in entries or STOCK_ENTRY in entries:
            rows.setdefault(beat["terminal_id"], {"terminal_id": beat["terminal_id"]})["entries"] = entries
    return render_collection(sorted(rows.values(), key=lambda r: r["terminal_id"]))


def render_collection(rows: Iterable[Mapping[str, Any]]) -> str:
    lines = []
    for row in rows:
        entries = row.get("entries", {})
        device = entries.get(DEVICE_KIND, {})
        stock = entries.get(STOCK_ENTRY, {})
        retracted = entries.get(RETRACTED_ENTRY, {})
        faults = [text for text in (
            f'{device["status"]}' if device and device.get("status") not in USABLE else "",
            stock.get("detail", "") if stock and stock.get("status") not in USABLE else "",
            retracted.get("detail", "")) if text]
        attention = bool(faults) or bool(row.get("overdue"))
        lines.append(
            f'<tr class="{"attention" if attention else "ok"}" '
            f'data-terminal="{html.escape(row["terminal_id"], quote=True)}"><td>{html.escape(row["terminal_id"])}</td>'
            f'<td>{html.escape(stock.get("detail", "-") if stock.get("status") in USABLE else "-")}</td>'
            + "".join(f'<td class="num {key}">{row.get(key) or 0}</td>'
                      for key in ("ready", "overdue", "left_behind", "collected_today"))
            + f'<td class="faults">{html.escape("; ".join(faults)) or "-"}</td></tr>')
    body = "\n".join(lines) or '<tr><td colspan="7">没有自助取证机 No document dispenser</td></tr>'
    return f"""<h2>自助取证 Document dispensers</h2>
<table id="collection">
<thead><tr><th>Terminal</th><th>Stock</th><th>Ready</th><th>Overdue (&gt; {UNCOLLECTED_DAYS} days)</th>
<th>Left behind</th><th>Collected today</th><th>Faults</th></tr></thead>
<tbody>
{body}
</tbody></table>"""
