"""Byte-exact packets of docs/protocols/fingerprint.md, both ways over a pty: what the driver puts
on the line for each command, and what the simulated module answers to the documented bytes."""

from __future__ import annotations

import time

import pytest
import serial

from devices.fingerprint.contract import MSG_BAD_FRAME, FingerprintError
from devices.fingerprint.driver import SerialFingerprintScanner
from devices.fingerprint.protocol import (
    IMAGE_BYTES,
    Code,
    Instruction,
    decode_packet,
    decode_system_parameters,
    encode_command,
    image_packets,
    unpack_pixels,
    upload_wire_bytes,
)
from devices.fingerprint.simulator import Finger, FingerprintSimulator

from .conftest import BAUD, FAST_TIMEOUTS

# The documented frames (docs/protocols/fingerprint.md), address FFFFFFFF, password 0.
VFY_PWD = bytes.fromhex("EF01 FFFFFFFF 01 0007 13 00000000 001B")
READ_SYS_PARA = bytes.fromhex("EF01 FFFFFFFF 01 0003 0F 0013")
GEN_IMG = bytes.fromhex("EF01 FFFFFFFF 01 0003 01 0005")
IMG2TZ_1 = bytes.fromhex("EF01 FFFFFFFF 01 0004 02 01 0008")
UP_IMAGE = bytes.fromhex("EF01 FFFFFFFF 01 0003 0A 000E")
ACK_OK = bytes.fromhex("EF01 FFFFFFFF 07 0003 00 000A")
ACK_NO_FINGER = bytes.fromhex("EF01 FFFFFFFF 07 0003 02 000C")
ACK_TOO_MESSY = bytes.fromhex("EF01 FFFFFFFF 07 0003 06 0010")
ACK_TOO_FEW = bytes.fromhex("EF01 FFFFFFFF 07 0003 07 0011")
ACK_WRONG_PASSWORD = bytes.fromhex("EF01 FFFFFFFF 07 0003 13 001D")
# ReadSysPara's answer: status 0, system id 9, library 300, level 3, address, 128-byte packets (2),
# baud N = 12 (115200, the fixture's rate).
SYS_PARA_ANSWER = bytes.fromhex("EF01 FFFFFFFF 07 0013 00 0000 0009 012C 0003 FFFFFFFF 0002 000C 045D")


def _client(simulator: FingerprintSimulator) -> serial.Serial:
    return serial.Serial(simulator.port, BAUD, timeout=0.5)


def _ask(port: serial.Serial, request: bytes, answer_size: int) -> bytes:
    port.write(request)
    return port.read(answer_size)


def test_the_driver_sends_the_documented_handshake(driver: SerialFingerprintScanner,
                                                    simulator: FingerprintSimulator) -> None:
    assert driver.take_image() is False
    assert list(simulator.packets_seen) == [VFY_PWD, READ_SYS_PARA, GEN_IMG]


def test_the_driver_sends_img2tz_and_upimage_as_documented(driver: SerialFingerprintScanner,
                                                           simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD)
    assert driver.take_image() is True
    driver.judge_image()
    driver.download_image()
    assert list(simulator.packets_seen)[-3:] == [GEN_IMG, IMG2TZ_1, UP_IMAGE]


def test_a_configured_address_and_password_go_into_every_packet() -> None:
    sim = FingerprintSimulator(BAUD, address=0x12345678, password=0x0BADCAFE, model_wire_time=False)
    sim.start()
    scanner = SerialFingerprintScanner(sim.port, BAUD, address=0x12345678, password=0x0BADCAFE,
                                       timeouts=FAST_TIMEOUTS)
    try:
        assert scanner.take_image() is False
        assert sim.packets_seen[0] == bytes.fromhex("EF01 12345678 01 0007 13 0BADCAFE 029B")
        assert sim.packets_seen[-1] == bytes.fromhex("EF01 12345678 01 0003 01 0005")
    finally:
        scanner.close()
        sim.stop()


def test_the_simulator_answers_the_documented_bytes(simulator: FingerprintSimulator) -> None:
    with _client(simulator) as port:
        assert _ask(port, GEN_IMG, 12) == bytes.fromhex("EF01 FFFFFFFF 07 0003 21 002B")  # password first
        assert _ask(port, bytes.fromhex("EF01 FFFFFFFF 01 0007 13 00000001 001C"), 12) == ACK_WRONG_PASSWORD
        assert _ask(port, VFY_PWD, 12) == ACK_OK
        assert _ask(port, READ_SYS_PARA, 28) == SYS_PARA_ANSWER
        assert _ask(port, GEN_IMG, 12) == ACK_NO_FINGER
        simulator.place_finger(Finger.SMUDGED)
        assert _ask(port, GEN_IMG, 12) == ACK_OK
        assert _ask(port, IMG2TZ_1, 12) == ACK_TOO_MESSY
        simulator.place_finger(Finger.FAINT)
        assert _ask(port, GEN_IMG, 12) == ACK_OK
        assert _ask(port, IMG2TZ_1, 12) == ACK_TOO_FEW


def test_the_image_comes_in_288_data_packets_ending_with_id_08(simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD)
    with _client(simulator) as port:
        port.timeout = 2.0
        _ask(port, VFY_PWD, 12)
        _ask(port, GEN_IMG, 12)
        wire = upload_wire_bytes(128) - 12  # the command is ours
        answer = _ask(port, UP_IMAGE, wire)
    assert len(answer) == 12 + IMAGE_BYTES + 288 * 11 and answer[:12] == ACK_OK
    packets = [decode_packet(answer[i:i + 139]) for i in range(12, len(answer), 139)]
    assert [p.packet_id for p in packets] == [0x02] * 287 + [0x08]
    assert all(len(p.payload) == 128 for p in packets)


def test_sums_and_lengths_are_checked() -> None:
    with pytest.raises(FingerprintError) as bad_sum:
        decode_packet(ACK_OK[:-1] + b"\x0b")
    assert bad_sum.value.message_key == MSG_BAD_FRAME
    with pytest.raises(FingerprintError):
        decode_packet(ACK_OK[:-1])
    with pytest.raises(FingerprintError):
        decode_packet(b"\xef\x02" + ACK_OK[2:])


def test_encoders_and_decoders_agree() -> None:
    assert encode_command(0xFFFFFFFF, Instruction.UP_IMAGE) == UP_IMAGE
    parameters = decode_system_parameters(decode_packet(SYS_PARA_ANSWER).payload[1:])
    assert (parameters.packet_size, parameters.baud, parameters.address) == (128, 115200, 0xFFFFFFFF)
    image = bytes(range(256)) * (IMAGE_BYTES // 256)
    data = image_packets(0xFFFFFFFF, image, 256)
    assert len(data) == IMAGE_BYTES + 144 * 11 and data[6] == 0x02 and data[-267 + 6] == 0x08
    pixels = unpack_pixels(image)
    assert pixels[:4] == bytes((0, 0, 0, 1)) and pixels[-2:] == bytes((15, 15))
    assert Code(0x06) is Code.TOO_MESSY


def test_a_stalled_half_command_is_dropped_not_joined_to_the_next(simulator: FingerprintSimulator) -> None:
    with _client(simulator) as port:
        port.write(VFY_PWD[:5])
        time.sleep(0.1)
        assert _ask(port, VFY_PWD, 12) == ACK_OK
