"""An answer with a wrong checksum is an IdCardError("idcard.bad_frame"), logged in hex, never a record."""

from __future__ import annotations

import logging

import pytest
import serial

from devices.idcard.contract import IdCardError, ReadOutcome
from devices.idcard.protocol import Command, Response, Sw3
from devices.idcard.simulator import Fault, sample_resident_card


def test_bad_checksum_on_find(simulator, reader, caplog: pytest.LogCaptureFixture) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.inject_fault(Fault.BAD_CHECKSUM, command=Command.FIND_CARD)
    with caplog.at_level(logging.DEBUG, logger="devices.idcard"), pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.bad_frame"
    assert "checksum" in caught.value.detail
    assert "aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 68" in caplog.text  # 0x97 ^ 0xFF
    assert reader.read_card().outcome is ReadOutcome.CARD  # the next cycle is unaffected


def test_bad_checksum_on_the_card_data(simulator, reader, caplog: pytest.LogCaptureFixture) -> None:
    """Line noise on the 1295-byte answer is an error, not a card pulled away."""
    simulator.insert_card(sample_resident_card())
    simulator.inject_fault(Fault.BAD_CHECKSUM, command=Command.READ_TEXT_PHOTO)
    with caplog.at_level(logging.DEBUG, logger="devices.idcard"), pytest.raises(IdCardError) as caught:
        reader.read_card()
    assert caught.value.message_key == "idcard.bad_frame"
    assert "aa aa aa 96 69 05 08 00 00 90" in caplog.text
    assert "王小梅" not in caplog.text and "11010519491231002X" not in caplog.text


def test_simulated_module_answers_a_corrupted_request_with_0x10(simulator) -> None:
    with serial.Serial(simulator.path, 115200, timeout=0.5) as port:
        port.write(bytes.fromhex("AAAAAA9669 0003 2001 23"))
        answer = port.read(11)
    assert answer == Response(Sw3.CHECKSUM_ERROR).encode()
