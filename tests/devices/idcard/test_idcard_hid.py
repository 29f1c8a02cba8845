"""HID ID card readers: the SAM frames in HID reports, byte for byte, against a simulated
HID-to-UART bridge in front of the simulated module (reports over a socket pair).

There is no USB bus on the test machines: what only real hidapi runs is HidapiReports'
few lines, and the test of it checks only that a missing library or device is "disconnected".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.base import DeviceStatus
from devices.idcard import protocol
from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.hid_link import HidByteStream, HidLink, pack_reports, unpack_report
from devices.idcard.hid_simulator import SIMULATED_HID_ID, HidBridgeSimulator
from devices.idcard.protocol import Sw3
from devices.idcard.records import encode_card
from devices.idcard.simulator import (
    IdCardSimulator,
    sample_foreign_2023_card,
    sample_foreign_card,
    sample_residence_permit,
    sample_resident_card,
)

from .conftest import FAST_TIMEOUTS

FIND = bytes.fromhex("AAAAAA9669 0003 2001 22")
SELECT = bytes.fromhex("AAAAAA9669 0003 2002 21")
READ = bytes.fromhex("AAAAAA9669 0003 3001 32")


def test_a_request_is_one_report_whose_id_is_its_length() -> None:
    assert pack_reports(FIND) == [bytes([10]) + FIND + bytes(53)]
    assert len(pack_reports(FIND)[0]) == 64


def test_long_data_is_split_into_full_reports_and_a_last_short_one() -> None:
    data = bytes(range(130))
    assert pack_reports(data) == [bytes([63]) + data[:63], bytes([63]) + data[63:126],
                                  bytes([4]) + data[126:] + bytes(59)]
    assert b"".join(unpack_report(report) for report in pack_reports(data)) == data


@pytest.mark.parametrize("report", [b"", bytes(64), bytes([64]) + bytes(63), bytes([9]) + bytes(5)])
def test_reports_that_are_not_data_reports_carry_nothing(report: bytes) -> None:
    assert unpack_report(report) == b""


@pytest.fixture
def module() -> Iterator[IdCardSimulator]:
    sim = IdCardSimulator()
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def bridge(module: IdCardSimulator) -> Iterator[HidBridgeSimulator]:
    sim = HidBridgeSimulator(module)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def reader(bridge: HidBridgeSimulator) -> Iterator[SerialIdCardReader]:
    link = HidLink(SIMULATED_HID_ID, 115200, FAST_TIMEOUTS.answer_s, bridge.open_reports)
    device = SerialIdCardReader(SIMULATED_HID_ID, timeouts=FAST_TIMEOUTS, link=link)
    yield device
    device.close()


@pytest.mark.parametrize("make_card", [sample_resident_card, sample_residence_permit, sample_foreign_card,
                                       sample_foreign_2023_card])
def test_each_card_kind_reads_back_exactly_over_hid(module, bridge, reader, make_card) -> None:
    card = make_card()
    module.insert_card(card)
    result = reader.read_card()
    assert result.outcome is ReadOutcome.CARD and result.record == card


def test_the_reports_on_the_wire_are_the_serial_frames_byte_for_byte(module, bridge, reader) -> None:
    """GIVEN a card on the HID reader WHEN it is read THEN the host sent exactly the find, select
    and read frames in one report each, and the reports back carry exactly the module's answers."""
    module.insert_card(sample_resident_card())
    reader.read_card()
    assert list(bridge.from_host) == [*pack_reports(FIND), *pack_reports(SELECT), *pack_reports(READ)]
    assert list(module.requests) == [FIND, SELECT, READ]
    answers = b"".join(unpack_report(report) for report in bridge.to_host)
    frames = []
    while answers:
        size = protocol.HEADER_SIZE + protocol.frame_length(answers[:protocol.HEADER_SIZE])
        frames.append(protocol.parse_response(answers[:size]))
        answers = answers[size:]
    assert [frame.sw3 for frame in frames] == [Sw3.FIND_SUCCESS, Sw3.SUCCESS, Sw3.SUCCESS]
    card = sample_resident_card()
    assert frames[2].data == protocol.encode_text_photo(encode_card(card), card.photo.wlt)
    for report in bridge.to_host:
        assert len(report) == 64 and report[1 + report[0]:] == bytes(63 - report[0])


def test_sam_commands_over_hid(reader) -> None:
    assert reader.status() is DeviceStatus.READY
    assert reader.sam_id().raw  # the simulated SAM's id came back through the reports


def test_unplugging_the_hid_reader_is_a_disconnect_and_a_replug_recovers(module, bridge, reader) -> None:
    module.insert_card(sample_resident_card())
    assert reader.status() is DeviceStatus.READY
    bridge.unplug()
    with pytest.raises(IdCardError) as error:
        reader.read_card()
    assert error.value.message_key == "idcard.disconnected"
    assert reader.status() is DeviceStatus.DISCONNECTED
    bridge.plug_in()
    assert reader.status() is DeviceStatus.READY
    assert reader.read_card().outcome is ReadOutcome.CARD


def test_a_hid_reader_is_named_by_usb_identity_only() -> None:
    with pytest.raises(ValueError, match="usb:VID:PID"):
        HidLink("/dev/hidraw0", 115200, 0.5)
    with pytest.raises(ValueError, match="usb:VID:PID"):
        HidLink("usb-path:1-1.2", 115200, 0.5)


def test_the_factory_builds_the_hid_transport_and_refuses_a_path(tmp_path) -> None:
    from core.schema import ConfigError
    from devices.factory import DeviceContext, build_device

    settings = {"driver": "hid", "port": "/dev/ttyUSB0", "baud": 115200, "answer_timeout_s": 0.3,
                "card_read_timeout_s": 0.6, "frame_margin_s": 0.05, "read_fingerprints": False,
                "read_appended_address": False, "wlt_decoder": "none", "wlt_library": "",
                "wlt_function": "unpack", "wlt_flag": 602}
    with pytest.raises(ConfigError, match="devices.idcard.port: a HID reader is named usb:VID:PID"):
        build_device("idcard", settings, DeviceContext(tmp_path))
    context = DeviceContext(tmp_path)
    reader = build_device("idcard", {**settings, "port": "usb:0483:5750"}, context)
    try:
        # No HID reader on this machine (and maybe no hidapi library): disconnected, with the reason.
        assert reader.status() is DeviceStatus.DISCONNECTED
        with pytest.raises(IdCardError, match="cannot open usb:0483:5750: .*(hidapi is not installed|HID device)"):
            reader.read_card()
    finally:
        context.close_all()


def test_a_byte_stream_read_returns_what_came_when_its_timeout_runs_out(bridge) -> None:
    stream = HidByteStream(bridge.open_reports(bridge.identity), timeout=0.05)
    assert stream.read(5) == b""
    stream.close()


def test_udev_rules_give_the_hid_reader_to_the_kiosk_group() -> None:
    from devices.udev_rules import udev_rules

    text = udev_rules({"idcard": {"driver": "hid", "port": "usb:0483:5750"}})
    assert ('SUBSYSTEM=="hidraw", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="5750", SYMLINK+="kiosk-idcard", '
            'GROUP="kiosk", MODE="0660"') in text.splitlines()
