"""Fixtures for the permit card tests: the simulated module on a real pty, the real driver on it.

The simulator starts with an empty slot (issue 22: no card until the citizen inserts one); these
tests start with long_term_id's card C12345678 inserted, as if the citizen had put it in, through
`state_file` (a card file with that card in the slot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.permit.card_store import CardStore
from devices.permit.driver import SerialPermitDriver, Timeouts
from devices.permit.records import Destination, Endorsement, EndorsementType, Trips
from devices.permit.simulator import FAST_TIMING, PermitCardSimulator

# The card the tests find in the slot: long_term_id's, with two endorsements (records 1001, 1002).
INSERTED_CARD = "C12345678"
# Short waits keep fault tests fast; still far above the simulator's wire and chip time.
FAST_TIMEOUTS = Timeouts(status=0.3, read=0.5, write=0.8)


def make_endorsement(record_id: int = 7001, **changes: object) -> Endorsement:
    fields: dict[str, object] = dict(
        record_id=record_id, destination=Destination.HONG_KONG,
        type=EndorsementType.INDIVIDUAL_VISIT, trips=Trips.ONE, valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2027, 3, 1), issuing_office="440300")
    fields.update(changes)
    return Endorsement(**fields)  # type: ignore[arg-type]


@pytest.fixture
def endorsement() -> Callable[..., Endorsement]:
    """Builds a valid endorsement record: `endorsement(7001, trips=Trips.TWO)`."""
    return make_endorsement


def card_file_with_card_inserted(path: Path, permit_number: str = INSERTED_CARD) -> Path:
    """A simulator card file (the demo cards) with `permit_number` inserted, as the citizen would."""
    CardStore(path).insert(permit_number)
    return path


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """The simulator's card file, with C12345678 already inserted."""
    return card_file_with_card_inserted(tmp_path / "permit-cards.json")


@pytest.fixture
def simulator(state_file: Path) -> Iterator[PermitCardSimulator]:
    sim = PermitCardSimulator(state_file, baud=115200, timing=FAST_TIMING)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def driver(simulator: PermitCardSimulator) -> Iterator[SerialPermitDriver]:
    device = SerialPermitDriver(simulator.port, 115200, FAST_TIMEOUTS)
    yield device
    device.close()
