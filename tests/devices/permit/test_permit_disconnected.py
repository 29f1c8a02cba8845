"""The module is unplugged and plugged back in: DISCONNECTED, then it works again unprompted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.permit.contract import PermitError
from devices.permit.driver import SerialPermitDriver, Timeouts
from devices.permit.simulator import FAST_TIMING, PermitCardSimulator

TIMEOUTS = Timeouts(status=0.3, read=0.5, write=0.8)


def test_unplug_and_replug_on_the_same_port_name(tmp_path: Path, state_file: Path) -> None:
    """GIVEN the driver opens a stable port name (like /dev/serial/by-id/...)
    WHEN the module goes away and comes back under that name
    THEN the driver reports DISCONNECTED meanwhile and reconnects by itself."""
    port_name = tmp_path / "ttyPERMIT"
    first = PermitCardSimulator(state_file, timing=FAST_TIMING)
    os.symlink(first.start(), port_name)
    driver = SerialPermitDriver(str(port_name), timeouts=TIMEOUTS)
    assert driver.status() is DeviceStatus.READY

    first.stop()
    port_name.unlink()
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(PermitError) as caught:
        driver.read_card()
    assert caught.value.message_key == "permit.disconnected"

    second = PermitCardSimulator(state_file, timing=FAST_TIMING)
    os.symlink(second.start(), port_name)
    try:
        assert driver.status() is DeviceStatus.READY
        assert driver.read_card().permit_number == "C12345678"
    finally:
        driver.close()
        second.stop()


def test_status_changes_are_logged_once_each(simulator, driver, caplog) -> None:
    caplog.set_level("INFO", logger="devices.permit.driver")
    for _ in range(3):
        driver.status()
    simulator.remove_card()
    for _ in range(3):
        driver.status()
    changes = [r.getMessage() for r in caplog.records if "->" in r.getMessage()]
    assert changes == ["permit: (start) -> ready", "permit: ready -> no_card"]
