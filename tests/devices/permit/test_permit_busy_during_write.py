"""A status poll during a write neither waits for it nor slips a command in between the
write and its read back: it says BUSY at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from devices.base import DeviceStatus
from devices.permit.driver import SerialPermitDriver
from devices.permit.protocol import Command
from devices.permit.simulator import PermitCardSimulator, SimulatorTiming


def test_status_is_busy_while_a_write_runs(state_file: Path, endorsement) -> None:
    simulator = PermitCardSimulator(state_file, timing=SimulatorTiming(chip_write=0.3, face_print=0.0))
    driver = SerialPermitDriver(simulator.start())
    try:
        results = []
        writer = threading.Thread(target=lambda: results.append(driver.write_endorsement(endorsement(8701))))
        writer.start()
        time.sleep(0.1)
        started = time.monotonic()
        assert driver.status() is DeviceStatus.BUSY
        assert time.monotonic() - started < 0.2
        writer.join()
        assert results[0].written
        assert list(simulator.commands_seen)[-2:] == [Command.WRITE_ENDORSEMENT, Command.READ_RECORD]
        assert driver.status() is DeviceStatus.READY
    finally:
        driver.close()
        simulator.stop()
