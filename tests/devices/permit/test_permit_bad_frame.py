"""Garbled frames in both directions: retried when that is safe, reported when not, never a hang."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable, Iterator

import pytest
import serial

from devices.base import DeviceStatus
from devices.channels import PtyPair, open_pty
from devices.permit.contract import PermitError, WriteOutcome
from devices.permit.driver import SerialPermitDriver, Timeouts
from devices.permit.protocol import (
    Command,
    FrameSplitter,
    Status,
    bad_frame_response,
    encode_request,
    encode_response,
    encode_status_data,
)

TIMEOUTS = Timeouts(status=0.3, read=0.5, write=0.8)


def test_one_garbled_answer_to_a_read_is_asked_again(simulator, driver) -> None:
    simulator.corrupt_next_answers(1)
    card = driver.read_card()
    assert card.permit_number == "C12345678"
    assert simulator.commands_seen.count(Command.READ_CARD) == 2


def test_garbled_twice_is_a_bad_frame_error_and_the_next_call_works(simulator, driver) -> None:
    simulator.corrupt_next_answers(2)
    with pytest.raises(PermitError) as caught:
        driver.read_card()
    assert caught.value.message_key == "permit.bad_frame"
    assert driver.status() is DeviceStatus.READY


def test_a_garbled_write_answer_is_never_resent_and_the_read_back_decides(simulator, driver, endorsement) -> None:
    simulator.corrupt_next_answers(1)
    result = driver.write_endorsement(endorsement(8601))
    assert result.outcome is WriteOutcome.WRITTEN
    assert simulator.commands_seen.count(Command.WRITE_ENDORSEMENT) == 1
    assert simulator.commands_seen[-1] is Command.READ_RECORD


def test_module_answers_a_corrupted_request_with_bad_frame(simulator) -> None:
    request = bytearray(encode_request(5, Command.STATUS))
    request[-2] ^= 0x01
    with serial.Serial(simulator.port, 115200, timeout=0.5) as port:
        port.write(bytes(request))
        answer = port.read(len(bad_frame_response()))
    assert answer == bad_frame_response()


def test_module_drops_a_request_that_stops_halfway(simulator) -> None:
    with serial.Serial(simulator.port, 115200, timeout=0.5) as port:
        port.write(encode_request(5, Command.STATUS)[:4])
        assert port.read(len(bad_frame_response())) == bad_frame_response()
        port.write(encode_request(6, Command.STATUS))
        # the simulator has the opening sensor (issue 14): VERSION, CARD_PRESENT, CARD_AT_OPENING
        assert port.read(12) == encode_response(6, Command.STATUS, Status.OK, encode_status_data(True, False))


class ScriptedModule:
    """A module that answers each request with the bytes a test scripts for it (given the
    request's SEQ): noise, stale answers, frames cut short, or nothing. It stands on the far
    side of a real pty, like the simulator."""

    def __init__(self) -> None:
        self.pty: PtyPair = open_pty()
        self.replies: list[Callable[[int], bytes]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        splitter = FrameSplitter()
        while not self._stop.is_set():
            if not select.select([self.pty.master_fd], [], [], 0.02)[0]:
                continue
            for frame in splitter.feed(os.read(self.pty.master_fd, 1024)):
                if self.replies and not isinstance(frame, PermitError):
                    os.write(self.pty.master_fd, self.replies.pop(0)(frame.seq))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.pty.close()


@pytest.fixture
def scripted() -> Iterator[ScriptedModule]:
    module = ScriptedModule()
    yield module
    module.stop()


def status_answer(seq: int, present: bool = True) -> bytes:
    return encode_response(seq, Command.STATUS, Status.OK, encode_status_data(present))


def read_answer_cut_short(seq: int) -> bytes:
    return encode_response(seq, Command.READ_CARD, Status.OK, b"C12345678")[:8]


def test_noise_and_a_stale_answer_before_the_real_one_are_skipped(scripted: ScriptedModule) -> None:
    driver = SerialPermitDriver(scripted.pty.slave_path, timeouts=TIMEOUTS)
    # Noise, then an answer to the previous request, then the real answer.
    scripted.replies.append(lambda seq: b"\x00\xff\x13" + status_answer(seq - 1, present=False)
                            + status_answer(seq))
    assert driver.status() is DeviceStatus.READY
    driver.close()


def test_an_answer_cut_short_is_a_bad_frame_not_a_hang(scripted: ScriptedModule) -> None:
    driver = SerialPermitDriver(scripted.pty.slave_path, timeouts=TIMEOUTS)
    scripted.replies += [read_answer_cut_short, read_answer_cut_short]  # the first, and the one asked again
    with pytest.raises(PermitError) as caught:
        driver.read_card()
    assert caught.value.message_key == "permit.bad_frame" and "short frame" in caught.value.detail
    driver.close()


def test_silence_is_a_timeout_and_the_status_disconnected(scripted: ScriptedModule) -> None:
    driver = SerialPermitDriver(scripted.pty.slave_path, timeouts=TIMEOUTS)
    assert driver.status() is DeviceStatus.DISCONNECTED
    with pytest.raises(PermitError, match="permit.timeout"):
        driver.read_card()
    scripted.replies.append(status_answer)
    assert driver.status() is DeviceStatus.READY  # reopened and answered
    driver.close()
