"""The hall dashboard: which terminal is out of paper, offline or silent, at a glance.

Server-rendered HTML from the reference back end's own tables (no script, no build step),
served by the same WSGI app as the SOAP endpoint:

    GET  /hall/         the terminals (login first); refreshes itself every 30 s
    GET  /hall/login    the login form; POST checks the password
    POST /hall/logout   ends the session

One row per terminal that registered or sent a heartbeat: its state, device states, paper,
last heartbeat age, outbox backlog, versions and today's transactions per service (hall day,
UTC+8). A terminal whose last heartbeat is older than `dashboard_stale_seconds` is stale
and highlighted. Below (issue 20): the citizens' evaluations (好差评) per service and hall day
over the last EVALUATION_DAYS days, level by level with the reasons ticked, and the text
messages the back end would have sent (newest first, mobile numbers masked; none is sent).
Read-only: nothing on the page changes anything. Every value is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable, Iterable, Mapping

from backend.dashboard_auth import Sessions, arrived_over_tls, client_address, trusted_networks, verify_password
from backend.dashboard_collection import collection_section
from backend.dashboard_queue import queue_section
from backend.handlers.evaluations import LEVELS, counts_by_service_and_day
from backend.handlers.notices import recent_messages
from backend.settings import ServerSettings
from backend.store import Store
from backend.timeutil import HALL_TIMEZONE, hall_day, parse, utc_now

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]

HALL_PATH = "/hall/"
TERMINALS_PER_PAGE = 5000  # a province's 5,000 terminals on one page, more paged; ?hall= shows one hall
LOGIN_PATH = HALL_PATH + "login"
LOGOUT_PATH = HALL_PATH + "logout"
COOKIE_NAME = "hall_session"
REFRESH_SECONDS = 30
MAX_FORM_BYTES = 4096
# Device states a service can still use (devices/base.py DeviceStatus.usable), as on the wire.
USABLE_DEVICE_STATES = frozenset({"READY", "BUSY", "NO_CARD", "PAPER_LOW"})
SERVICES = ("APPLICATION_FORM", "ID_PHOTO", "ENDORSEMENT", "TRAFFIC_FINES", "PROGRESS", "APPOINTMENT")
SERVICE_LABELS = {"APPLICATION_FORM": "表格 Form", "ID_PHOTO": "照相 Photo", "ENDORSEMENT": "签注 Endorse",
                  "TRAFFIC_FINES": "交罚 Fines", "PROGRESS": "进度 Progress", "APPOINTMENT": "预约 Appt"}
# Issue 20: evaluations of the last days, and the newest would-be text messages.
EVALUATION_DAYS = 7
TEXT_MESSAGES_SHOWN = 50
LEVEL_LABELS = {"VERY_SATISFIED": "非常满意", "SATISFIED": "满意", "BASICALLY_SATISFIED": "基本满意",
                "DISSATISFIED": "不满意", "VERY_DISSATISFIED": "非常不满意"}
MILESTONE_LABELS = {"ACCEPTED": "受理 Accepted", "READY_FOR_COLLECTION": "待领取 Ready",
                    "POSTED": "已寄出 Posted", "APPOINTMENT_REMINDER": "预约提醒 Reminder"}
SECURITY_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy",
     "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
]


class TerminalState:
    OK = "ok"
    ATTENTION = "attention"  # heard recently, but a device is down or the paper is low
    STALE = "stale"  # silent longer than the threshold
    NEVER_HEARD = "never heard"  # registered, no heartbeat yet


@dataclass(frozen=True)
class TerminalView:
    terminal_id: str
    hall_name: str | None = None
    software_version: str | None = None
    config_version: str | None = None
    last_heartbeat_at: dt.datetime | None = None
    devices: tuple[tuple[str, str], ...] = ()  # (kind, status as on the wire)
    # kind -> the detail line a terminal sent with it: its own alerts (terminal/alerts.py: a
    # refused configuration file, the maintenance PIN locked) are sent as entries with a detail.
    details: Mapping[str, str] = field(default_factory=dict)
    paper_low: bool | None = None
    outbox_length: int | None = None
    last_transaction_at: dt.datetime | None = None
    today: Mapping[str, int] = field(default_factory=dict)  # service -> transactions finished today

    def age_seconds(self, now: dt.datetime) -> float | None:
        return None if self.last_heartbeat_at is None else max(0.0, (now - self.last_heartbeat_at).total_seconds())

    def state(self, now: dt.datetime, stale_seconds: float) -> str:
        age = self.age_seconds(now)
        if age is None:
            return TerminalState.NEVER_HEARD
        if age > stale_seconds:
            return TerminalState.STALE
        if self.paper_low or any(status not in USABLE_DEVICE_STATES for _, status in self.devices):
            return TerminalState.ATTENTION
        return TerminalState.OK


def terminal_views(store: Store, now: dt.datetime, hall: str | None = None, offset: int = 0,
                   limit: int | None = None) -> list[TerminalView]:
    """Known terminals (of one hall, or all) with their latest heartbeat (terminal_status: one row
    per terminal) and today's transactions, by terminal id; `offset`/`limit` page them."""
    where, params = ("WHERE t.hall_name = ? ", [hall]) if hall is not None else ("", [])
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    with store.read() as db:
        terminals = db.execute(
            "SELECT t.terminal_id, t.hall_name, t.software_version AS registered_version, t.last_heartbeat_at, "
            "s.devices, s.paper_low, s.software_version, s.config_version, s.last_transaction_at, s.outbox_length "
            "FROM terminals t LEFT JOIN terminal_status s ON s.terminal_id = t.terminal_id "
            f"{where}ORDER BY t.terminal_id {page}", params).fetchall()
        counts = db.execute("SELECT x.terminal_id, x.service, COUNT(*) AS n FROM transactions x "
                            + ("JOIN terminals t ON t.terminal_id = x.terminal_id AND t.hall_name = ? "
                               if hall is not None else "")
                            + "WHERE x.hall_day = ? GROUP BY x.terminal_id, x.service",
                            [*params, hall_day(now).isoformat()]).fetchall()
    today: dict[str, dict[str, int]] = {}
    for row in counts:
        today.setdefault(row["terminal_id"], {})[row["service"]] = row["n"]
    parsed: dict[str, tuple[tuple[tuple[str, str], ...], dict[str, str]]] = {}  # most terminals send alike

    def devices_of(text: str | None) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
        if (text or "[]") not in parsed:
            entries = json.loads(text or "[]")
            parsed[text or "[]"] = (tuple((d["kind"], d["status"]) for d in entries),
                                    {d["kind"]: d["detail"] for d in entries if d.get("detail")})
        return parsed[text or "[]"]

    views = []
    for (terminal_id, hall_name, registered_version, last_heartbeat_at, devices_text, paper_low, software_version,
         config_version, last_transaction_at, outbox_length) in terminals:  # by position: 5,000 rows
        devices, details = devices_of(devices_text)
        views.append(TerminalView(
            terminal_id=terminal_id, hall_name=hall_name, software_version=software_version or registered_version,
            config_version=config_version, last_heartbeat_at=parse(last_heartbeat_at), devices=devices,
            details=dict(details), paper_low=None if paper_low is None else bool(paper_low),
            outbox_length=outbox_length, last_transaction_at=parse(last_transaction_at),
            today=today.get(terminal_id, {})))
    return views


# ----- rendering (pure functions: tested without a server) -----

_STYLE = """
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 1.5em; color: #1a1a1a; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.2em; margin: 1.2em 0 .4em; }
.meta { color: #555; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr.stale td { background: #ffe3e0; }
tr.stale .state, tr.never-heard .state { color: #a40000; font-weight: bold; }
tr.attention .state { color: #8a5300; font-weight: bold; }
.device-down { color: #a40000; font-weight: bold; }
.num { text-align: right; }
form.inline { display: inline; }
.error { color: #a40000; font-weight: bold; }
"""

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
<title>{title}</title>
<style>{style}</style></head><body>
{body}
</body></html>
"""


def page(title: str, body: str, refresh: bool = False) -> str:
    refresh_tag = f'\n<meta http-equiv="refresh" content="{REFRESH_SECONDS}">' if refresh else ""
    return _PAGE.format(title=html.escape(title), style=_STYLE, body=body, refresh=refresh_tag)


def render_login(error: str = "") -> str:
    message = f'<p class="error" id="login-error">{html.escape(error)}</p>' if error else ""
    body = f"""<h1>大厅自助机监控 Hall terminals</h1>
<p class="meta">请登录 Please log in</p>{message}
<form method="post" action="{LOGIN_PATH}">
<label for="password">密码 Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
<button type="submit" id="login">登录 Log in</button>
</form>"""
    return page("登录 Log in - Hall terminals", body)


def render_closed() -> str:
    return page("Hall terminals", "<h1>Hall terminals</h1><p>The dashboard is closed: set "
                "[backend] reference_dashboard_password_hash (python main.py dashboard hash-password).</p>")


def visit_sections(store: Store, now: dt.datetime) -> list[str]:
    """The evaluations per service and day and the would-be text messages (issue 20), as HTML."""
    since = (hall_day(now) - dt.timedelta(days=EVALUATION_DAYS - 1)).isoformat()
    with store.read() as db:
        evaluations = counts_by_service_and_day(db, since)
        messages = recent_messages(db, TEXT_MESSAGES_SHOWN)
    # Today's walk-in tickets and urgent requests (issue 20: backend/dashboard_queue.py).
    # The documents waiting in each terminal's dispenser (issue 13: backend/dashboard_collection.py).
    return [render_evaluations(evaluations), render_text_messages(messages), queue_section(store, now),
            collection_section(store, now)]


def render_evaluations(rows: Iterable[Mapping[str, Any]]) -> str:
    headers = "".join(f"<th>{html.escape(LEVEL_LABELS[level])}</th>" for level in LEVELS)
    lines = []
    for row in rows:
        levels = "".join(f'<td class="num">{row["levels"].get(level, 0)}</td>' for level in LEVELS)
        reasons = ", ".join(f"{html.escape(reason)} {n}" for reason, n in sorted(row["reasons"].items())) or "-"
        lines.append(f'<tr data-day="{html.escape(row["day"], quote=True)}" '
                     f'data-service="{html.escape(row["service"], quote=True)}"><td>{html.escape(row["day"])}</td>'
                     f'<td>{html.escape(row["service"])}</td><td class="num total">{row["total"]}</td>{levels}'
                     f'<td>{reasons}</td></tr>')
    body = "\n".join(lines) or f'<tr><td colspan="{len(LEVELS) + 4}">还没有评价 No evaluation yet</td></tr>'
    return f"""<h2>好差评 Evaluations (last {EVALUATION_DAYS} days)</h2>
<table id="evaluations">
<thead><tr><th>Day</th><th>Service</th><th>Total</th>{headers}<th>Reasons</th></tr></thead>
<tbody>
{body}
</tbody></table>"""


def render_text_messages(rows: Iterable[Mapping[str, Any]]) -> str:
    lines = [f'<tr><td>{html.escape(_local(parse(row["at"])))}</td><td>{html.escape(row["terminal"])}</td>'
             f'<td>{html.escape(MILESTONE_LABELS.get(row["milestone"], row["milestone"]))}</td>'
             f'<td class="mobile">{html.escape(row["mobile"])}</td><td>{html.escape(row["text"])}</td></tr>'
             for row in rows]
    body = "\n".join(lines) or '<tr><td colspan="5">没有短信 No text message</td></tr>'
    return f"""<h2>短信通知 Text messages (recorded, never sent)</h2>
<table id="text-messages">
<thead><tr><th>Time</th><th>Terminal</th><th>Milestone</th><th>Mobile</th><th>Text</th></tr></thead>
<tbody>
{body}
</tbody></table>"""


def halls(store: Store) -> list[tuple[str, int]]:
    """Every hall with its number of terminals (terminals that never said their hall: '')."""
    with store.read() as db:
        rows = db.execute("SELECT COALESCE(hall_name, '') AS hall, COUNT(*) AS n FROM terminals "
                          "GROUP BY COALESCE(hall_name, '') ORDER BY 1").fetchall()
    return [(row["hall"], row["n"]) for row in rows]


def render_navigation(known: list[tuple[str, int]], hall: str | None, page: int, pages: int) -> str:
    """The hall filter and the page links above the table (a province's server knows thousands)."""
    if len(known) <= 1 and pages <= 1:
        return ""
    options = ['<option value="">全部 All halls</option>'] + [
        f'<option value="{html.escape(name, quote=True)}"{" selected" if name == hall else ""}>'
        f'{html.escape(name or "-")} ({count})</option>' for name, count in known]
    links = ""
    if pages > 1:
        query = (lambda n: "?" + urllib.parse.urlencode({**({"hall": hall} if hall is not None else {}), "page": n}))
        links = " ".join(f"<strong>{n}</strong>" if n == page else f'<a href="{html.escape(query(n), quote=True)}">{n}</a>'
                         for n in range(1, pages + 1))
        links = f' <span id="pages">页 Page: {links}</span>'
    return (f'<form class="inline" method="get" action="{HALL_PATH}" id="hall-filter"><select name="hall">'
            f'{"".join(options)}</select> <button type="submit">查看 Show</button></form>{links}')


def render_terminals(views: Iterable[TerminalView], now: dt.datetime, stale_seconds: float,
                     sections: Iterable[str] = (), navigation: str = "") -> str:
    views = list(views)
    seen: dict[Any, str] = {}
    states = [view.state(now, stale_seconds) for view in views]
    rows = "\n".join(_row(view, now, stale_seconds, seen, state) for view, state in zip(views, states)) or \
        '<tr><td colspan="11">还没有自助机报到 No terminal has registered yet</td></tr>'
    headers = "".join(f'<th>{html.escape(SERVICE_LABELS[s])}</th>' for s in SERVICES)
    stale = sum(state in (TerminalState.STALE, TerminalState.NEVER_HEARD) for state in states)
    nav = f'<p class="meta">{navigation}</p>\n' if navigation else ""
    body = f"""<h1>大厅自助机监控 Hall terminals</h1>
<p class="meta">{len(views)} terminal(s), {stale} stale or never heard;
stale after {_duration(stale_seconds)} without a heartbeat. Updated {html.escape(_local(now))} (UTC+8).
<form class="inline" method="post" action="{LOGOUT_PATH}"><button type="submit" id="logout">退出 Log out</button></form></p>
{nav}<table id="terminals">
<thead><tr><th>Terminal</th><th>State</th><th>Devices</th><th>Paper</th><th>Last heartbeat</th>
<th>Outbox</th><th>Versions</th><th>Last transaction</th>{headers}</tr></thead>
<tbody>
{rows}
</tbody></table>"""
    body += "".join(f"\n{section}" for section in sections)
    return page("Hall terminals", body, refresh=True)


_NO_COUNTS = "".join('<td class="num">0</td>' for _ in SERVICES)


def _devices_html(devices: tuple[tuple[str, str], ...], details: tuple[tuple[str, str], ...]) -> str:
    known = dict(details)
    return ", ".join(
        f'<span class="{"device" if status in USABLE_DEVICE_STATES else "device-down"}">'
        f'{html.escape(kind)}: {html.escape(status)}{_detail(known.get(kind))}</span>'
        for kind, status in devices) or "-"


def _row(view: TerminalView, now: dt.datetime, stale_seconds: float,
         seen: dict[Any, str] | None = None, state: str | None = None) -> str:
    """One terminal's row; `seen` remembers device cells already made in this page (a province's
    terminals mostly report the same devices in the same states); `state` if known already."""
    if state is None:
        state = view.state(now, stale_seconds)
    age = view.age_seconds(now)
    key = (view.devices, tuple(sorted(view.details.items())))
    devices = seen.get(key) if seen is not None else None
    if devices is None:
        devices = _devices_html(*key)
        if seen is not None:
            seen[key] = devices
    paper = "-" if view.paper_low is None else ("LOW" if view.paper_low else "ok")
    versions = " / ".join(html.escape(v) for v in (view.software_version, view.config_version) if v) or "-"
    counts = "".join(f'<td class="num">{view.today.get(s, 0)}</td>' for s in SERVICES) if view.today \
        else _NO_COUNTS
    name = f'<br><small>{html.escape(view.hall_name)}</small>' if view.hall_name else ""
    terminal = html.escape(view.terminal_id, quote=True)  # the same text serves attribute and cell
    return (f'<tr class="{state.replace(" ", "-")}" data-terminal="{terminal}">'
            f'<td>{terminal}{name}</td><td class="state">{html.escape(state)}</td>'
            f'<td>{devices}</td><td>{paper}</td>'
            f'<td>{"-" if age is None else html.escape(_duration(age)) + " ago"}</td>'
            f'<td class="num">{"-" if view.outbox_length is None else view.outbox_length}</td>'
            f'<td>{versions}</td><td>{html.escape(_local(view.last_transaction_at)) if view.last_transaction_at else "-"}</td>'
            f'{counts}</tr>')


def _detail(detail: str | None) -> str:
    return f' <small class="detail">({html.escape(detail)})</small>' if detail else ""


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} days"


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(HALL_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S")


# ----- the WSGI part -----

class HallDashboard:
    """Serves /hall/ for BackendWsgi."""

    def __init__(self, store: Store, settings: ServerSettings, now: Callable[[], dt.datetime] = utc_now) -> None:
        self._store = store
        self._settings = settings
        self._now = now
        self.sessions = Sessions()
        self._proxies = trusted_networks(settings.dashboard_trusted_proxies)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if not self._settings.dashboard_password_hash:
            return _html(start_response, "503 Service Unavailable", render_closed())
        token = _cookie(environ)
        if path == LOGIN_PATH and method == "GET":
            return _html(start_response, "200 OK", render_login())
        if path == LOGIN_PATH and method == "POST":
            return self._login(environ, start_response)
        if path == LOGOUT_PATH and method == "POST":
            self.sessions.close(token)
            return _redirect(start_response, LOGIN_PATH, _session_cookie("", self._secure(environ), expire=True))
        if path in (HALL_PATH, HALL_PATH.rstrip("/")) and method == "GET":
            if not self.sessions.valid(token):
                return _redirect(start_response, LOGIN_PATH)
            now = self._now()
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            hall = query["hall"][0] if query.get("hall", [""])[0] else None
            known = halls(self._store)
            shown = sum(n for name, n in known if hall is None or name == hall)
            pages = max(1, -(-shown // TERMINALS_PER_PAGE))
            try:
                page = min(max(1, int(query.get("page", ["1"])[0])), pages)
            except ValueError:
                page = 1
            views = terminal_views(self._store, now, hall, (page - 1) * TERMINALS_PER_PAGE, TERMINALS_PER_PAGE)
            body = render_terminals(views, now, self._settings.dashboard_stale_seconds,
                                    visit_sections(self._store, now), render_navigation(known, hall, page, pages))
            return _html(start_response, "200 OK", body)
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8"), *SECURITY_HEADERS])
        return [b"not found"]

    def _login(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Wrong passwords lock out their source (client address), not the whole hall's staff."""
        address = client_address(environ, self._proxies)
        if self.sessions.locked_out(address):
            log.warning("hall dashboard: login from %s refused, too many wrong passwords from it in the last "
                        "minute", address)
            return _html(start_response, "429 Too Many Requests",
                         render_login("Too many wrong passwords: wait a minute. 错误次数过多，请稍后再试"))
        password = _form(environ).get("password", "")
        if not verify_password(password, self._settings.dashboard_password_hash):
            self.sessions.failed(address)
            log.info("hall dashboard: wrong password from %s", address)
            return _html(start_response, "401 Unauthorized", render_login("Wrong password. 密码错误"))
        log.info("hall dashboard: login from %s", address)
        return _redirect(start_response, HALL_PATH, _session_cookie(self.sessions.open(), self._secure(environ)))

    def _secure(self, environ: dict[str, Any]) -> bool:
        return arrived_over_tls(environ, self._proxies)


def _html(start_response: StartResponse, status: str, body: str) -> Iterable[bytes]:
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data))),
                            *SECURITY_HEADERS])
    return [data]


def _redirect(start_response: StartResponse, location: str, cookie: str | None = None) -> Iterable[bytes]:
    headers = [("Location", location), ("Content-Length", "0"), *SECURITY_HEADERS]
    if cookie is not None:
        headers.append(("Set-Cookie", cookie))
    start_response("303 See Other", headers)
    return [b""]


def _session_cookie(token: str, secure: bool, expire: bool = False) -> str:
    """HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure whenever the
    request came over TLS, directly or through a trusted proxy (dashboard_auth.arrived_over_tls)."""
    parts = [f"{COOKIE_NAME}={token}", f"Path={HALL_PATH}", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    if expire:
        parts.append("Max-Age=0")
    return "; ".join(parts)


def _cookie(environ: dict[str, Any]) -> str | None:
    try:
        jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM_BYTES)
    except ValueError:
        return {}
    raw = environ["wsgi.input"].read(length).decode("utf-8", "replace")
    return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
