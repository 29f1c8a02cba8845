"""The maintenance PIN locks for a growing delay after five wrong tries (issue 18), on an injected
clock: while locked a PIN is refused without being checked (the right one too), each lock is
logged at WARNING with counts only, and the hall sees it as a terminal alert until the right PIN."""

from __future__ import annotations

import logging

import pytest

from core.pin import hash_pin
from terminal.alerts import MAINTENANCE_PIN_LOCKED, TerminalAlerts
from terminal.maintenance import PIN_FREE_TRIES, PIN_LOCK_MAX_SECONDS, PIN_LOCK_SECONDS, Maintenance, PinLockout
from terminal.scratch import scratch_config

PIN = "271828"
WRONG = "000000"


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return scratch_config(tmp_path_factory.mktemp("pin"), ui={"maintenance_pin_hash": hash_pin(PIN)})


@pytest.fixture()
def gate(config):
    now = [5000.0]
    alerts = TerminalAlerts()
    lockout = PinLockout(clock=lambda: now[0], alerts=alerts)
    return Maintenance(config, None, lockout), now, alerts


def test_five_wrong_tries_are_free_then_the_lock_doubles(gate, caplog):
    maintenance, now, alerts = gate
    with caplog.at_level(logging.WARNING, logger="terminal.maintenance"):
        for _ in range(PIN_FREE_TRIES - 1):
            assert not maintenance.unlock(WRONG)
        assert maintenance.lockout.seconds_left() == 0 and alerts.current() == {}
        assert not maintenance.unlock(WRONG)  # the fifth
        assert maintenance.lockout.seconds_left() == PIN_LOCK_SECONDS
        assert not maintenance.unlock(PIN), "while locked even the right PIN is refused unchecked"

        delays = []
        for _ in range(4):
            now[0] += maintenance.lockout.seconds_left()
            assert not maintenance.unlock(WRONG)
            delays.append(maintenance.lockout.seconds_left())
    assert delays == [2 * PIN_LOCK_SECONDS, 4 * PIN_LOCK_SECONDS, 8 * PIN_LOCK_SECONDS, 16 * PIN_LOCK_SECONDS]

    locks = [r for r in caplog.records if r.getMessage().startswith("maintenance PIN locked for")]
    assert len(locks) == 5 and all(r.levelno == logging.WARNING for r in locks)
    assert [r.getMessage() for r in locks[:2]] == [
        f"maintenance PIN locked for {PIN_LOCK_SECONDS:.0f} s after 5 wrong tries in a row",
        f"maintenance PIN locked for {2 * PIN_LOCK_SECONDS:.0f} s after 6 wrong tries in a row"]
    assert not any(WRONG in r.getMessage() or PIN in r.getMessage() for r in caplog.records), "nothing typed is logged"
    assert alerts.current()[MAINTENANCE_PIN_LOCKED] == \
        f"9 wrong maintenance PIN tries in a row; keypad locked for {16 * PIN_LOCK_SECONDS:.0f} s"

    now[0] += maintenance.lockout.seconds_left() - 1
    assert not maintenance.unlock(PIN), "one second too early"
    now[0] += 1
    assert maintenance.unlock(PIN)
    assert maintenance.lockout.seconds_left() == 0 and alerts.current() == {}, "the right PIN ends it"
    assert not maintenance.unlock(WRONG) and maintenance.lockout.seconds_left() == 0, "tries are free again"


def test_the_lock_stops_growing_at_its_maximum():
    now = [0.0]
    lockout = PinLockout(clock=lambda: now[0])
    seconds = [lockout.wrong() for _ in range(PIN_FREE_TRIES + 20)]
    assert seconds[:PIN_FREE_TRIES - 1] == [0.0] * (PIN_FREE_TRIES - 1)
    assert max(seconds) == PIN_LOCK_MAX_SECONDS == seconds[-1]
    assert seconds == sorted(seconds), "never shorter than the last"
