"""The reader configured by USB identity: found by its ids at every open, followed across a replug
that renumbers its port, and "disconnected" with the reason when it is not plugged in.

The reader is the simulator on a real pty; the port listing (pyserial's comports() in a hall)
names that pty with the reader's USB ids while the simulator runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.base import DeviceStatus
from devices.channels import open_pty
from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.simulator import IdCardSimulator, sample_resident_card

from ..test_usb_ports import FakePort, Listing
from .conftest import FAST_TIMEOUTS

SPEC = "usb:10c4:ea60:IDC-A"


class PluggedReader:
    """The simulator as a USB reader: listed while it runs, gone from the listing when stopped."""

    def __init__(self, listing: Listing) -> None:
        self.listing = listing
        self.simulator = IdCardSimulator()

    def plug_in(self) -> str:
        self.simulator.start()
        self.listing.ports = [FakePort(self.simulator.path, serial_number="IDC-A")]
        return self.simulator.path

    def unplug(self) -> None:
        self.listing.ports = []
        self.simulator.stop()


@pytest.fixture
def plugged() -> Iterator[PluggedReader]:
    device = PluggedReader(Listing(FakePort("/dev/ttyUSB9", vid=0x067B, pid=0x2303)))
    yield device
    device.unplug()


@pytest.fixture
def reader(plugged: PluggedReader) -> Iterator[SerialIdCardReader]:
    device = SerialIdCardReader(SPEC, timeouts=FAST_TIMEOUTS, comports=plugged.listing)
    yield device
    device.close()


def test_a_reader_named_by_usb_identity_reads_cards_across_a_renumbering_replug(
        plugged: PluggedReader, reader: SerialIdCardReader) -> None:
    first_path = plugged.plug_in()
    plugged.simulator.insert_card(sample_resident_card())
    assert reader.status() is DeviceStatus.READY
    assert reader.read_card().outcome is ReadOutcome.CARD

    plugged.unplug()
    assert reader.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.disconnected"
    assert caught.value.detail == f"cannot open {SPEC}: no USB device 10c4:ea60:IDC-A is plugged in"

    placeholder = open_pty()  # the old number stays taken: the reader comes back under another
    try:
        second_path = plugged.plug_in()
    finally:
        placeholder.close()
    assert second_path != first_path
    plugged.simulator.insert_card(sample_resident_card())
    assert reader.status() is DeviceStatus.READY
    assert reader.read_card().outcome is ReadOutcome.CARD


def test_two_readers_matching_the_identity_are_a_disconnection_that_says_so(
        plugged: PluggedReader) -> None:
    plugged.plug_in()
    plugged.listing.ports.append(FakePort("/dev/ttyUSB3", serial_number="IDC-B", location="1-1.4"))
    reader = SerialIdCardReader("usb:10c4:ea60", timeouts=FAST_TIMEOUTS, comports=plugged.listing)
    try:
        with pytest.raises(IdCardError) as caught:
            reader.read_card()
        assert caught.value.message_key == "idcard.disconnected"
        assert "2 USB devices match usb:10c4:ea60" in caught.value.detail
        assert "add the serial number" in caught.value.detail
        assert reader.status() is DeviceStatus.DISCONNECTED
    finally:
        reader.close()
