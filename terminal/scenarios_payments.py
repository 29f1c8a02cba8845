"""Self-test scenarios of the services that take money: endorsement renewal and traffic fines.

Each plays a citizen of the demo data with zero think time and checks what a hall would:
the flow ends done, the back end's records agree, the receipt came out (and, for the
endorsement, the chip holds the new record).
"""

from __future__ import annotations

from backend import seed
from flows.demo_cards import card_for
from flows.pump import FlowPump, ScenarioFailed
from terminal.simulation import pay_shown_code, receipt_showing

# A repeat renewal: this citizen's permit (in the back end and on the simulated cards, whose
# chip names her as her ID card does) holds an earlier endorsement the back end still offers,
# so the kiosk offers it first.
ENDORSEMENT_CITIZEN = "long_term_id"
ENDORSEMENT_PERMIT = "C12345678"
# A citizen whose permit chip names another holder: refused before payment (issue 22).
OTHER_HOLDER_CITIZEN = "permit_other_holder"
# A pump with camera-recorded fines the kiosk may settle.
FINES_CITIZEN = "local_adult"


def endorsement(pump: FlowPump) -> None:
    from flows.endorsement import EndorsementFlow

    other_holder_refused(pump)
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(ENDORSEMENT_CITIZEN))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(ENDORSEMENT_PERMIT)
    view = pump.tick_until(lambda v: v.state not in ("insert_permit",), "the permit to be read")
    if view.state == "offer":
        pump.touch("same")
    else:
        choose_first_offered(pump)
    pump.touch("pay")
    pump.expect("paying")
    view = pay_shown_code(pump)
    if view.state != "done" or view.error_key:
        raise ScenarioFailed(f"endorsement ended in {view.state} ({view.error_key})")
    number = view.data["items"][0]["endorsement_number"]
    _expect_receipt(pump, number)


def other_holder_refused(pump: FlowPump) -> None:
    """A card whose chip names someone else never reaches the payment; then the next citizen."""
    from flows.endorsement import MSG_NOT_HOLDERS_PERMIT, EndorsementFlow

    permit = seed.permit_of(OTHER_HOLDER_CITIZEN)
    assert permit is not None, f"{OTHER_HOLDER_CITIZEN} holds no permit in the demo data"
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for(OTHER_HOLDER_CITIZEN))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card(permit.number)
    view = pump.tick_until(lambda v: v.state != "insert_permit", "the permit to be read")
    if view.state != "refused" or view.error_key != MSG_NOT_HOLDERS_PERMIT:
        raise ScenarioFailed(f"another holder's permit ended in {view.state} ({view.error_key}), not refused")
    pump.simulators["idcard"].remove_card()
    assert pump.ctx is not None
    pump.ctx.session.wipe("selftest: the next citizen")


def choose_first_offered(pump: FlowPump) -> None:
    """Pick the first value at each level the flow asks about, until the review."""
    view = pump.view
    while view.state.startswith("choose_"):
        view = pump.touch(view.data["level"], view.data["choices"][0])
    pump.expect("review")


def traffic_fines(pump: FlowPump, citizen: str = FINES_CITIZEN) -> None:
    from flows.fines import FinesFlow

    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for(citizen))
    view = pump.tick_until_state("list")
    payable = [v for v in view.data["settleable"] if v["amount_due"] != "0.00"]
    if not payable:
        raise ScenarioFailed("the demo pump has no fine left to pay (reseed the reference back end)")
    violation = payable[0]
    pump.touch("select", violation["number"])
    pump.touch("accept" if violation["handling"] == "ACCEPT_AND_PAY" else "pay")
    pump.expect("paying")
    view = pay_shown_code(pump)
    if view.state != "settled" or view.error_key:
        raise ScenarioFailed(f"fines ended in {view.state} ({view.error_key})")
    pump.touch("finish")
    _expect_receipt(pump, view.data["settled"][-1]["decision_number"])


def _expect_receipt(pump: FlowPump, text: str) -> None:
    if receipt_showing(pump.simulators["printer"], text) is None:
        raise ScenarioFailed(f"no receipt showing {text} came out of the printer")
