"""Line noise: a garbled answer to a question is asked again; to a dispense it is not (ask where_is)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.dispenser.contract import DispenserError, Fault, Location
from devices.dispenser.driver import SerialDispenserDriver
from devices.dispenser.protocol import Command, FrameSplitter, decode_frame, decode_response
from devices.dispenser.simulator import DispenserSimulator
from tests.devices.dispenser.conftest import PASSPORT_IN_SLOT_1


def test_a_garbled_status_answer_is_asked_again(driver: SerialDispenserDriver,
                                                simulator: DispenserSimulator) -> None:
    simulator.corrupt_next_answers(1)
    assert driver.module_status().slot_count == 12
    assert list(simulator.commands_seen) == [Command.STATUS, Command.STATUS]


def test_a_garbled_dispense_answer_is_not_repeated(driver: SerialDispenserDriver,
                                                   simulator: DispenserSimulator) -> None:
    simulator.corrupt_next_answers(1)
    with pytest.raises(DispenserError) as caught:
        driver.dispense(1, PASSPORT_IN_SLOT_1)
    assert caught.value.fault is Fault.BAD_FRAME
    assert list(simulator.commands_seen).count(Command.STAGE) == 1
    assert driver.where_is(PASSPORT_IN_SLOT_1).location is Location.PICKER  # staged, held: not presented


@given(st.binary(max_size=80))
def test_parsers_raise_only_dispenser_errors(data: bytes) -> None:
    for item in FrameSplitter().feed(data):
        if isinstance(item, DispenserError):
            continue
        try:
            decode_response(item)
        except DispenserError:
            pass
    try:
        decode_response(decode_frame(data))
    except DispenserError:
        pass
