"""The kiosk process that test_crash_recovery_card.py kills while a citizen pays by bank card.

The same helper as tests/flows/crash_kiosk.py (each run and each restart a forked child of
one process that imported the kiosk once; restart = `journal reconcile --json`), with one more
command:

  {"cmd": "run_card", "flow": "endorsement"|"fines", "crash_at": "step:phase", "fail_write": bool}
      the citizen pays on the runtime's simulated card terminal (the open batch persists in the
      data folder, as a real terminal keeps it across power cycles) instead of the QR code; the
      kiosk is killed right after the journal durably records `step` `phase`, or, for
      "terminal:approved", right after the terminal recorded its approval of the sale and before
      its answer left it (the line lost after approval, and the kiosk gone before it asked).
      "settle_before_write": the terminal's batch is settled (the daily close) just before the
      card write, so giving the sale back is a refund on the terminal, not a void.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import crash_kiosk
from crash_kiosk import (
    CARDS_FILE,
    CONFIG_FILE,
    EXIT_POINT_NOT_REACHED,
    answer_in_child,
    choose_a_fine,
    choose_endorsement,
    in_child,
    kill_at,
    serve,
)

from terminal.config import load_config
from terminal.runtime import start_runtime
from terminal.simulation import QuickPermit, QuickPermitPump

TERMINAL_APPROVED = "terminal:approved"
BANK_CARD = "funds"  # the simulated terminal's demo card with money
CARD_SALE_LIMIT = 60.0  # real seconds for the simulated acquirer (1.5 s) on a loaded machine


def kill_when_terminal_approves(simulator: Any) -> None:
    """SIGKILL as soon as the terminal has durably recorded an approved sale (its open batch is
    on disk), before the answer is sent: the kiosk never learns of the approval."""
    record = simulator._record

    def record_then_die(*args: Any, **kwargs: Any) -> Any:
        txn = record(*args, **kwargs)
        if txn.approved and txn.kind.name == "SALE":
            os.kill(os.getpid(), signal.SIGKILL)
        return txn

    simulator._record = record_then_die


def settle_before_write(runtime: Any) -> None:
    """The daily close settles the terminal's batch between the sale and the card write."""
    def observer(txn_id: str, step: str, phase: Any) -> None:
        if step == "card_write_1" and phase.value == "before":
            runtime.devices.get("card_terminal").settle()

    runtime.journal.add_observer(observer)


def run_card(flow: str, crash_at: str, fail_write: bool, settle: bool = False) -> int:
    runtime = start_runtime(load_config([CONFIG_FILE]))
    if settle:
        settle_before_write(runtime)
    devices = QuickPermit(runtime, CARDS_FILE)
    pump = QuickPermitPump(runtime, devices)
    terminal = runtime.simulators["card_terminal"]
    if crash_at == TERMINAL_APPROVED:
        kill_when_terminal_approves(terminal)
    else:
        kill_at(runtime.journal, crash_at)
    if flow == "endorsement":
        choose_endorsement(pump, runtime, devices, fail_write)
    else:
        choose_a_fine(pump, runtime)
    terminal.present_card(BANK_CARD)
    pump.touch("pay_card")
    pump.tick_until(lambda v: v.state != "paying" or v.finished, "the card sale", CARD_SALE_LIMIT)
    pump.tick_until(lambda v: v.finished or v.state in ("settled", "done"), "the service", CARD_SALE_LIMIT)
    if pump.view.state == "settled":
        pump.touch("finish")
    pump.tick()
    crash_kiosk._write_result({"detail": f"flow ended in {pump.view.state} ({pump.view.error_key}) "
                                         f"without reaching {crash_at}"})
    return EXIT_POINT_NOT_REACHED


def in_card_child(command: dict[str, Any]) -> dict[str, Any]:
    if command["cmd"] != "run_card":
        return in_child(command)
    return answer_in_child(lambda: run_card(command["flow"], command["crash_at"], command.get("fail_write", False),
                                            command.get("settle_before_write", False)))


def main() -> None:
    serve(in_card_child)


if __name__ == "__main__":
    main()
