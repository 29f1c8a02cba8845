"""Whole read cycles over a real pty: every card kind, the optional reads, the SAM commands, timing."""

from __future__ import annotations

import threading
import time

import pytest

from devices.base import DeviceStatus
from devices.channels import line_time
from devices.idcard.contract import ReadOutcome
from devices.idcard.driver import SerialIdCardReader
from devices.idcard.protocol import Command, Request
from devices.idcard.records import CardKind
from devices.idcard.simulator import (
    SIMULATED_SAM_ID,
    RemovalMode,
    sample_foreign_2023_card,
    sample_foreign_card,
    sample_residence_permit,
    sample_resident_card,
)

from .conftest import FAST_TIMEOUTS


@pytest.mark.parametrize("make_card", [sample_resident_card, sample_residence_permit, sample_foreign_card,
                                       sample_foreign_2023_card])
def test_each_card_kind_reads_back_exactly(simulator, reader, make_card) -> None:
    card = make_card()
    simulator.insert_card(card)
    result = reader.read_card()
    assert result.outcome is ReadOutcome.CARD and result.message_key is None
    assert result.record == card
    assert result.record.photo.wlt == card.photo.wlt and result.record.photo.bmp is None


def test_a_cycle_sends_find_select_read(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    reader.read_card()
    assert list(simulator.requests) == [
        bytes.fromhex("AAAAAA9669 0003 2001 22"),
        bytes.fromhex("AAAAAA9669 0003 2002 21"),
        bytes.fromhex("AAAAAA9669 0003 3001 32"),
    ]


def test_a_read_takes_at_least_its_line_time(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    started = time.perf_counter()
    reader.read_card()
    elapsed = time.perf_counter() - started
    assert elapsed >= line_time(1295, 115200)  # the simulator does not deliver faster than a UART


def test_read_with_fingerprints(simulator) -> None:
    prints = (b"\x11" * 512, b"\x22" * 512)
    simulator.insert_card(sample_resident_card(fingerprints=prints))
    reader = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS, read_fingerprints=True)
    try:
        record = reader.read_card().record
    finally:
        reader.close()
    assert record is not None and record.fingerprints == prints
    assert simulator.requests[-1] == Request.of(Command.READ_TEXT_PHOTO_FINGERPRINT).encode()


@pytest.mark.parametrize("appended", ["上海市浦东新区示例路2号", None])
def test_read_with_appended_address(simulator, appended: str | None) -> None:
    simulator.insert_card(sample_resident_card(appended_address=appended))
    reader = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS, read_appended_address=True)
    try:
        record = reader.read_card().record
    finally:
        reader.close()
    assert record is not None and record.appended_address == appended
    assert simulator.requests[-1] == Request.of(Command.READ_APPENDED_ADDRESS).encode()


def test_appended_address_is_asked_of_resident_cards_only(simulator) -> None:
    simulator.insert_card(sample_residence_permit())
    reader = SerialIdCardReader(simulator.path, timeouts=FAST_TIMEOUTS, read_appended_address=True)
    try:
        record = reader.read_card().record
    finally:
        reader.close()
    assert record is not None and record.kind is CardKind.RESIDENCE_PERMIT
    assert Request.of(Command.READ_APPENDED_ADDRESS).encode() not in simulator.requests


def test_sam_commands(simulator, reader) -> None:
    assert reader.sam_id().raw == SIMULATED_SAM_ID
    reader.reset_sam()
    assert reader.status() is DeviceStatus.READY
    assert list(simulator.requests) == [
        bytes.fromhex("AAAAAA9669 0003 12FF EE"),
        bytes.fromhex("AAAAAA9669 0003 10FF EC"),
        bytes.fromhex("AAAAAA9669 0003 11FF ED"),
    ]


def test_set_baud_switches_both_ends(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    reader.set_baud(57600)
    assert (simulator.baud, reader.baud) == (57600, 57600)
    assert reader.read_card().outcome is ReadOutcome.CARD
    reader.set_baud(115200)
    assert reader.status() is DeviceStatus.READY


def test_status_is_busy_while_a_read_runs(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.pull_card_during_next_read(RemovalMode.SILENT)  # the read waits its full timeout
    results = []
    worker = threading.Thread(target=lambda: results.append(reader.read_card()))
    worker.start()
    seen = set()
    while worker.is_alive():
        seen.add(reader.status())
        time.sleep(0.01)
    worker.join()
    assert DeviceStatus.BUSY in seen
    assert results[0].outcome is ReadOutcome.CARD_REMOVED
