"""Every fault of docs/protocols/fingerprint.md seen through the real driver over a pty: a wrong
password, a silent module, garbage, a missing port, another module's address, and recovery."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.fingerprint.contract import (
    MSG_BAD_FRAME,
    MSG_DISCONNECTED,
    MSG_TIMEOUT,
    MSG_WRONG_PASSWORD,
    FingerprintError,
)
from devices.fingerprint.driver import SerialFingerprintScanner
from devices.fingerprint.protocol import Code, Instruction
from devices.fingerprint.simulator import Finger, FingerprintSimulator

from .conftest import BAUD, FAST_TIMEOUTS


def test_a_refused_password_is_its_own_error_and_an_error_status(simulator: FingerprintSimulator) -> None:
    scanner = SerialFingerprintScanner(simulator.port, BAUD, password=1234, timeouts=FAST_TIMEOUTS)
    try:
        with pytest.raises(FingerprintError) as refused:
            scanner.take_image()
        assert (refused.value.message_key, refused.value.code) == (MSG_WRONG_PASSWORD, Code.WRONG_PASSWORD)
        assert scanner.status() is DeviceStatus.ERROR
        assert "password" in scanner.last_detail
        assert Instruction.GEN_IMG not in simulator.commands_seen  # nothing after a refused handshake
    finally:
        scanner.close()


def test_a_silent_module_is_a_timeout_then_disconnected_and_recovers(driver: SerialFingerprintScanner,
                                                                     simulator: FingerprintSimulator) -> None:
    assert driver.status() is DeviceStatus.READY
    simulator.go_silent()
    with pytest.raises(FingerprintError) as silent:
        driver.take_image()
    assert silent.value.message_key == MSG_TIMEOUT
    assert driver.status() is DeviceStatus.DISCONNECTED
    simulator.go_silent(False)
    simulator.place_finger(Finger.GOOD)
    assert driver.take_image() is True  # reopened and shook hands again, no restart
    assert simulator.packets_seen[-3][9] == Instruction.VFY_PWD


def test_garbage_is_a_bad_frame_and_the_next_command_works(driver: SerialFingerprintScanner,
                                                           simulator: FingerprintSimulator) -> None:
    driver.take_image()
    simulator.answer_garbage()
    with pytest.raises(FingerprintError) as garbage:
        driver.take_image()
    assert garbage.value.message_key == MSG_BAD_FRAME and "garbage" in garbage.value.detail
    assert driver.take_image() is False


def test_garbage_to_the_handshake_makes_the_status_an_error(driver: SerialFingerprintScanner,
                                                            simulator: FingerprintSimulator) -> None:
    simulator.answer_garbage()
    assert driver.status() is DeviceStatus.ERROR
    assert driver.status() is DeviceStatus.READY


def test_a_missing_port_is_disconnected(tmp_path) -> None:
    scanner = SerialFingerprintScanner(str(tmp_path / "no-such-tty"), BAUD, timeouts=FAST_TIMEOUTS)
    with pytest.raises(FingerprintError) as missing:
        scanner.take_image()
    assert missing.value.message_key == MSG_DISCONNECTED
    assert scanner.status() is DeviceStatus.DISCONNECTED


def test_a_module_at_another_address_does_not_answer(simulator: FingerprintSimulator) -> None:
    scanner = SerialFingerprintScanner(simulator.port, BAUD, address=0x00000001, timeouts=FAST_TIMEOUTS)
    try:
        with pytest.raises(FingerprintError) as quiet:
            scanner.take_image()
        assert quiet.value.message_key == MSG_TIMEOUT
    finally:
        scanner.close()


def test_a_module_that_lost_its_image_says_so(driver: SerialFingerprintScanner) -> None:
    with pytest.raises(FingerprintError) as no_image:
        driver.download_image()
    assert no_image.value.code == Code.NO_VALID_IMAGE


def test_a_garbled_image_packet_is_a_bad_frame_and_the_next_capture_works(
        driver: SerialFingerprintScanner, simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD)
    assert driver.take_image()
    simulator.spoil_next_image()
    with pytest.raises(FingerprintError) as garbled:
        driver.download_image()
    assert garbled.value.message_key == MSG_BAD_FRAME and "after 1152 image bytes" in garbled.value.detail
    assert driver.take_image() is True  # the rest of the image was drained, not taken for the answer
    assert len(driver.download_image().pixels) == 256 * 288


def test_an_image_cut_short_is_a_timeout(driver: SerialFingerprintScanner, simulator: FingerprintSimulator) -> None:
    simulator.place_finger(Finger.GOOD)
    assert driver.take_image()
    simulator.spoil_next_image(cut_after_packets=100)
    with pytest.raises(FingerprintError) as cut:
        driver.download_image()
    assert cut.value.message_key == MSG_TIMEOUT and "after 12800 image bytes" in cut.value.detail
    assert driver.take_image() is True
