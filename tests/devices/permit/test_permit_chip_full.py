"""A permit whose chip holds its 255 endorsement records cannot take another one."""

from __future__ import annotations

from devices.permit.contract import WriteOutcome
from devices.permit.protocol import Command
from devices.permit.records import CHIP_CAPACITY


def test_full_chip_refuses_a_new_record(simulator, driver, endorsement) -> None:
    simulator.fill_chip()

    result = driver.write_endorsement(endorsement(8301))

    assert result.outcome is WriteOutcome.NOT_WRITTEN
    assert result.reason == "chip_full" and result.message_key == "permit.chip_full"
    assert simulator.commands_seen[-1] is Command.WRITE_ENDORSEMENT  # refused before writing


def test_a_full_chip_reads_completely(simulator, driver) -> None:
    """The largest answer of the protocol (7.6 KB, ~0.7 s on the wire at 115200 baud)."""
    simulator.fill_chip()

    card = driver.read_card()

    assert len(card.endorsements) == CHIP_CAPACITY and card.records_free == 0


def test_the_last_free_record_can_be_written(simulator, driver, endorsement) -> None:
    simulator.fill_chip(leave_free=1)

    written = driver.write_endorsement(endorsement(8302))

    assert written.outcome is WriteOutcome.WRITTEN and written.records_used == CHIP_CAPACITY
    assert driver.write_endorsement(endorsement(8303)).reason == "chip_full"
    assert driver.write_endorsement(endorsement(8302)).written  # a retry of the last one is still fine
