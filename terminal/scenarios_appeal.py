"""Self-test scenario of the fine appeal (flows/fine_appeal.py, issue 20).

The demo driver whose plate was cloned (backend/seed.py WF-DEMO-0011, `minority_name`) says
"not my car": identity, her cases, the reason, the appeal receipt with its number and the answer
day; the case is then held from payment (the list says so). Each run appeals one case of hers
the back end has not got an appeal for yet; when none is left, the back end needs reseeding (as
the fines scenario's own demo fines).
"""

from __future__ import annotations

from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import RECEIPT_WAIT_SECONDS, identify
from terminal.simulation import printed_since

APPEAL_CITIZEN = "minority_name"
CLONED_PLATE_CASES = ("WF-DEMO-0011", "WF-DEMO-0012")


def fine_appeal(pump: FlowPump) -> None:
    from flows.fine_appeal import FineAppealFlow

    pump.start(FineAppealFlow)
    try:
        view = identify(pump, APPEAL_CITIZEN, "list")
        appealable = {v["number"] for v in view.data["appealable"]}
        open_cases = [number for number in CLONED_PLATE_CASES if number in appealable]  # the cloned plate first
        if not open_cases:
            raise ScenarioFailed("the demo driver has no case left to appeal (reseed the reference back end)")
        printed = len(pump.simulators["printer"].receipts)
        pump.touch("appeal", open_cases[0])
        view = pump.touch("reason", "CLONED_PLATE")
        if view.state != "appealed" or view.error_key:
            raise ScenarioFailed(f"the appeal ended in {view.state} ({view.error_key})")
        appeal = view.data["appeals"][-1]
        if printed_since(pump.simulators["printer"], printed, appeal["appeal_number"], RECEIPT_WAIT_SECONDS) is None:
            raise ScenarioFailed("no appeal receipt with its number came out of the printer")
        pump.touch("finish")
    finally:
        pump.simulators["idcard"].remove_card()
