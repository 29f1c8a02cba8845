"""An empty slot: every verb says so plainly, nothing hangs, nothing is written."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.permit.contract import PermitError, WriteOutcome
from devices.permit.protocol import Status


def test_status_reports_no_card_then_ready(simulator, driver) -> None:
    simulator.remove_card()
    assert driver.status() is DeviceStatus.NO_CARD
    simulator.insert_card("CB7654321")
    assert driver.status() is DeviceStatus.READY


def test_read_without_card_raises_no_card(simulator, driver) -> None:
    simulator.remove_card()
    with pytest.raises(PermitError) as caught:
        driver.read_card()
    assert caught.value.message_key == "permit.no_card"
    assert caught.value.status_code == Status.NO_CARD


def test_write_without_card_is_not_written(simulator, driver, endorsement) -> None:
    simulator.remove_card()
    result = driver.write_endorsement(endorsement(8501))
    assert result.outcome is WriteOutcome.NOT_WRITTEN
    assert result.reason == "no_card" and result.message_key == "permit.no_card"


def test_eject_empties_the_slot_and_a_second_eject_says_no_card(simulator, driver) -> None:
    driver.eject()
    assert driver.status() is DeviceStatus.NO_CARD
    with pytest.raises(PermitError, match="permit.no_card"):
        driver.eject()
