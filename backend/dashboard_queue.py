"""The hall dashboard's queue section (issue 20): today's walk-in tickets and urgent cases.

Read from the reference back end's own tables (queue_tickets, urgent_cases) for the hall day,
newest first, as one HTML table each; personal data stays out (no ID number, no name: the
ticket number, the service, the priority group and the urgent case number are what staff need
on the floor). Pure rendering apart from `queue_section`, which reads the store.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from typing import Any

from backend.store import Store
from backend.timeutil import HALL_TIMEZONE, hall_day, hall_day_bounds, parse

TICKETS_SHOWN = 100
SERVICE_LABELS = {"PASSPORT": "护照 Passport", "HK_MACAU_PERMIT": "港澳通行证 HK/Macau permit",
                  "TAIWAN_PERMIT": "台湾通行证 Taiwan permit", "ENDORSEMENT": "签注 Endorsement",
                  "OTHER": "其他 Other"}
PRIORITY_LABELS = {"NONE": "-", "ELDERLY": "老年人 Elderly", "DISABLED": "残疾人 Disabled",
                   "PREGNANT": "孕妇 Pregnant", "URGENT": "加急 Urgent"}
REASON_LABELS = {"FUNERAL": "奔丧 Funeral", "RELATIVE_SERIOUSLY_ILL": "探望危重病人 Relative seriously ill",
                 "EMERGENCY_ABROAD": "境外突发事件 Emergency abroad", "URGENT_BUSINESS": "紧急商务 Urgent business"}


def queue_section(store: Store, now: dt.datetime) -> str:
    """Today's tickets and urgent cases as HTML (the dashboard appends it below the terminals)."""
    day = hall_day(now).isoformat()
    with store.read() as db:
        tickets = db.execute("SELECT ticket_number, service, priority, terminal_id, issued_at, waiting_ahead, "
                             "estimated_minutes, urgent_case FROM queue_tickets WHERE hall_day = ? "
                             "ORDER BY issued_at DESC LIMIT ?", (day, TICKETS_SHOWN)).fetchall()
        cases = db.execute("SELECT c.case_number, c.reason, c.service, c.travel_date, c.received_at, c.ticket_number, "
                           "(SELECT COUNT(*) FROM urgent_applications a WHERE a.case_number = c.case_number) "
                           "AS applications FROM urgent_cases c WHERE c.received_at >= ? ORDER BY c.received_at DESC",
                           (hall_day_bounds(hall_day(now))[0],)).fetchall()
    return render_tickets([dict(row) for row in tickets]) + "\n" + render_urgent_cases([dict(row) for row in cases])


def render_tickets(rows: Iterable[Mapping[str, Any]]) -> str:
    rows = list(rows)
    waiting: dict[str, int] = {}
    for row in rows:
        waiting[row["service"]] = waiting.get(row["service"], 0) + 1
    summary = ", ".join(f"{html.escape(SERVICE_LABELS.get(s, s))} {n}" for s, n in sorted(waiting.items())) or "-"
    lines = [f'<tr class="{"priority" if row["priority"] != "NONE" else "normal"}" '
             f'data-ticket="{html.escape(row["ticket_number"], quote=True)}">'
             f'<td>{html.escape(row["ticket_number"])}</td><td>{html.escape(SERVICE_LABELS.get(row["service"], row["service"]))}</td>'
             f'<td>{html.escape(PRIORITY_LABELS.get(row["priority"], row["priority"]))}</td>'
             f'<td>{html.escape(_time(row["issued_at"]))}</td><td>{html.escape(row["terminal_id"])}</td>'
             f'<td class="num">{row["waiting_ahead"]}</td><td class="num">{row["estimated_minutes"]}</td>'
             f'<td>{html.escape(row["urgent_case"] or "-")}</td></tr>' for row in rows]
    body = "\n".join(lines) or '<tr><td colspan="8">今天还没有取号 No ticket today</td></tr>'
    return f"""<h2>今日取号 Walk-in tickets today</h2>
<p class="meta" id="tickets-summary">{summary}</p>
<table id="tickets">
<thead><tr><th>Ticket</th><th>Service</th><th>Priority</th><th>Issued</th><th>Terminal</th>
<th>Ahead at issue</th><th>Estimate (min)</th><th>Urgent case</th></tr></thead>
<tbody>
{body}
</tbody></table>"""


def render_urgent_cases(rows: Iterable[Mapping[str, Any]]) -> str:
    lines = [f'<tr data-case="{html.escape(row["case_number"], quote=True)}"><td>{html.escape(row["case_number"])}</td>'
             f'<td>{html.escape(REASON_LABELS.get(row["reason"], row["reason"]))}</td>'
             f'<td>{html.escape(SERVICE_LABELS.get(row["service"], row["service"]))}</td>'
             f'<td>{html.escape(row["ticket_number"] or "-")}</td><td class="num">{row["applications"]}</td>'
             f'<td>{html.escape(row["travel_date"] or "-")}</td><td>{html.escape(_time(row["received_at"]))}</td></tr>'
             for row in rows]
    body = "\n".join(lines) or '<tr><td colspan="7">今天没有加急申请 No urgent request today</td></tr>'
    return f"""<h2>加急申请 Urgent requests today (proof checked at the counter)</h2>
<table id="urgent-cases">
<thead><tr><th>Case</th><th>Reason</th><th>Service</th><th>Ticket</th><th>Applications marked</th>
<th>Travel</th><th>Received</th></tr></thead>
<tbody>
{body}
</tbody></table>"""


def _time(text: str | None) -> str:
    moment = parse(text)
    return moment.astimezone(HALL_TIMEZONE).strftime("%H:%M") if moment else "-"
