"""The reader goes away and comes back: DISCONNECTED meanwhile, then the next call reconnects by itself.

The driver is configured with a stable link (as a hall uses /dev/serial/by-id/...), which the
simulator re-points at its new pty on each start, like udev after a re-plug.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.base import DeviceStatus
from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.simulator import IdCardSimulator, sample_resident_card

from .conftest import FAST_TIMEOUTS


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[tuple[IdCardSimulator, SerialIdCardReader]]:
    simulator = IdCardSimulator(link=tmp_path / "serial" / "by-id" / "usb-SAM_reader-if00")
    simulator.start()
    reader = SerialIdCardReader(str(simulator.link), timeouts=FAST_TIMEOUTS)
    yield simulator, reader
    reader.close()
    simulator.stop()


def test_simulator_restarted(linked) -> None:
    simulator, reader = linked
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD

    simulator.stop()
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.disconnected"
    assert reader.status() is DeviceStatus.DISCONNECTED

    simulator.start()
    simulator.remove_card()
    simulator.insert_card(sample_resident_card())
    assert reader.status() is DeviceStatus.READY
    assert reader.read_card().outcome is ReadOutcome.CARD


def test_port_vanishes_then_comes_back(linked) -> None:
    """Like a USB reader pulled out: the open line dies and its device node disappears."""
    simulator, reader = linked
    assert reader.status() is DeviceStatus.READY
    simulator.stop()
    assert not simulator.link.exists()
    assert reader.status() is DeviceStatus.DISCONNECTED  # the open line failed
    with pytest.raises(IdCardError) as caught:
        reader.read_card()  # reopening finds no port
    assert caught.value.detail == f"cannot open {simulator.link}: No such file or directory"
    assert reader.status() is DeviceStatus.DISCONNECTED
    simulator.start()
    assert reader.status() is DeviceStatus.READY


def test_disconnect_during_a_read_is_reported_not_hung(linked) -> None:
    simulator, reader = linked
    simulator.insert_card(sample_resident_card())
    assert reader.status() is DeviceStatus.READY
    simulator.stop()
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.disconnected"
