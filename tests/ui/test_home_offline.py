"""The home screen with the kiosk pointed at a reference back end running in its own process
([backend] mode = "remote", a fixed free port): the back end stops -> every service that needs
it reads "temporarily unavailable"; it starts again -> they come back by themselves. The
printer running out of paper greys only the services that print; the others stay offered.
The terminal also registered and sent its heartbeat to that back end."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from devices.printer.status import PaperLevel
from flows import registry
from terminal.availability import REASON_BACKEND_DOWN, REASON_DEVICE
from terminal.scratch import scratch_config

BACKEND_SETTINGS = {"mode": "remote", "retries": 0, "connect_timeout_seconds": 0.5,
                    "operation_timeout_seconds": 3.0, "outbox_backoff_seconds": 0.1, "outbox_backoff_max_seconds": 0.5}
BACKEND_START_SECONDS = 20.0  # a fresh interpreter imports spyne and seeds the demo data
RUNTIME_START_SECONDS = 30.0
WAIT_SECONDS = 10.0
PRINTING_SERVICES = {s for s in registry.built_services() if "printer" in registry.entry(s).devices}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BackendProcess:
    """`python main.py backend` in its own process on a fixed port, stopped and started again."""

    def __init__(self, folder: Path, port: int) -> None:
        self.db, self.port = folder / "reference.sqlite3", port
        self.log = folder / "backend.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "main.py", "backend", "--port", str(self.port), "--db", str(self.db)],
                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + BACKEND_START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-2000:]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe:
                    # A connect to a loopback port nobody listens on yet can connect the probe to
                    # itself (TCP simultaneous open, when the kernel picks that very port as the
                    # probe's own); that socket would then keep the back end from binding it.
                    if probe.getsockname() != probe.getpeername():
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the back end did not listen within {BACKEND_START_SECONDS} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture(scope="module")
def offline_kiosk(ui_config, simulator_cache, tmp_path_factory):
    from kiosk.headless import HeadlessKiosk

    data = tmp_path_factory.mktemp("offline-kiosk")
    (data / "simulators").symlink_to(simulator_cache, target_is_directory=True)
    backend = BackendProcess(tmp_path_factory.mktemp("offline-backend"), free_port())
    backend.start()
    config = scratch_config(data, terminal={"id": "HALL-OFFLINE-01", "window_scale": 0.5},
                            backend={**BACKEND_SETTINGS, "url": f"http://127.0.0.1:{backend.port}/soap"})
    try:
        with HeadlessKiosk(config).open(start_runtime=True, runtime_seconds=RUNTIME_START_SECONDS) as kiosk:
            yield kiosk.app, backend
    finally:
        backend.stop()


def reasons(app) -> dict[str, str]:
    home = app.screens.get_screen("home")
    home.refresh_availability()
    return {service: home.tile(service).reason_key for service in registry.built_services()}


def test_services_grey_while_the_back_end_is_away_and_come_back_by_themselves(offline_kiosk, frames, wait_for):
    app, backend = offline_kiosk
    health = app.backstage.health
    assert set(reasons(app).values()) == {""}, "every built service is offered while the back end answers"

    backend.stop()
    assert health.check_now() is False  # what the health thread does every PING_INTERVAL_SECONDS
    wait_for(lambda: set(reasons(app).values()) == {REASON_BACKEND_DOWN}, "every service greyed", app, WAIT_SECONDS)
    frames(2)
    shown = app.screens.get_screen("home").tile("progress").ids.reason.text
    assert shown == app.t(REASON_BACKEND_DOWN) and "暂" in shown  # the reason as the citizen reads it
    assert app.t(REASON_BACKEND_DOWN, "en").startswith("Temporarily unavailable")
    app.start_service("progress")
    assert not app.flow_host.active and app.screens.current == "home"

    backend.start()
    assert health.check_now() is True
    wait_for(lambda: set(reasons(app).values()) == {""}, "every service offered again", app, WAIT_SECONDS)


def test_printer_out_of_paper_greys_only_the_services_that_print(offline_kiosk, frames):
    app, _backend = offline_kiosk
    runtime = app.backstage.runtime
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    try:
        runtime.devices.poll_once()  # what the device manager's thread does every few seconds
        shown = reasons(app)
        assert {s for s, reason in shown.items() if reason == REASON_DEVICE["printer"]} == PRINTING_SERVICES
        assert all(shown[s] == "" for s in set(shown) - PRINTING_SERVICES), shown
    finally:
        printer.set_paper(PaperLevel.PRESENT)
        runtime.devices.poll_once()
    assert set(reasons(app).values()) == {""}


def test_the_terminal_registered_and_its_heartbeat_reached_the_back_end(offline_kiosk, wait_for):
    app, backend = offline_kiosk
    fleet = app.backstage.runtime.fleet
    fleet.beat_now()

    remembered = app.backstage.config.data_dir / "backend" / "registration.json"

    def arrived() -> bool:
        """Registered on both sides (the back end's row, and the kiosk holding the answer: a
        registration whose answer was lost while the back end went away is tried again) and a
        heartbeat at the back end."""
        with sqlite3.connect(backend.db) as db:
            registered = db.execute("SELECT software_version FROM terminals WHERE terminal_id = 'HALL-OFFLINE-01'"
                                    " AND registered_at IS NOT NULL").fetchall()
            status = db.execute("SELECT devices, config_version FROM terminal_status"
                                " WHERE terminal_id = 'HALL-OFFLINE-01'").fetchall()
        return bool(registered and status) and remembered.exists()
    wait_for(arrived, "registration and a heartbeat at the back end", app, WAIT_SECONDS)
