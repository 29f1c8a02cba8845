"""The terminal's own alerts (a refused configuration file, the maintenance PIN locked) reach the hall
dashboard over real HTTP within seconds, in the heartbeat's device entries (no contract change),
and leave it when they are cleared (issue 18)."""

from __future__ import annotations

import datetime as dt
import time

from backend.dashboard import TerminalState, render_terminals, terminal_views
from backend.store import Store
from backend_client.client import BackendClient
from backend_client.outbox import Outbox
from backend_client.settings import ClientSettings
from devices.base import DeviceStatus
from flows.journal import Journal
from terminal.alerts import CONFIG_REFUSED, DETAIL_MAX_CHARS, MAINTENANCE_PIN_LOCKED, TerminalAlerts
from terminal.fleet import FleetLink

DELIVERY_SECONDS = 10.0
# Long enough that only an alert's own heartbeat can arrive within the test.
SLOW_INTERVAL = 3600.0


def latest_devices(backend) -> dict[str, tuple[str, str | None]]:
    import json

    rows = backend.rows("SELECT devices FROM terminal_status WHERE terminal_id = 'HALL-T01'")
    return {d["kind"]: (d["status"], d["detail"]) for d in json.loads(rows[0]["devices"])} if rows else {}


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + DELIVERY_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"waited for {what}"
        time.sleep(0.05)


def test_an_alert_reaches_the_dashboard_at_once_and_leaves_it_when_cleared(tmp_path, reference_backend, hall_config):
    config = hall_config(tmp_path / "kiosk", reference_backend.url)
    client = BackendClient(ClientSettings.from_config(config))
    outbox = Outbox(config.data_dir / "backend" / "outbox.sqlite3", client, 0.05, 0.2)
    journal = Journal(config.journal_path)
    link = FleetLink(config, client, outbox, journal, lambda: {"printer": DeviceStatus.READY},
                     interval_seconds=SLOW_INTERVAL)
    alerts = TerminalAlerts()
    outbox.start()
    link.start()
    try:
        wait_until(lambda: "printer" in latest_devices(reference_backend), "the first heartbeat")
        link.use_alerts(alerts)
        alerts.raise_alert(CONFIG_REFUSED, "hall.toml refused: not UTF-8 at byte 27 (it looks saved as GBK/GB18030: "
                                           "save it as UTF-8); running on the previous configuration")
        alerts.raise_alert(MAINTENANCE_PIN_LOCKED, "5 wrong PIN tries; locked for 30 s")
        wait_until(lambda: CONFIG_REFUSED in latest_devices(reference_backend), "the alert's heartbeat")
        wait_until(lambda: MAINTENANCE_PIN_LOCKED in latest_devices(reference_backend), "the second alert")
        devices = latest_devices(reference_backend)
        assert devices[CONFIG_REFUSED][0] == "ERROR" and "byte 27" in devices[CONFIG_REFUSED][1]
        assert devices[MAINTENANCE_PIN_LOCKED] == ("ERROR", "5 wrong PIN tries; locked for 30 s")

        now = dt.datetime.now(dt.UTC)
        store = Store(reference_backend.db_path)
        views = terminal_views(store, now)
        assert views[0].state(now, 180) == TerminalState.ATTENTION
        page = render_terminals(views, now, 180)
        assert "config: ERROR" in page and "hall.toml refused: not UTF-8 at byte 27" in page
        assert "maintenance_pin: ERROR" in page and "locked for 30 s" in page

        alerts.clear(CONFIG_REFUSED)
        alerts.clear(MAINTENANCE_PIN_LOCKED)
        wait_until(lambda: set(latest_devices(reference_backend)) == {"printer"}, "the alerts to clear")
        views = terminal_views(store, dt.datetime.now(dt.UTC))
        assert views[0].state(dt.datetime.now(dt.UTC), 180) == TerminalState.OK
    finally:
        link.stop()
        outbox.close()
        journal.close()
        client.close()


def test_alert_details_fit_the_contract_and_repeats_are_not_sent_again():
    alerts = TerminalAlerts()
    changes: list[int] = []
    alerts.subscribe(lambda: changes.append(1))
    alerts.raise_alert("config", "x" * 500 + "\n second line")
    alerts.raise_alert("config", "x" * 500 + "\n second line")
    assert len(alerts.current()["config"]) == DETAIL_MAX_CHARS and "\n" not in alerts.current()["config"]
    assert len(changes) == 1, "the same alert again is no change"
    alerts.clear("config")
    alerts.clear("config")
    assert alerts.current() == {} and len(changes) == 2
