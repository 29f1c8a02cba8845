"""The citizen pulls the permit out while the endorsement is being written.

Whatever the chip ended up holding, the kiosk is told `card_removed`, never `written`; once
the card is back, reading it shows the truth and a retried write is safe (idempotent).
"""

from __future__ import annotations

from devices.permit.contract import WriteOutcome
from devices.permit.protocol import Command


def test_pulled_before_commit_is_card_removed_and_nothing_is_on_the_chip(simulator, driver, endorsement) -> None:
    record = endorsement(8101)
    simulator.pull_card_during_next_write(committed=False)

    result = driver.write_endorsement(record)

    assert result.outcome is WriteOutcome.CARD_REMOVED
    assert not result.written and result.message_key == "permit.card_removed"
    assert simulator.store.inserted() is None
    simulator.insert_card("C12345678")
    assert driver.read_card().find_endorsement(8101) is None
    assert driver.write_endorsement(record).outcome is WriteOutcome.WRITTEN


def test_pulled_after_commit_is_still_card_removed_and_a_retry_writes_no_duplicate(
        simulator, driver, endorsement) -> None:
    """GIVEN the chip committed the record just before the card left
    WHEN the module answers CARD_REMOVED
    THEN the kiosk still does not assume written; after reinsertion a retry confirms it once."""
    record = endorsement(8102)
    before = len(driver.read_card().endorsements)
    simulator.pull_card_during_next_write(committed=True)

    assert driver.write_endorsement(record).outcome is WriteOutcome.CARD_REMOVED

    simulator.insert_card("C12345678")
    assert driver.read_card().find_endorsement(8102) == record
    retry = driver.write_endorsement(record)
    assert retry.outcome is WriteOutcome.WRITTEN
    assert len(driver.read_card().endorsements) == before + 1


def test_card_taken_between_write_and_read_back_is_card_removed(simulator, driver, endorsement) -> None:
    """The write itself succeeded, but the card left before the read back could confirm it."""
    simulator.take_card_after_next_write()

    result = driver.write_endorsement(endorsement(8103))

    assert result.outcome is WriteOutcome.CARD_REMOVED
    assert list(simulator.commands_seen)[-2:] == [Command.WRITE_ENDORSEMENT, Command.READ_RECORD]
