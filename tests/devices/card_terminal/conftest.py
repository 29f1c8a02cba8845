"""Fixtures for the card terminal tests: the simulated terminal on a real pty, the real driver on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.card_terminal.driver import SerialCardTerminal, Timeouts
from devices.card_terminal.simulator import FAST_TIMING, CardTerminalSimulator

# Short waits keep fault tests fast; still far above the simulator's wire and acquirer time,
# with room for a loaded test machine (2 cores shared by many processes): a request whose ACK
# comes later than `ack` is sent again (a second SETTLE closes a second, empty batch), and an
# answer later than its wait is "no answer". The sale waits longer than the simulator's card
# wait (FAST_TIMING: 2 s), as a real host does.
FAST_TIMEOUTS = Timeouts(ack=1.0, status=1.0, query=2.0, sale=4.0, host=3.0)


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "card-terminal-batch.json"


@pytest.fixture
def simulator(state_file: Path) -> Iterator[CardTerminalSimulator]:
    sim = CardTerminalSimulator(state_file, baud=115200, timing=FAST_TIMING)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def driver(simulator: CardTerminalSimulator) -> Iterator[SerialCardTerminal]:
    device = SerialCardTerminal(simulator.port, 115200, FAST_TIMEOUTS)
    yield device
    device.close()
