"""Garbage, cut-short answers and silence: each an IdCardError with a plain message key, none a hang."""

from __future__ import annotations

import logging
import time

import pytest

from devices.base import DeviceStatus
from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.protocol import Command
from devices.idcard.simulator import Fault, sample_resident_card

from .conftest import FAST_TIMEOUTS


def test_garbage_instead_of_an_answer(simulator, reader, caplog: pytest.LogCaptureFixture) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.inject_fault(Fault.GARBAGE, command=Command.FIND_CARD)
    with caplog.at_level(logging.DEBUG, logger="devices.idcard"), pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.bad_frame"
    assert "preamble" in caught.value.detail
    assert "bad frame (no AA AA AA 96 69 preamble): 55 " in caplog.text
    assert reader.read_card().outcome is ReadOutcome.CARD  # leftover garbage was flushed


def test_short_answer_to_a_quick_command(simulator, reader) -> None:
    simulator.inject_fault(Fault.SHORT, command=Command.SELECT_CARD)
    simulator.insert_card(sample_resident_card())
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.bad_frame"
    assert "cut short" in caught.value.detail


def test_a_silent_reader_times_out(simulator, reader) -> None:
    simulator.inject_fault(Fault.SILENCE)
    started = time.monotonic()
    with pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.timeout"
    assert FAST_TIMEOUTS.answer_s <= time.monotonic() - started < FAST_TIMEOUTS.answer_s + 0.3


def test_status_of_a_silent_reader_is_disconnected(simulator, reader) -> None:
    simulator.inject_fault(Fault.SILENCE)
    assert reader.status() is DeviceStatus.DISCONNECTED
    assert reader.status() is DeviceStatus.READY


def test_status_after_a_garbled_answer_is_error(simulator, reader) -> None:
    simulator.inject_fault(Fault.GARBAGE)
    assert reader.status() is DeviceStatus.ERROR
    assert reader.status() is DeviceStatus.READY
