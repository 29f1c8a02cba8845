"""The kiosk process that test_crash_acceptance.py kills during a self-service acceptance, and the
process that restarts after it: the helper protocol of crash_kiosk.py (one JSON command per line
on stdin, each run in a FORKED child), for the acceptance flow:

  {"cmd": "run", "person": KEY, "document": DOC, "crash_at": "step:phase"}
      the child starts the kiosk (terminal.runtime.start_runtime: devices on ptys, the remote
      reference back end), has the person's photo receipt made, plays the person through the
      acceptance (form, two fingers on the simulated module, signature, QR payment) and kills
      itself with SIGKILL right after the journal durably records `step` `phase`. The point
      "submit:answer" kills it after the back end accepted the application and before its
      answer reached the flow (the answer lost in flight). Answer: {"signal": 9} or
      {"exit": code, "detail": ...}.
  {"cmd": "recover"}
      `python main.py journal reconcile --json` (crash_kiosk.recover).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crash_kiosk import CONFIG_FILE, EXIT_POINT_NOT_REACHED, _write_result, answer_in_child, kill_at, recover, serve

from backend import seed
from backend_client import new_request_id
from flows.acceptance import AcceptanceFlow
from flows.pump import FlowPump
from terminal.config import load_config
from terminal.runtime import Runtime, start_runtime
from terminal.scenarios import FORM_DETAILS, identify
from terminal.scenarios_acceptance import SIGNATURE_PAD, SIGNATURE_STROKES, earlier_photo, give_fingers
from terminal.simulation import pay_shown_code

ANSWER_LOST = "submit:answer"


def die_when_the_answer_comes(runtime: Runtime) -> None:
    """SIGKILL once SubmitAcceptance returned: the back end holds the application, the flow never
    hears of it (nothing after the call runs, the journal has no 'submit after')."""
    submit = runtime.backend.submit_acceptance

    def submit_then_die(*args: Any, **kwargs: Any) -> Any:
        submit(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    runtime.backend.submit_acceptance = submit_then_die  # type: ignore[method-assign]


def run_acceptance(person: str, document: str, crash_at: str) -> int:
    runtime = start_runtime(load_config([CONFIG_FILE]))
    receipt_number = runtime.backend.upload_photo(seed.person(person).id_number, earlier_photo(),
                                                  new_request_id()).receipt_number
    if crash_at == ANSWER_LOST:
        die_when_the_answer_comes(runtime)
    else:
        kill_at(runtime.journal, crash_at)
    pump = FlowPump(runtime.flow_context())
    pump.start(AcceptanceFlow)
    identify(pump, person, "documents")
    pump.touch("toggle_document", document)
    pump.touch("next")
    view = pump.touch("reason", (document, "first"))
    if any(f["name"] == "birth_place" for f in view.data.get("fields", ())):
        pump.touch("field", ("birth_place", "湖南省长沙市"))
    for name, text in FORM_DETAILS:
        pump.touch("field", (name, text))
    pump.touch("occupation", "employee")
    pump.touch("relationship", "parent")
    pump.touch("next")
    pump.touch("delivery", "collect")
    pump.touch("submit")
    pump.touch("photo_receipt", receipt_number)
    pump.touch("next")
    give_fingers(pump)
    pump.touch("sign", (SIGNATURE_STROKES, *SIGNATURE_PAD))
    pump.touch("pay")
    pay_shown_code(pump)
    pump.tick()
    _write_result({"detail": f"flow ended in {pump.view.state} ({pump.view.error_key}) without reaching {crash_at}"})
    return EXIT_POINT_NOT_REACHED


def in_child(command: dict[str, Any]) -> dict[str, Any]:
    if command["cmd"] == "run":
        return answer_in_child(lambda: run_acceptance(command["person"], command["document"], command["crash_at"]))
    return answer_in_child(recover)


def main() -> None:
    serve(in_child)


if __name__ == "__main__":
    main()
