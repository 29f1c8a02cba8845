"""Nothing on the reader: the cycle ends after one find with a NO_CARD result, not an error."""

from __future__ import annotations

from devices.base import DeviceStatus
from devices.idcard.contract import ReadOutcome


def test_no_card_is_a_result_after_a_single_find(simulator, reader) -> None:
    result = reader.read_card()
    assert result.outcome is ReadOutcome.NO_CARD and result.record is None
    assert result.message_key == "idcard.no_card"
    assert list(simulator.requests) == [bytes.fromhex("AAAAAA9669 0003 2001 22")]


def test_reader_without_card_is_ready(simulator, reader) -> None:
    assert reader.status() is DeviceStatus.READY
    assert reader.read_card().outcome is ReadOutcome.NO_CARD
    assert reader.status() is DeviceStatus.READY


def test_polling_finds_the_card_once_it_is_put_down(simulator, reader) -> None:
    from devices.idcard.simulator import sample_resident_card

    assert reader.read_card().outcome is ReadOutcome.NO_CARD
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD
