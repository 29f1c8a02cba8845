"""Byte-exact frames of the dispenser protocol (docs/protocols/dispenser.md), in the codec and on the wire."""

from __future__ import annotations

import os
import select
import threading
import time

import pytest

from devices.channels import open_pty
from devices.dispenser.contract import (
    DispenserError,
    DocumentRead,
    Fault,
    Location,
    ReadSource,
    Sensors,
    Slot,
    TakeOutcome,
)
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.protocol import (
    Command,
    ErrorCode,
    FrameSplitter,
    bcc,
    decode_frame,
    decode_read,
    decode_response,
    decode_slots,
    decode_where,
    encode_document_id,
    encode_read,
    encode_request,
    encode_slot_and_id,
    encode_slots,
)
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import BAUD, FAST_TIMEOUTS

# The documented examples (docs/protocols/dispenser.md, "Examples"), byte for byte.
STATUS_REQUEST = bytes.fromhex("f2 00 00 03 43 10 01 03 a0")
STATUS_ANSWER = bytes.fromhex("f2 00 00 08 50 10 01 00 01 0c 00 14 03 a1")
STAGE_REQUEST = bytes.fromhex("f2 00 00 0e 43 31 02 01 09 45 36 31 32 33 34 35 30 31 03 c4")
STAGE_ANSWER = bytes.fromhex("f2 00 00 0f 50 31 02 20 01 09 45 36 31 32 33 34 35 30 31 03 f6")
STAGE_ANSWER_NO_READER = bytes.fromhex("f2 00 00 04 50 31 02 20 03 b6")
STAGE_ANSWER_OTHER_READ = bytes.fromhex("f2 00 00 0f 50 31 02 20 01 09 45 36 31 32 33 34 35 30 35 03 f2")
PRESENT_REQUEST = bytes.fromhex("f2 00 00 0d 43 32 03 09 45 36 31 32 33 34 35 30 31 03 c4")
PRESENT_ANSWER = bytes.fromhex("f2 00 00 04 50 32 03 01 03 95")
NOTHING_HELD_ANSWER = bytes.fromhex("f2 00 00 05 4e 32 03 00 0d 03 86")
RETRACT_REQUEST = bytes.fromhex("f2 00 00 03 43 40 03 03 f2")
RETRACT_HELD_ANSWER = bytes.fromhex("f2 00 00 0e 50 40 03 00 09 45 36 31 32 33 34 35 30 35 03 a2")
WRONG_DOCUMENT_ANSWER = bytes.fromhex("f2 00 00 0f 4e 31 03 00 02 09 45 36 31 32 33 34 35 30 35 03 ce")
WHERE_REQUEST = bytes.fromhex("f2 00 00 0d 43 50 04 09 45 36 31 32 33 34 35 30 31 03 a1")
WHERE_TAKEN_ANSWER = bytes.fromhex("f2 00 00 06 50 50 04 02 05 00 03 f4")
BAD_FRAME_ANSWER = bytes.fromhex("f2 00 00 05 4e 00 00 00 0a 03 b0")


def test_bcc_is_the_xor_of_stx_to_etx() -> None:
    assert bcc(bytes.fromhex("f2 00 00 03 43 10 01 03")) == 0xA0  # worked by hand in the document


def test_requests_match_the_documented_examples() -> None:
    assert encode_request(0, 1, Command.STATUS) == STATUS_REQUEST
    assert encode_request(0, 2, Command.STAGE, encode_slot_and_id(1, "E61234501")) == STAGE_REQUEST
    assert encode_request(0, 3, Command.PRESENT, encode_document_id("E61234501")) == PRESENT_REQUEST
    assert encode_request(0, 3, Command.RETRACT) == RETRACT_REQUEST
    assert encode_request(0, 4, Command.WHERE, encode_document_id("E61234501")) == WHERE_REQUEST


def test_answers_decode_to_sensors_errors_and_data() -> None:
    staged = decode_response(decode_frame(STAGE_ANSWER))
    assert staged.ok and staged.sensors == Sensors(picker_occupied=True)  # held behind the tray
    assert decode_read(staged.data) == DocumentRead("E61234501", ReadSource.OPTICAL)
    assert decode_read(decode_response(decode_frame(STAGE_ANSWER_NO_READER)).data) is None
    presented = decode_response(decode_frame(PRESENT_ANSWER))
    assert presented.ok and presented.sensors == Sensors(tray_occupied=True) and presented.data == b""
    nothing = decode_response(decode_frame(NOTHING_HELD_ANSWER))
    assert nothing.error is ErrorCode.NOTHING_HELD and nothing.error.fault is Fault.NOTHING_HELD
    refused = decode_response(decode_frame(WRONG_DOCUMENT_ANSWER))
    assert refused.error is ErrorCode.WRONG_DOCUMENT and refused.data == encode_document_id("E61234505")
    where = decode_response(decode_frame(WHERE_TAKEN_ANSWER))
    assert where.sensors.document_taken
    assert decode_where("E61234501", where.data).location is Location.TAKEN


def test_slots_round_trip_with_empty_slots() -> None:
    slots = [Slot(1, "E61234501"), Slot(2, None), Slot(3, "C30000002")]
    assert encode_slots(slots) == bytes.fromhex("03 09") + b"E61234501" + b"\x00\x09C30000002"
    assert decode_slots(encode_slots(slots)) == slots


@pytest.mark.parametrize("raw", [
    STATUS_ANSWER[:-1] + bytes((STATUS_ANSWER[-1] ^ 1,)),  # BCC
    STATUS_ANSWER[:-2] + b"\x04" + STATUS_ANSWER[-1:],  # ETX
    STATUS_ANSWER[:3] + b"\x00" + STATUS_ANSWER[4:],  # LEN below the minimum
])
def test_a_damaged_frame_is_a_bad_frame(raw: bytes) -> None:
    with pytest.raises(DispenserError) as caught:
        decode_frame(raw)
    assert caught.value.fault is Fault.BAD_FRAME


def test_splitter_skips_noise_and_resyncs_after_a_bad_frame() -> None:
    damaged = STATUS_ANSWER[:-1] + b"\x00"
    found = FrameSplitter().feed(b"\x55\xaa" + damaged + STAGE_ANSWER)
    assert isinstance(found[0], DispenserError)
    assert found[-1] == decode_frame(STAGE_ANSWER)


def _exchange_raw(port: str, request: bytes, answer_size: int) -> bytes:
    """Write `request` on the driver's side of the pty and read exactly `answer_size` bytes."""
    fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, request)
        data = b""
        deadline = time.monotonic() + 2
        while len(data) < answer_size and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                data += os.read(fd, 256)
        return data
    finally:
        os.close(fd)


def test_the_simulator_answers_the_documented_bytes(simulator: DispenserSimulator) -> None:
    assert _exchange_raw(simulator.port, STATUS_REQUEST, len(STATUS_ANSWER)) == STATUS_ANSWER
    # PRESENT before anything is held: refused, nothing moves
    assert _exchange_raw(simulator.port, PRESENT_REQUEST, len(NOTHING_HELD_ANSWER)) == NOTHING_HELD_ANSWER
    assert _exchange_raw(simulator.port, STAGE_REQUEST, len(STAGE_ANSWER)) == STAGE_ANSWER
    assert simulator.stock.picker == "E61234501" and simulator.stock.tray is None  # held, not in the tray
    assert _exchange_raw(simulator.port, PRESENT_REQUEST, len(PRESENT_ANSWER)) == PRESENT_ANSWER
    assert simulator.stock.tray == "E61234501"
    simulator.take_document()
    answer = _exchange_raw(simulator.port, WHERE_REQUEST, len(WHERE_TAKEN_ANSWER))
    assert answer == WHERE_TAKEN_ANSWER


def test_the_simulator_answers_a_garbled_request_with_the_bad_frame_answer(simulator: DispenserSimulator) -> None:
    garbled = STATUS_REQUEST[:-1] + b"\x00"
    assert _exchange_raw(simulator.port, garbled, len(BAD_FRAME_ANSWER)) == BAD_FRAME_ANSWER


class ScriptedModule:
    """The far side of a pty answering each expected request with fixed bytes, so the driver's
    own bytes are checked exactly (a request it did not expect fails the test)."""

    def __init__(self, script: list[tuple[bytes, bytes]]) -> None:
        self.pty = open_pty()
        self.script = script
        self.problem: str | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for expected, answer in self.script:
            received = b""
            deadline = time.monotonic() + 2
            while len(received) < len(expected) and time.monotonic() < deadline:
                if select.select([self.pty.master_fd], [], [], 0.05)[0]:
                    received += os.read(self.pty.master_fd, 256)
            if received != expected:
                self.problem = f"expected {expected.hex(' ')}, got {received.hex(' ')}"
                return
            os.write(self.pty.master_fd, answer)

    def finish(self) -> None:
        self.thread.join(3)
        self.pty.close()
        assert self.problem is None, self.problem


def test_driver_sends_the_documented_bytes_and_reads_the_answers() -> None:
    module = ScriptedModule([(STATUS_REQUEST, STATUS_ANSWER), (STAGE_REQUEST, STAGE_ANSWER),
                             (PRESENT_REQUEST, PRESENT_ANSWER)])
    driver = SerialDispenserDriver(module.pty.slave_path, BAUD, timeouts=FAST_TIMEOUTS)
    try:
        status = driver.module_status()
        assert (status.slot_count, status.reject_count, status.reject_capacity) == (12, 0, 20)
        assert driver.dispense(1, "E61234501") == DocumentRead("E61234501", ReadSource.OPTICAL)
        assert driver.last_sensors == Sensors(tray_occupied=True)
    finally:
        driver.close()
        module.finish()


def test_driver_does_not_present_a_document_read_as_another() -> None:
    """GIVEN a module that holds E61234505 though E61234501 was asked for (it did not compare)
    WHEN the driver dispenses THEN it refuses WRONG_DOCUMENT without sending PRESENT, and the
    documented RETRACT takes the held document to the reject bin."""
    module = ScriptedModule([(_with_seq(STAGE_REQUEST, 1), _with_seq(STAGE_ANSWER_OTHER_READ, 1)),
                             (_with_seq(RETRACT_REQUEST, 2), _with_seq(RETRACT_HELD_ANSWER, 2))])
    driver = SerialDispenserDriver(module.pty.slave_path, BAUD, timeouts=FAST_TIMEOUTS)
    try:
        with pytest.raises(DispenserError) as caught:
            driver.dispense(1, "E61234501")
        assert caught.value.fault is Fault.WRONG_DOCUMENT and caught.value.document_read == "E61234505"
        assert driver.retract() == "E61234505"  # the next request is RETRACT (PRESENT would fail the script)
    finally:
        driver.close()
        module.finish()


def _with_seq(frame: bytes, seq: int) -> bytes:
    body = frame[:6] + bytes((seq,)) + frame[7:-1]
    return body + bytes((bcc(body),))


def test_a_read_source_outside_the_table_is_a_bad_frame() -> None:
    with pytest.raises(DispenserError) as caught:
        decode_read(b"\x07" + encode_document_id("E61234501"))
    assert caught.value.fault is Fault.BAD_FRAME
    assert encode_read(DocumentRead("C30000002", ReadSource.CHIP)) == b"\x02\x09C30000002"


def test_driver_returns_nothing_read_from_a_module_without_a_reader() -> None:
    module = ScriptedModule([(_with_seq(STAGE_REQUEST, 1), _with_seq(STAGE_ANSWER_NO_READER, 1)),
                             (_with_seq(PRESENT_REQUEST, 2), _with_seq(PRESENT_ANSWER, 2))])
    driver = SerialDispenserDriver(module.pty.slave_path, BAUD, timeouts=FAST_TIMEOUTS)
    try:
        assert driver.dispense(1, "E61234501") is None  # no reader: presented without the host's check
    finally:
        driver.close()
        module.finish()


def test_driver_turns_a_negative_answer_into_the_fault_with_what_was_read() -> None:
    request = encode_request(0, 1, Command.STAGE, encode_slot_and_id(4, "E61234504"))
    answer = WRONG_DOCUMENT_ANSWER[:6] + b"\x01" + WRONG_DOCUMENT_ANSWER[7:-1]
    answer += bytes((bcc(answer),))
    module = ScriptedModule([(request, answer)])
    driver = SerialDispenserDriver(module.pty.slave_path, BAUD, timeouts=FAST_TIMEOUTS)
    try:
        with pytest.raises(DispenserError) as caught:
            driver.dispense(4, "E61234504")
        assert caught.value.fault is Fault.WRONG_DOCUMENT
        assert caught.value.document_read == "E61234505"
    finally:
        driver.close()
        module.finish()


def test_wait_taken_reads_the_taken_bit() -> None:
    """GIVEN a module whose tray reports occupied, then taken WHEN the driver waits THEN TAKEN."""
    occupied = bytes.fromhex("f2 00 00 08 50 10 01 01 01 0c 00 14 03")
    taken = bytes.fromhex("f2 00 00 08 50 10 02 02 01 0c 00 14 03")
    module = ScriptedModule([
        (STATUS_REQUEST, occupied + bytes((bcc(occupied),))),
        (encode_request(0, 2, Command.STATUS), taken + bytes((bcc(taken),))),
    ])
    driver = SerialDispenserDriver(module.pty.slave_path, BAUD, timeouts=FAST_TIMEOUTS, take_poll_s=0.01)
    try:
        assert driver.wait_taken(2.0) is TakeOutcome.TAKEN
    finally:
        driver.close()
        module.finish()


def test_the_retired_one_step_dispense_moves_nothing(simulator: DispenserSimulator) -> None:
    """DISPENSE (0x30, slot straight to the tray before the host's check) is retired: the module
    answers UNKNOWN_COMMAND and the document stays in its slot."""
    retired = bytes.fromhex("f2 00 00 0e 43 30 05 01 09 45 36 31 32 33 34 35 30 31 03 c2")
    unknown = bytes.fromhex("f2 00 00 05 4e 30 05 00 0b 03 84")
    assert _exchange_raw(simulator.port, retired, len(unknown)) == unknown
    assert simulator.stock.physical(1) == "E61234501" and simulator.stock.tray is None
