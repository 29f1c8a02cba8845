"""A province's dashboard in a real browser (issue 17): 5,000 terminals' latest states on one page
in headless Chromium, then one hall picked from the filter. The page's load time in the browser is
recorded as the test's `dashboard_load_ms` property (bench/hall_load.py measures the server side)."""

from __future__ import annotations

import json

import pytest

from backend.dashboard_auth import hash_password
from backend.timeutil import iso, utc_now
from tests.hall.test_dashboard_chromium import browser  # noqa: F401 - the headless Chromium fixture

PASSWORD = "province-staff-17"
TERMINALS = 5000


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings

    server = ReferenceServer(tmp_path_factory.mktemp("province") / "reference.sqlite3",
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
    yield server
    server.stop()


def test_five_thousand_terminals_then_one_hall_in_chromium(province, browser, record_property):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(province.base_url + "/hall/login")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    browser.find_element(By.ID, "terminals")
    rows = browser.execute_script("return document.querySelectorAll('#terminals tbody tr[data-terminal]').length")
    assert rows == TERMINALS
    record_property("dashboard_load_ms", browser.execute_script(
        "const t = performance.getEntriesByType('navigation')[0]; return t ? t.duration : null"))

    Select(browser.find_element(By.NAME, "hall")).select_by_value("Hall 123")
    browser.find_element(By.CSS_SELECTOR, "#hall-filter button").click()
    browser.find_element(By.CSS_SELECTOR, "option[value='Hall 123'][selected]")
    shown = browser.execute_script(
        "return [...document.querySelectorAll('#terminals tbody tr[data-terminal]')].map(r => r.dataset.terminal)")
    assert shown == [f"P-H123-T{n}" for n in range(10)]
