"""After a read the card must leave the field before the next read succeeds (the module halts it)."""

from __future__ import annotations

from devices.idcard.contract import ReadOutcome
from devices.idcard.simulator import sample_residence_permit, sample_resident_card


def test_a_card_left_on_the_reader_is_not_read_twice(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD
    for _ in range(3):
        assert reader.read_card().outcome is ReadOutcome.NO_CARD
    assert simulator.reads == 1


def test_the_card_reads_again_after_leaving_and_coming_back(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD
    simulator.remove_card()
    assert reader.read_card().outcome is ReadOutcome.NO_CARD
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD
    assert simulator.reads == 2


def test_the_next_citizen_gets_their_own_card(simulator, reader) -> None:
    simulator.insert_card(sample_resident_card())
    first = reader.read_card().record
    simulator.remove_card()
    simulator.insert_card(sample_residence_permit())
    second = reader.read_card().record
    assert first is not None and second is not None
    assert first.document_number != second.document_number
