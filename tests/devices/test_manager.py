"""The device manager over real simulators: builds what the config names, survives builders that
fail, polls health in the background and logs each status change exactly once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.base import DeviceStatus
from devices.factory import DeviceContext
from devices.idcard.contract import ReadOutcome
from devices.idcard.simulator import sample_resident_card
from devices.manager import DeviceManager
from terminal.config import load_config

FAST_POLL_S = 0.05


def idcard_settings(**changes: Any) -> dict[str, Any]:
    return {**load_config()["devices"]["idcard"], "answer_timeout_s": 0.2, **changes}


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


@pytest.fixture
def manager(tmp_path: Path):
    managers: list[DeviceManager] = []

    def start(devices: dict[str, dict[str, Any]]) -> DeviceManager:
        started = DeviceManager(devices, DeviceContext(tmp_path), poll_interval_s=FAST_POLL_S)
        started.start()
        managers.append(started)
        return started

    yield start
    for started in managers:
        started.close()


def test_devices_that_cannot_be_built_are_reported_not_fatal(manager) -> None:
    devices = manager({"idcard": idcard_settings(), "printer": {"driver": "carrier-pigeon"}, "camera": {}})
    assert devices.states() == {"idcard": DeviceStatus.READY, "printer": DeviceStatus.ERROR,
                                "camera": DeviceStatus.ERROR}
    assert "no driver 'carrier-pigeon' for device 'printer'" in devices.state("printer").reason
    assert devices.state("camera").reason == "no driver configured in [devices.camera]"
    assert devices.get("printer") is None and devices.get("camera") is None


def test_a_builder_that_raises_is_an_error_with_its_reason(manager, tmp_path: Path) -> None:
    missing = tmp_path / "libwlt.so"
    devices = manager({"idcard": idcard_settings(driver="serial", wlt_decoder="library", wlt_library=str(missing))})
    assert devices.states() == {"idcard": DeviceStatus.ERROR}
    assert str(missing) in devices.state("idcard").reason


def test_flows_get_the_working_device(manager) -> None:
    devices = manager({"idcard": idcard_settings()})
    devices.context.simulators["idcard"].insert_card(sample_resident_card())
    assert devices.get("idcard").read_card().outcome is ReadOutcome.CARD


def test_each_status_change_is_logged_once(manager, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="devices.idcard")
    devices = manager({"idcard": idcard_settings()})
    simulator = devices.context.simulators["idcard"]
    idcard = lambda: devices.states()["idcard"]  # noqa: E731

    simulator.sam_fault = True
    wait_until(lambda: idcard() is DeviceStatus.ERROR)
    time.sleep(5 * FAST_POLL_S)  # several polls see the same status
    simulator.sam_fault = False
    wait_until(lambda: idcard() is DeviceStatus.READY)
    simulator.stop()
    wait_until(lambda: idcard() is DeviceStatus.DISCONNECTED)
    time.sleep(5 * FAST_POLL_S)

    changes = [r.getMessage() for r in caplog.records if r.name == "devices.idcard"]
    transitions = [change.split(" (", 1)[0] if not change.startswith("idcard: (start)") else change
                   for change in changes]  # a change not to ready also says why, in brackets
    assert transitions == ["idcard: (start) -> ready", "idcard: ready -> error", "idcard: error -> ready",
                           "idcard: ready -> disconnected"]
    assert changes[1] == "idcard: ready -> error (SAM status 0x60 SAM_SELF_TEST_FAILED)"


def test_close_stops_polling_devices_and_simulators(tmp_path: Path) -> None:
    devices = DeviceManager({"idcard": idcard_settings()}, DeviceContext(tmp_path), poll_interval_s=FAST_POLL_S)
    devices.start()
    simulator = devices.context.simulators["idcard"]
    devices.close()
    assert not any(thread.name == "device-health" for thread in threading.enumerate())
    with pytest.raises(RuntimeError, match="not running"):
        _ = simulator.path  # the simulator's pty is closed
    assert devices.get("idcard") is None
