"""The hall dashboard at a province's scale, on both engines: 5,000 terminals' latest states (one
row each), filtered by hall and paged, over real HTTP behind the login. (How fast: bench/hall_load.py.)"""

from __future__ import annotations

import json
import re

import pytest
import requests

from backend import dashboard
from backend.dashboard_auth import hash_password
from backend.server import ReferenceServer
from backend.settings import ServerSettings
from backend.timeutil import iso, utc_now

TERMINALS = 5000
PASSWORD = "scale-test-password"


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    server = ReferenceServer(tmp_path_factory.mktemp("province") / "b.sqlite3",
                             settings=ServerSettings(dashboard_password_hash=hash_password(PASSWORD))).start()
    now = iso(utc_now())
    devices = json.dumps([{"kind": "printer", "status": "READY", "detail": None}])
    with server.backend.store.write() as db:
        for n in range(TERMINALS):
            terminal = f"P-H{n // 10:03d}-T{n % 10}"
            db.execute("INSERT INTO terminals (terminal_id, hall_name, last_heartbeat_at) VALUES (?, ?, ?)",
                       (terminal, f"Hall {n // 10:03d}", now))
            db.execute("INSERT INTO terminal_status (terminal_id, sent_at, received_at, devices) VALUES (?, ?, ?, ?)",
                       (terminal, now, now, devices))
    session = requests.Session()
    assert session.post(server.base_url + dashboard.LOGIN_PATH, data={"password": PASSWORD}, timeout=30).ok
    yield server, session
    session.close()
    server.stop()


def rows(page: str) -> list[str]:
    """The terminals listed in the terminals table (other sections of the page name terminals too)."""
    table = page.split('<table id="terminals">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr [^>]*data-terminal="([^"]+)"', table)


def test_every_terminal_on_one_page_with_the_hall_filter(province, monkeypatch):
    server, session = province
    page = session.get(server.base_url + dashboard.HALL_PATH, timeout=60).text
    shown = rows(page)
    assert len(shown) == TERMINALS and shown == sorted(shown)
    assert 'id="hall-filter"' in page and 'value="Hall 499"' in page and 'id="pages"' not in page


def test_one_hall_shows_its_own_terminals_only(province):
    server, session = province
    page = session.get(server.base_url + dashboard.HALL_PATH, params={"hall": "Hall 042"}, timeout=60).text
    assert rows(page) == [f"P-H042-T{n}" for n in range(10)]
    assert '<option value="Hall 042" selected>' in page


def test_more_terminals_than_a_page_are_paged(province, monkeypatch):
    server, session = province
    monkeypatch.setattr(dashboard, "TERMINALS_PER_PAGE", 1200)
    first = session.get(server.base_url + dashboard.HALL_PATH, timeout=60).text
    last = session.get(server.base_url + dashboard.HALL_PATH, params={"page": "5"}, timeout=60).text
    beyond = session.get(server.base_url + dashboard.HALL_PATH, params={"page": "99"}, timeout=60).text
    wrong = session.get(server.base_url + dashboard.HALL_PATH, params={"page": "x"}, timeout=60).text
    assert len(rows(first)) == 1200 and rows(first)[0] == "P-H000-T0"
    assert len(rows(last)) == TERMINALS - 4 * 1200 and rows(last)[-1] == "P-H499-T9"
    assert rows(beyond) == rows(last) and rows(wrong) == rows(first)  # clamped, never an error
    assert '<a href="?page=2">2</a>' in first and "<strong>1</strong>" in first
