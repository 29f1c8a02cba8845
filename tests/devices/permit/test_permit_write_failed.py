"""The module fails a write: the chip read back decides, and the result is `not_written`."""

from __future__ import annotations

from devices.permit.contract import WriteOutcome
from devices.permit.protocol import Command, Status
from devices.permit.records import Trips


def test_write_failed_is_read_back_and_reported_not_written(simulator, driver, endorsement) -> None:
    record = endorsement(8201)
    simulator.fail_next_write()

    result = driver.write_endorsement(record)

    assert result.outcome is WriteOutcome.NOT_WRITTEN
    assert result.reason == "write_failed" and result.message_key == "permit.not_written"
    assert list(simulator.commands_seen)[-2:] == [Command.WRITE_ENDORSEMENT, Command.READ_RECORD]
    assert driver.read_card().find_endorsement(8201) is None


def test_the_next_write_succeeds_and_is_printed_on_the_face(simulator, driver, endorsement) -> None:
    simulator.fail_next_write()
    driver.write_endorsement(endorsement(8202))

    result = driver.write_endorsement(endorsement(8202))

    assert result.outcome is WriteOutcome.WRITTEN and result.message_key is None
    assert result.records_used == 3  # two demo records plus this one
    assert simulator.store.face_print("C12345678") == 8202


def test_auth_failed_is_a_refusal_without_read_back(simulator, driver, endorsement) -> None:
    simulator.fail_next_write(Status.AUTH_FAILED)

    result = driver.write_endorsement(endorsement(8203))

    assert result.outcome is WriteOutcome.NOT_WRITTEN
    assert result.reason == "auth_failed" and result.message_key == "permit.auth_failed"
    assert simulator.commands_seen[-1] is Command.WRITE_ENDORSEMENT


def test_same_record_id_with_other_fields_is_not_written(simulator, driver, endorsement) -> None:
    assert driver.write_endorsement(endorsement(8204)).written
    clash = endorsement(8204, trips=Trips.TWO)

    result = driver.write_endorsement(clash)

    assert result.outcome is WriteOutcome.NOT_WRITTEN and result.reason == "bad_parameter"
    assert driver.read_card().find_endorsement(8204) == endorsement(8204)


def test_write_without_printing_leaves_the_face_alone(simulator, driver, endorsement) -> None:
    assert driver.write_endorsement(endorsement(8205), print_on_face=False).written
    assert simulator.store.face_print("C12345678") is None
