"""The test side of the SIGKILL crash tests: a reference back end in a process of its own, a kiosk
helper process (crash_kiosk.py or one built on it) that forks a fresh kiosk for every run and
every restart, and the questions the tests ask of what was left behind.

One bench serves a whole test module: the back end keeps its orders and payments across the
points, as it would across successive citizens, and the simulated devices keep their state in
the bench's data folder (the permit cards' chips, the card terminal's batch, the dispenser's
stock), as real devices keep theirs across a power cut.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from backend.timeutil import hall_day, utc_now
from backend_client.client import BackendClient
from backend_client.settings import ClientSettings
from core.config import PROJECT_ROOT
from devices.permit.card_store import CardStore
from devices.permit.simulator import STATE_FILE
from flows.journal import Journal, Transaction

PERMIT = "C12345678"


@dataclass
class CrashBench:
    folder: Path
    helper: subprocess.Popen
    backend: BackendClient

    def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.helper.stdin is not None and self.helper.stdout is not None
        self.helper.stdin.write(json.dumps(command) + "\n")
        self.helper.stdin.flush()
        line = self.helper.stdout.readline()
        assert line, "the crash helper died"
        return json.loads(line)

    def crash_and_restart(self, command: dict[str, Any], flow: str) -> tuple[Transaction, dict[str, Any]]:
        """Run `command` in a kiosk that must die by SIGKILL at its `crash_at` point, restart it,
        and return the one transaction the run journalled and the restart's answer."""
        known = self.transaction_ids()
        self.crash(command)
        restart = self.restart()
        return self.new_transaction(known, flow), restart

    def crash(self, command: dict[str, Any]) -> None:
        """Run `command` in a fresh kiosk that must die by SIGKILL at its `crash_at` point."""
        answer = self.ask(command)
        point = command.get("crash_at")
        assert answer.get("signal") == signal.SIGKILL, f"the kiosk was not killed at {point}: {answer}"

    def restart(self) -> dict[str, Any]:
        """The technician's restart (`journal reconcile --json`), which must settle without error."""
        restart = self.ask({"cmd": "recover"})
        assert restart.get("exit") == 0 and restart.get("error") is None, restart
        return restart

    def new_transaction(self, known: set[str], flow: str) -> Transaction:
        """The one transaction of `flow` journalled since the ids in `known`."""
        new = [t for t in self._transactions() if t.id not in known and t.flow == flow]
        assert len(new) == 1, f"one transaction per run, found {len(new)}"
        return new[0]

    def transaction_ids(self) -> set[str]:
        return {t.id for t in self._transactions()}

    def journal(self) -> Journal:
        return Journal(self.folder / "journal.sqlite3")

    def card_records(self) -> set[int]:
        card = next(c for c in CardStore(self.folder / STATE_FILE).cards() if c.permit_number == PERMIT)
        return {e.record_id for e in card.endorsements}

    def payments_of(self, order_id: str) -> list[Any]:
        records = self.backend.list_transaction_records(hall_day(utc_now()))
        return [p for p in records.payments if p.order_id == order_id]

    def _transactions(self) -> list[Transaction]:
        journal = self.journal()
        try:
            return journal.transactions()
        finally:
            journal.close()


def start_backend(folder: Path) -> tuple[subprocess.Popen, str]:
    """The reference back end serving `folder`'s database on a free port; returns it and its URL."""
    config = folder / "backend.toml"
    config.write_text(tomli_w.dumps({"terminal": {"data_dir": str(folder)}}), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "main.py"), "-c", str(config), "backend", "--port", "0",
         "--db", str(folder / "backend.sqlite3"), "--reseed", "--auto-pay", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=PROJECT_ROOT)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("reference back end: "), f"back end did not start: {line!r}"
    return process, line.split()[3]


@contextmanager
def open_crash_bench(folder: Path, simulator_cache: Path, terminal: str, helper_script: str) -> Iterator[CrashBench]:
    """A back end, the kiosk's configuration pointing at it, and `helper_script` (a file beside
    this one) started and ready; all stopped on leaving."""
    (folder / "simulators").mkdir()
    (simulator_cache / "camera").mkdir(exist_ok=True)
    (folder / "simulators" / "camera").symlink_to(simulator_cache / "camera", target_is_directory=True)
    backend_process, url = start_backend(folder)
    (folder / "kiosk.toml").write_text(tomli_w.dumps({
        "terminal": {"id": terminal, "data_dir": str(folder)},
        "flows": {"journal": str(folder / "journal.sqlite3")},
        "backend": {"mode": "remote", "url": url, "retries": 0, "connect_timeout_seconds": 2.0},
        # slack on the simulated ID card line for a loaded test machine (see conftest MONEY_BACKEND)
        "devices": {"idcard": {"frame_margin_s": 1.0, "answer_timeout_s": 2.0}},
    }), encoding="utf-8")
    helper = subprocess.Popen([sys.executable, str(Path(__file__).with_name(helper_script))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, cwd=PROJECT_ROOT, env={**os.environ, "CRASH_DIR": str(folder)})
    assert helper.stdout is not None and json.loads(helper.stdout.readline()) == {"ready": True}
    client = BackendClient(ClientSettings(endpoint=url, terminal_id=terminal, retries=0))
    try:
        yield CrashBench(folder, helper, client)
    finally:
        client.close()
        assert helper.stdin is not None
        helper.stdin.close()
        helper.wait(10)
        backend_process.terminate()
        backend_process.wait(10)
