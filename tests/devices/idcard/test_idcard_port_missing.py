"""A configured port that does not exist (reader unplugged, wrong path): DISCONNECTED, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.idcard.contract import IdCardError
from devices.idcard.driver import SerialIdCardReader

from .conftest import FAST_TIMEOUTS


def test_read_on_a_missing_port_raises_disconnected(tmp_path: Path) -> None:
    port = str(tmp_path / "ttyUSB9")
    reader = SerialIdCardReader(port, timeouts=FAST_TIMEOUTS)
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.disconnected"
    assert caught.value.detail == f"cannot open {port}: No such file or directory"


def test_status_of_a_missing_port_is_disconnected_and_does_not_raise(tmp_path: Path) -> None:
    reader = SerialIdCardReader(str(tmp_path / "ttyUSB9"), timeouts=FAST_TIMEOUTS)
    assert reader.status() is DeviceStatus.DISCONNECTED
    assert reader.status() is DeviceStatus.DISCONNECTED
    reader.close()  # closing a reader that never connected is fine


def test_a_path_that_is_not_a_serial_port(tmp_path: Path) -> None:
    not_a_port = tmp_path / "notes.txt"
    not_a_port.write_text("hello")
    reader = SerialIdCardReader(str(not_a_port), timeouts=FAST_TIMEOUTS)
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.disconnected"
    assert reader.status() is DeviceStatus.DISCONNECTED


def test_a_port_another_program_holds_is_reported_not_shared(simulator, reader) -> None:
    assert reader.status() is DeviceStatus.READY  # holds the port (exclusive lock)
    second = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS)
    with pytest.raises(IdCardError) as caught:
        second.read_card()
    assert caught.value.message_key == "idcard.disconnected"
