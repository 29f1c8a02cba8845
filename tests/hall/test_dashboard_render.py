"""The hall dashboard's pages as pure functions: states, stale highlighting, counts, escaping;
the password hash and the sessions behind the login."""

from __future__ import annotations

import datetime as dt

from lxml import html as lxml_html

from backend.dashboard import SERVICES, TerminalState, TerminalView, render_login, render_terminals
from backend.dashboard_auth import MAX_FAILURES, Sessions, hash_password, verify_password

NOW = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
STALE_SECONDS = 180.0


def view(terminal_id: str, seconds_ago: float | None, **kwargs) -> TerminalView:
    heard = None if seconds_ago is None else NOW - dt.timedelta(seconds=seconds_ago)
    return TerminalView(terminal_id, last_heartbeat_at=heard, **kwargs)


def rows_of(page: str) -> dict[str, lxml_html.HtmlElement]:
    tree = lxml_html.fromstring(page)
    return {row.get("data-terminal"): row for row in tree.xpath("//table[@id='terminals']/tbody/tr[@data-terminal]")}


def test_states_from_heartbeat_age_devices_and_paper():
    ready = (("printer", "READY"), ("idcard", "READY"))
    assert view("A", 10, devices=ready).state(NOW, STALE_SECONDS) == TerminalState.OK
    assert view("A", 10, devices=ready, paper_low=True).state(NOW, STALE_SECONDS) == TerminalState.ATTENTION
    assert view("A", 10, devices=(("printer", "NO_PAPER"),)).state(NOW, STALE_SECONDS) == TerminalState.ATTENTION
    assert view("A", 10, devices=(("idcard", "NO_CARD"),)).state(NOW, STALE_SECONDS) == TerminalState.OK
    assert view("A", 181, devices=ready).state(NOW, STALE_SECONDS) == TerminalState.STALE
    assert view("A", None).state(NOW, STALE_SECONDS) == TerminalState.NEVER_HEARD


def test_stale_terminal_row_is_highlighted_and_counted():
    page = render_terminals([view("T-FRESH", 20), view("T-SILENT", 3600), view("T-NEW", None)], NOW, STALE_SECONDS)
    rows = rows_of(page)
    assert rows["T-FRESH"].get("class") == "ok"
    assert rows["T-SILENT"].get("class") == "stale"
    assert rows["T-SILENT"].xpath("string(td[@class='state'])") == "stale"
    assert "60 min ago" in rows["T-SILENT"].text_content()
    assert rows["T-NEW"].get("class") == "never-heard"
    assert "3 terminal(s), 2 stale or never heard" in page
    assert "tr.stale td { background" in page  # the highlight is styled, not just a class name


def test_row_shows_devices_paper_backlog_versions_and_todays_counts():
    page = render_terminals([view("T1", 5, devices=(("camera", "DISCONNECTED"), ("printer", "PAPER_LOW")),
                                  paper_low=True, outbox_length=7, software_version="0.1.0",
                                  config_version="cfg-abc", today={"ENDORSEMENT": 4, "ID_PHOTO": 1})],
                            NOW, STALE_SECONDS)
    row = rows_of(page)["T1"]
    cells = [cell.text_content() for cell in row.xpath("td")]
    assert cells[1] == "attention"
    assert row.xpath("string(td[3]/span[@class='device-down'])") == "camera: DISCONNECTED"
    assert cells[3] == "LOW" and cells[4] == "5 s ago" and cells[5] == "7"
    assert cells[6] == "0.1.0 / cfg-abc"
    counts = dict(zip(SERVICES, cells[8:]))
    assert counts == {"APPLICATION_FORM": "0", "ID_PHOTO": "1", "ENDORSEMENT": "4", "TRAFFIC_FINES": "0",
                      "PROGRESS": "0", "APPOINTMENT": "0"}


def test_every_value_from_terminals_is_escaped():
    hostile = '<script>alert("x")</script>'
    page = render_terminals([view('T"><img src=x onerror=alert(1)>', 5, hall_name=hostile,
                                  devices=((hostile, "READY"),), software_version="<b>1</b>",
                                  config_version="&amp;")],
                            NOW, STALE_SECONDS)
    assert "<script>" not in page and "<img" not in page and "<b>1</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //img | //table//b")
    assert tree.xpath("//tr/@data-terminal") == ['T"><img src=x onerror=alert(1)>']
    assert "&amp;amp;" in page


def test_login_page_escapes_the_message_and_posts_a_password_field():
    page = render_login("<i>wrong</i>")
    tree = lxml_html.fromstring(page)
    assert tree.xpath("string(//*[@id='login-error'])") == "<i>wrong</i>"
    assert tree.xpath("//form[@method='post']//input[@type='password']/@name") == ["password"]


def test_empty_fleet_says_so():
    assert "No terminal has registered yet" in render_terminals([], NOW, STALE_SECONDS)


def test_password_hash_accepts_only_the_password():
    stored = hash_password("correct horse battery")
    assert stored.startswith("scrypt$16384$8$1$") and "correct" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert not verify_password("correct horse battery", "")
    assert not verify_password("correct horse battery", "plain$text")


def test_sessions_expire_close_and_lock_out_guessing():
    now = [0.0]
    sessions = Sessions(clock=lambda: now[0])
    token = sessions.open()
    assert sessions.valid(token) and not sessions.valid("forged") and not sessions.valid(None)
    sessions.close(token)
    assert not sessions.valid(token)
    token = sessions.open()
    now[0] += 11 * 3600
    assert not sessions.valid(token)
    for _ in range(MAX_FAILURES):
        assert not sessions.locked_out("10.0.0.7")
        sessions.failed("10.0.0.7")
    assert sessions.locked_out("10.0.0.7")
    assert not sessions.locked_out("10.0.0.8"), "another desk is not locked out"
    now[0] += 61
    assert not sessions.locked_out("10.0.0.7")
