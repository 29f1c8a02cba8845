"""The kiosk process that test_crash_recovery.py kills, and the process that restarts after it.

Run as a helper process: it imports the kiosk once (no threads started), then obeys JSON
commands on stdin, one per line, each in a FORKED child so every kiosk run and every
restart is a fresh process that pays no import time:

  {"cmd": "run", "flow": "endorsement"|"fines", "crash_at": "step:phase", "fail_write": bool}
      the child starts the kiosk (terminal.runtime.start_runtime: devices on ptys, the remote
      reference back end), plays a citizen through the flow and, right after the journal
      durably records `step` `phase`, kills itself with SIGKILL. Answer:
      {"signal": 9} (killed as planned) or {"exit": code, "detail": ...}.
  {"cmd": "run", "flow": "collection", "crash_at": "step:phase", "takes": bool, "compares": bool}
      the citizen of COLLECTION_PERSON collects what the test loaded for them (the simulated
      dispenser's stock persists in the data folder); `takes`: the hand takes each document
      from the tray, else it is left there. `crash_at` "stage_N:picker" kills the kiosk once
      the module has moved document N into its picker (a power cut mid-dispense). `compares`
      false: the module's adapter does not compare what its reader read (the kiosk's check only).
  {"cmd": "cli", "argv": [...]}
      the child runs `python main.py -c kiosk.toml ARGV...`; answer {"exit": code, "stdout": text}.
  {"cmd": "recover"}
      the child is the technician's restart: `python main.py journal reconcile --json`
      (flows/recovery.py against the configured back end and the permit reader); answer
      {"exit": code, "settled": [...], "left_open": [...], "error": ...}.

The simulated permit cards persist in the data folder across processes (what was written
before a crash is still on the "chip" after it). The flow writes through a second simulator
on the same card file with the simulator's quick mechanics; the runtime's own permit module
and the reconcile command read the same file when they start.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_ROOT))

from devices.permit.protocol import Status
from devices.permit.simulator import STATE_FILE
from flows.collection import CollectionFlow
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow
from flows.engine import CardInserted
from flows.fines import FinesFlow
from flows.journal import Phase
from flows.pump import FlowPump
from terminal.cli import build_parser
from terminal.cli import main as kiosk_main
from terminal.config import load_config
from terminal.runtime import Runtime, start_runtime
from terminal.scenarios_collection import collect_and_sign
from terminal.simulation import QuickPermit, QuickPermitPump, pay_shown_code

CRASH_DIR = Path(os.environ["CRASH_DIR"])
CONFIG_FILE = CRASH_DIR / "kiosk.toml"
CARDS_FILE = CRASH_DIR / STATE_FILE  # where the runtime's own permit module keeps them
RESULT_FILE = CRASH_DIR / "child-result.json"
EXIT_POINT_NOT_REACHED = 3
EXIT_FAILED = 4
COLLECTION_PERSON = "points_near_limit"  # no document in the demo stock: the test loads its own
COLLECTION_TAKE_AFTER = 0.05  # seconds the simulated hand takes to reach a document in the tray
COLLECTION_LIMIT = 60.0  # real seconds for the mechanism (about 2 s a document) on a loaded machine


def kill_at(journal: Any, crash_at: str) -> None:
    step, phase = crash_at.split(":")

    def observer(txn_id: str, seen_step: str, seen_phase: Phase) -> None:
        if (seen_step, seen_phase.value) == (step, phase):
            os.kill(os.getpid(), signal.SIGKILL)

    journal.add_observer(observer)


def kill_in_picker(runtime: Runtime, crash_at: str) -> None:
    """SIGKILL as soon as the simulated module has moved document N into its picker: the
    module's stock (its non-volatile memory) says picker, and no answer ever comes."""
    step, _ = crash_at.split(":")
    wanted = int(step.split("_")[1])
    stock = runtime.simulators["dispenser"].stock
    pick, picked = stock.pick, [0]

    def pick_then_die(slot: int) -> str:
        document = pick(slot)
        picked[0] += 1
        if picked[0] == wanted:
            os.kill(os.getpid(), signal.SIGKILL)
        return document

    stock.pick = pick_then_die


def run_collection(runtime: Runtime, crash_at: str, takes: bool, compares: bool = True) -> int:
    if crash_at.endswith(":picker"):
        kill_in_picker(runtime, crash_at)
    else:
        kill_at(runtime.journal, crash_at)
    pump = FlowPump(runtime.flow_context())
    simulator = runtime.simulators["dispenser"]
    simulator.take_after(COLLECTION_TAKE_AFTER if takes else None)
    simulator.stop_comparing(compares)
    pump.start(CollectionFlow)
    runtime.simulators["idcard"].insert_card(card_for(COLLECTION_PERSON))
    pump.tick_until_state("ready")
    collect_and_sign(pump)
    pump.tick_until(lambda view: view.finished, "the collection to end", limit_seconds=COLLECTION_LIMIT)
    _write_result({"detail": f"flow ended in {pump.view.state} without reaching {crash_at}"})
    return EXIT_POINT_NOT_REACHED


def run_flow(flow: str, crash_at: str, fail_write: bool, takes: bool = False, compares: bool = True) -> int:
    runtime = start_runtime(load_config([CONFIG_FILE]))
    if flow == "collection":
        return run_collection(runtime, crash_at, takes, compares)
    devices = QuickPermit(runtime, CARDS_FILE)
    pump = QuickPermitPump(runtime, devices)
    kill_at(runtime.journal, crash_at)
    if flow == "endorsement":
        choose_endorsement(pump, runtime, devices, fail_write)
    else:
        choose_a_fine(pump, runtime)
    pay_shown_code(pump)
    pump.tick()
    _write_result({"detail": f"flow ended in {pump.view.state} without reaching {crash_at}"})
    return EXIT_POINT_NOT_REACHED


def choose_endorsement(pump: QuickPermitPump, runtime: Runtime, devices: QuickPermit, fail_write: bool) -> None:
    """The demo citizen's repeat endorsement up to its payment screen; `fail_write`: the chip
    will refuse the write (the refund path)."""
    pump.start(EndorsementFlow)
    runtime.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    devices.simulator.insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    pump.touch("pay")
    if fail_write:
        devices.simulator.fail_next_write(Status.AUTH_FAILED)


def choose_a_fine(pump: QuickPermitPump, runtime: Runtime) -> None:
    """The demo driver's fines up to the payment screen of one that costs money (one to accept
    first, when there is one)."""
    pump.start(FinesFlow)
    runtime.simulators["idcard"].insert_card(card_for("local_adult"))
    view = pump.tick_until_state("list")
    payable = min((v for v in view.data["settleable"] if v["amount_due"] != "0.00"),
                  key=lambda v: v["handling"] != "ACCEPT_AND_PAY")
    pump.touch("select", payable["number"])
    pump.touch("accept" if payable["handling"] == "ACCEPT_AND_PAY" else "pay")


def recover() -> int:
    """`python main.py -c kiosk.toml journal reconcile --json`, its output kept as the result."""
    return _cli(["journal", "reconcile", "--json"], RESULT_FILE)


def run_cli(argv: list[str]) -> int:
    """`python main.py -c kiosk.toml ARGV`, its standard output kept as the result's "stdout"."""
    output = CRASH_DIR / "child-stdout.txt"
    code = _cli(argv, output)
    _write_result({"stdout": output.read_text(encoding="utf-8")})
    return code


def _cli(argv: list[str], output: Path) -> int:
    with output.open("w", encoding="utf-8") as out:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(out.fileno(), 1)
        try:
            code = kiosk_main(["-c", str(CONFIG_FILE), *argv])
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    return code


def _write_result(result: dict[str, Any]) -> None:
    RESULT_FILE.write_text(json.dumps(result), encoding="utf-8")


def in_child(command: dict[str, Any]) -> dict[str, Any]:
    if command["cmd"] == "run":
        return answer_in_child(lambda: run_flow(command["flow"], command["crash_at"], command.get("fail_write", False),
                                                command.get("takes", False), command.get("compares", True)))
    if command["cmd"] == "cli":
        return answer_in_child(lambda: run_cli(command["argv"]))
    return answer_in_child(recover)


def answer_in_child(run: Callable[[], int]) -> dict[str, Any]:
    """`run` in a forked child (a fresh process that pays no import time); the answer is what it
    wrote to RESULT_FILE and how it ended: {"signal": 9} when it was killed, else {"exit": code}."""
    RESULT_FILE.unlink(missing_ok=True)
    pid = os.fork()
    if pid == 0:
        code = EXIT_FAILED
        try:
            code = run()
        except BaseException:  # noqa: BLE001 - whatever went wrong goes back to the test
            _write_result({"detail": traceback.format_exc()})
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    answer = _read_result()
    if os.WIFSIGNALED(status):
        answer["signal"] = os.WTERMSIG(status)
    else:
        answer["exit"] = os.WEXITSTATUS(status)
    return answer


def _read_result() -> dict[str, Any]:
    """What the child wrote; a result that is not JSON (a command that failed before printing
    its answer leaves the file empty) comes back as text, so the test sees why, not a dead helper."""
    if not RESULT_FILE.exists():
        return {}
    text = RESULT_FILE.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {"detail": f"the child's result is not JSON: {text[:500]!r}"}


def serve(handle: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Import every command module once, say ready, then answer one JSON command per stdin line."""
    build_parser()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(handle(json.loads(line))), flush=True)


def main() -> None:
    serve(in_child)


if __name__ == "__main__":
    main()
