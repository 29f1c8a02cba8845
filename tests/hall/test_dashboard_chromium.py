"""The hall dashboard in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, which `./kiosk.sh test` installs) driven by selenium against the reference
back end over real HTTP. Two terminals report through the real SOAP client; one then falls
silent (its last heartbeat moved into the past) and must show as stale.

Login page, wrong password refused, login, the terminal list, the stale terminal, the session
cookie's flags, the citizens' evaluations per service and day and the would-be text messages
with masked numbers (issue 20), logout (the page is closed again afterwards).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from backend import seed
from backend.dashboard_auth import hash_password
from backend.timeutil import hall_day
from backend_client import models as mo
from backend_client.client import BackendClient, new_request_id
from backend_client.settings import ClientSettings
from devices.base import DeviceStatus

PASSWORD = "hall-staff-2025"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Flags from the machine notes: no sandbox (root in a container), nothing fetched from outside.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,900")
PAGE_WAIT_SECONDS = 10.0


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The reference back end with the dashboard open, and two terminals that reported."""
    from backend.server import ReferenceServer
    from backend.settings import ServerSettings

    settings = ServerSettings(dashboard_password_hash=hash_password(PASSWORD), dashboard_stale_seconds=120)
    server = ReferenceServer(tmp_path_factory.mktemp("hall") / "reference.sqlite3", settings=settings).start()
    try:
        for terminal, printer in (("HALL-T01", DeviceStatus.READY), ("HALL-T02", DeviceStatus.NO_PAPER)):
            client = BackendClient(ClientSettings(server.url, terminal, hall_name="长沙出入境大厅"))
            client.register_terminal("0.1.0", new_request_id())
            client.send_heartbeat(mo.Heartbeat(dt.datetime.now(dt.timezone.utc), (
                mo.DeviceState("printer", printer), mo.DeviceState("idcard", DeviceStatus.READY)),
                paper_low=printer is DeviceStatus.NO_PAPER, software_version="0.1.0", config_version="cfg-1",
                outbox_length=3), new_request_id())
            if terminal == "HALL-T01":  # issue 20: two evaluations and a citizen's text messages
                now = dt.datetime.now(dt.timezone.utc)
                client.submit_evaluation("traffic_fines", mo.EvaluationLevel.VERY_SATISFIED, (), new_request_id(), now)
                client.submit_evaluation("traffic_fines", mo.EvaluationLevel.DISSATISFIED,
                                         (mo.EvaluationReason.TOO_SLOW,), new_request_id(), now)
                client.subscribe_notices(seed.person("long_term_id").id_number, "13712345678", new_request_id(),
                                         application_number="AP-DEMO-0002")
                # A walk-in ticket and an urgent request (issue 20: the queue section).
                client.issue_queue_ticket(mo.AppointmentService.OTHER, mo.QueuePriority.NONE, new_request_id())
                client.request_urgent_handling(seed.person("minor").id_number, mo.UrgentReason.FUNERAL,
                                               mo.AppointmentService.OTHER, new_request_id())
            client.close()
        silent_since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=30)).isoformat()
        with server.backend.store.write() as db:
            db.execute("UPDATE terminals SET last_heartbeat_at = ? WHERE terminal_id = 'HALL-T02'", (silent_since,))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for program in (CHROMIUM, CHROMEDRIVER):
        assert Path(program).exists() or shutil.which(Path(program).name), (
            f"{program} is missing: run the tests with ./kiosk.sh test, which installs Debian's "
            "chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(PAGE_WAIT_SECONDS)
    yield driver
    driver.quit()


def absent(browser, element_id: str) -> bool:
    """No such element on the page now (without the implicit wait for one to appear)."""
    from selenium.webdriver.common.by import By

    browser.implicitly_wait(0)
    try:
        return not browser.find_elements(By.ID, element_id)
    finally:
        browser.implicitly_wait(PAGE_WAIT_SECONDS)


def arrives_at(browser, ending: str) -> bool:
    """The page a click navigates to has loaded (a click returns before the navigation ends)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(browser, PAGE_WAIT_SECONDS).until(lambda b: b.current_url.endswith(ending))
    except TimeoutException:
        return False
    return True


def test_the_dashboard_in_headless_chromium(hall, browser):
    from selenium.webdriver.common.by import By

    dashboard = hall.base_url + "/hall/"
    browser.get(dashboard)
    assert browser.current_url.endswith("/hall/login"), "the list must not show before a login"
    assert browser.find_elements(By.ID, "password")

    browser.find_element(By.ID, "password").send_keys("not-the-password")
    browser.find_element(By.ID, "login").click()
    assert "Wrong password" in browser.find_element(By.ID, "login-error").text
    assert absent(browser, "terminals")
    assert not browser.get_cookies()

    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    table = browser.find_element(By.ID, "terminals")
    assert browser.current_url == dashboard
    cookie = browser.get_cookie("hall_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/hall/"

    rows = {row.get_attribute("data-terminal"): row
            for row in table.find_elements(By.CSS_SELECTOR, "tbody tr[data-terminal]")}
    assert set(rows) == {"HALL-T01", "HALL-T02"}
    fresh, silent = rows["HALL-T01"], rows["HALL-T02"]
    assert fresh.get_attribute("class") == "ok"
    assert fresh.find_element(By.CLASS_NAME, "state").text == "ok"
    assert "长沙出入境大厅" in fresh.text
    assert silent.get_attribute("class") == "stale"
    assert silent.find_element(By.CLASS_NAME, "state").text == "stale"
    assert "30 min ago" in silent.text and "LOW" in silent.text and "printer: NO_PAPER" in silent.text
    # Highlighted as the browser draws it, not only a class name.
    assert silent.find_element(By.TAG_NAME, "td").value_of_css_property("background-color") != \
        fresh.find_element(By.TAG_NAME, "td").value_of_css_property("background-color")

    # Issue 20: today's evaluations of the fines service, level by level, and the texts.
    today = hall_day(dt.datetime.now(dt.timezone.utc)).isoformat()
    evaluations = browser.find_element(By.ID, "evaluations")
    fines = evaluations.find_element(By.CSS_SELECTOR, f'tr[data-day="{today}"][data-service="traffic_fines"]')
    cells = [cell.text for cell in fines.find_elements(By.TAG_NAME, "td")]
    assert cells[:8] == [today, "traffic_fines", "2", "1", "0", "0", "1", "0"] and cells[8] == "TOO_SLOW 1"
    texts = browser.find_element(By.ID, "text-messages")
    mobiles = [cell.text for cell in texts.find_elements(By.CLASS_NAME, "mobile")]
    assert mobiles == ["137****5678", "137****5678"]
    assert "13712345678" not in browser.page_source and "AP-DEMO-0002" in texts.text
    # Issue 20: today's walk-in tickets (the seeded queue, the walk-in E001, the urgent E002) and requests.
    tickets = browser.find_element(By.ID, "tickets")
    assert tickets.find_element(By.CSS_SELECTOR, 'tr[data-ticket="E001"]').get_attribute("class") == "normal"
    assert tickets.find_element(By.CSS_SELECTOR, 'tr[data-ticket="E002"]').get_attribute("class") == "priority"
    urgent = browser.find_element(By.ID, "urgent-cases")
    assert "JJ-DEMO-0001" in urgent.text and "E002" in urgent.text
    assert seed.person("minor").id_number not in browser.page_source

    browser.find_element(By.ID, "logout").click()
    assert arrives_at(browser, "/hall/login"), browser.current_url
    browser.get(dashboard)
    assert browser.current_url.endswith("/hall/login"), "after logout the list needs a new login"
    assert absent(browser, "terminals")
