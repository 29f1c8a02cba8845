"""A card pulled away during the read is a clean CARD_REMOVED result, quickly, whatever the module does."""

from __future__ import annotations

import time

import pytest

from devices.idcard.contract import ReadOutcome
from devices.idcard.simulator import RemovalMode, sample_resident_card

from .conftest import FAST_TIMEOUTS

# The longest a removal may take to report: the read timeout plus one find to confirm the field is empty.
WORST_CASE_S = FAST_TIMEOUTS.card_read_s + FAST_TIMEOUTS.answer_s + 0.5


@pytest.mark.parametrize("mode", list(RemovalMode))
def test_card_pulled_during_the_read(simulator, reader, mode: RemovalMode) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.pull_card_during_next_read(mode)
    started = time.monotonic()
    result = reader.read_card()
    assert result.outcome is ReadOutcome.CARD_REMOVED and result.record is None
    assert result.message_key == "idcard.card_removed"
    assert time.monotonic() - started < WORST_CASE_S
    assert simulator.reads == 0 and not simulator.card_present


@pytest.mark.parametrize("mode", list(RemovalMode))
def test_the_reader_works_normally_after_a_pulled_card(simulator, reader, mode: RemovalMode) -> None:
    simulator.insert_card(sample_resident_card())
    simulator.pull_card_during_next_read(mode)
    assert reader.read_card().outcome is ReadOutcome.CARD_REMOVED
    assert reader.read_card().outcome is ReadOutcome.NO_CARD
    simulator.insert_card(sample_resident_card())
    assert reader.read_card().outcome is ReadOutcome.CARD
