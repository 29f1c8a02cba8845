"""Fine appeals (issue 20): "not my car / not me" from the fines list and as the `fine_appeal`
service, on the simulators and the reference back end over real HTTP (fresh demo data for the
module). Demo: 阿依古丽 (minority_name) has WF-DEMO-0011, the cloned-plate case photographed in
Shenzhen (undecided, accept and pay), and WF-DEMO-0012, decided at a counter (pay only)."""

from __future__ import annotations

import requests

from flows.demo_cards import card_for
from flows.engine import check_transition_table
from flows.fine_appeal import FineAppealFlow
from flows.fines import FinesFlow, State
from flows.journal import TxnStatus
from terminal.simulation import receipt_showing

DRIVER = "minority_name"


def open_list(pump, flow=FinesFlow):
    pump.start(flow)
    pump.simulators["idcard"].insert_card(card_for(DRIVER))
    return pump.tick_until(lambda v: v.state in ("list", "refused", "no_violations"), "the violation list")


def by_number(items):
    return {v["number"]: v for v in items}


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(FinesFlow, State) == []


def test_not_my_car_from_the_fines_list_files_the_appeal_and_holds_the_case(money_driver, money):
    runtime, _ = money
    pump = money_driver
    view = open_list(pump)
    assert by_number(view.data["settleable"])["WF-DEMO-0011"]["handling"] == "ACCEPT_AND_PAY"
    pump.touch("select", "WF-DEMO-0011")
    assert "appeal" in pump.view.actions
    view = pump.touch("appeal")
    assert view.state == "appeal" and {r["value"] for r in view.data["reasons"]} == {
        "CLONED_PLATE", "NOT_MY_VEHICLE", "NOT_THE_DRIVER", "WRONGLY_ENTERED"}
    view = pump.touch("reason", "CLONED_PLATE")
    assert view.state == "appealed" and view.error_key is None
    appeal = view.data["appeals"][-1]
    assert appeal["violation"] == "WF-DEMO-0011" and appeal["held"] and appeal["receipt_printed"]
    assert appeal["reason_key"] == "fines.appeal.reason.cloned_plate" and appeal["answer_by"]
    slip = receipt_showing(pump.simulators["printer"], appeal["appeal_number"])
    assert slip is not None and "WF-DEMO-0011" in slip and appeal["answer_by"] in slip

    txn = runtime.journal.get(view.data["transaction"])
    assert txn.flow == "fine_appeal" and txn.status is TxnStatus.COMPLETED
    assert txn.done("appeal") and txn.done("print")

    view = pump.touch("another")  # back to the list: the case is held, nothing to pay
    held = by_number(view.data["counter_only"])["WF-DEMO-0011"]
    assert held["reason_key"] == "fines.counter.under_appeal" and held["appeal_number"] == appeal["appeal_number"]
    assert "WF-DEMO-0011" not in by_number(view.data["settleable"])
    assert "WF-DEMO-0011" not in by_number(view.data["appealable"])
    view = pump.touch("appeal", "WF-DEMO-0011")  # not twice
    assert view.state == "list" and view.error_key == "fines.appeal.not_appealable"
    assert pump.touch("finish").state == "done"


def test_an_appeal_on_a_case_paid_meanwhile_is_refused_and_nothing_printed(money_driver, money):
    runtime, _ = money
    pump = money_driver
    view = open_list(pump, FineAppealFlow)
    assert view.data["appeal_only"] and "select" not in view.actions
    decided = by_number(view.data["appealable"])["WF-DEMO-0012"]
    # Paid from another kiosk (or a phone) while the citizen reads the list.
    client = runtime.flow_context().backend
    payment = client.create_payment(f"FO-{decided['decision_number']}", "paid-meanwhile-0012")
    assert requests.post(payment.qr_payload, data={"action": "pay"}, timeout=5).status_code == 200
    printed = len(pump.simulators["printer"].receipts)
    pump.touch("appeal", "WF-DEMO-0012")
    view = pump.touch("reason", "WRONGLY_ENTERED")
    assert view.state == "list" and view.error_key == "backend.not_eligible.already_paid"
    assert "WF-DEMO-0012" not in by_number(view.data["appealable"])
    assert len(pump.simulators["printer"].receipts) == printed
    refused = [t for t in runtime.journal if t.flow == "fine_appeal" and t.summary["violation"] == "WF-DEMO-0012"]
    assert [t.status for t in refused] == [TxnStatus.CANCELLED] and not refused[0].done("appeal")
    pump.touch("finish")


def test_the_appeal_service_ends_on_the_evaluation_step(money_driver):
    pump = money_driver
    view = open_list(pump, FineAppealFlow)
    assert view.state == "list" and view.data["appealable"] == []  # both demo cases dealt with
    assert pump.touch("finish").state == "done"
    following = pump.finish()
    assert following is not None and following.flow == "evaluation" and following.data["service"] == "fine_appeal"
