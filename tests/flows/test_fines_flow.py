"""Traffic fines, every branch, on the simulators and the reference back end over real HTTP.

Demo data (backend/seed.py): local_adult has a 100-yuan camera case (accept and pay), a
warning, a 500-yuan case and an on-site case (counter only), and three decided cases to pay
(no late fee yet; 75 yuan late; late fee capped at the fine). points_near_limit has 9
points: a 3-point case would reach 12. The tests run in file order on one fresh back end.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backend_client.models import KioskHandling, Violation, ViolationSource, ViolationState
from flows.demo_cards import card_for
from flows.engine import check_transition_table
from flows.fines import FinesFlow, State, kiosk_may_decide
from flows.journal import TxnStatus
from terminal.simulation import pay_shown_code, receipt_showing


def open_list(pump, person: str):
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for(person))
    return pump.tick_until(lambda v: v.state in ("list", "refused", "no_violations"), "the violation list")


def by_number(items):
    return {v["number"]: v for v in items}


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(FinesFlow, State) == []


def test_list_says_what_can_be_settled_here_and_where_to_go_for_the_rest(money_driver, money):
    runtime, _ = money
    view = open_list(money_driver, "local_adult")
    settleable, counter = by_number(view.data["settleable"]), by_number(view.data["counter_only"])
    assert set(settleable) == {"WF-DEMO-0001", "WF-DEMO-0002", "WF-DEMO-0005", "WF-DEMO-0006", "WF-DEMO-0007"}
    assert {n: v["reason_key"] for n, v in counter.items()} == {
        "WF-DEMO-0003": "fines.counter.over_limit", "WF-DEMO-0004": "fines.counter.on_site"}
    assert view.data["counter_hint"] == {"zh_CN": runtime.config["terminal"]["counter_hint_zh"],
                                         "en": runtime.config["terminal"]["counter_hint_en"]}
    # Late fees are the back end's: 3 % a day after 15 days, capped at the fine.
    assert (settleable["WF-DEMO-0005"]["late_fee"], settleable["WF-DEMO-0006"]["late_fee"],
            settleable["WF-DEMO-0007"]["late_fee"]) == ("0.00", "75.00", "100.00")
    assert settleable["WF-DEMO-0006"]["amount_due"] == "575.00"
    assert settleable["WF-DEMO-0001"]["points_after"] == 3
    view = money_driver.touch("select", "WF-DEMO-0003")
    assert view.state == "list" and view.error_key == "fines.not_settleable_here"
    view = money_driver.touch("select", "WF-DEMO-0001")
    assert view.state == "detail" and view.actions[0] == "accept"
    view = money_driver.touch("back")
    assert view.state == "list"
    assert money_driver.touch("cancel").state == "cancelled"


def test_accept_then_pay_then_decision_and_receipt(money_driver):
    pump = money_driver
    open_list(pump, "local_adult")
    pump.touch("select", "WF-DEMO-0001")
    view = pump.touch("accept")
    assert view.state == "paying" and view.data["amount"] == "100.00"
    view = pay_shown_code(pump)
    assert view.state == "settled" and view.error_key is None
    settled = view.data["settled"][-1]
    assert (settled["points"], settled["points_in_cycle"], settled["amount_paid"]) == (3, 3, "100.00")
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED
    assert [(s.step, s.phase.value) for s in txn.steps] == [
        ("accept", "before"), ("accept", "after"), ("payment_1", "before"), ("payment_1", "after"),
        ("paid", "after"), ("print", "before"), ("print", "after")]
    receipt = receipt_showing(pump.simulators["printer"], settled["decision_number"])
    assert receipt is not None and "100.00" in receipt
    left = pump.ctx.backend.list_violations(card_for("local_adult").document_number)
    assert "WF-DEMO-0001" not in {v.violation_number for v in left.violations} and left.points_in_cycle == 3
    assert "another" in view.actions
    assert pump.touch("another").state == "list"
    assert pump.touch("finish").state == "done"


def test_a_warning_is_accepted_without_payment(money_driver):
    pump = money_driver
    open_list(pump, "local_adult")
    pump.touch("select", "WF-DEMO-0002")
    view = pump.touch("accept")
    assert view.state == "settled" and view.data["settled"][-1]["amount_paid"] == "0"
    steps = {s.step for s in pump.ctx.journal.get(view.data["transaction"]).steps}
    assert steps == {"accept", "print"}


def test_a_decided_fine_is_paid_with_its_late_fee(money_driver):
    pump = money_driver
    open_list(pump, "local_adult")
    view = pump.touch("select", "WF-DEMO-0006")
    assert view.actions[0] == "pay", "decided at a counter: only paying is left"
    view = pump.touch("pay")
    assert view.data["amount"] == "575.00"
    view = pay_shown_code(pump)
    assert view.state == "settled" and view.data["settled"][-1]["amount_paid"] == "575.00"
    pump.touch("finish")


def test_a_case_that_would_reach_12_points_goes_to_the_counter(money_driver):
    view = open_list(money_driver, "points_near_limit")
    assert by_number(view.data["counter_only"])["WF-DEMO-0008"]["reason_key"] == "fines.counter.points"
    assert set(by_number(view.data["settleable"])) == {"WF-DEMO-0009"}
    assert view.data["points_in_cycle"] == 9
    money_driver.touch("cancel")


def test_someone_without_a_driving_licence_is_told_so(money_driver):
    view = open_list(money_driver, "long_term_id")
    assert view.state == "refused" and view.error_key == "backend.not_found.driver"


def test_a_residence_permit_holder_settles_and_then_has_nothing_left(money_driver):
    pump = money_driver
    view = open_list(pump, "hk_resident")
    assert view.state == "list"
    pump.touch("select", "WF-DEMO-0010")
    pump.touch("accept")
    view = pay_shown_code(pump)
    assert view.state == "settled" and "another" not in view.actions
    pump.touch("finish")
    pump.ctx.session.wipe("next citizen")
    view = open_list(pump, "hk_resident")
    assert view.state == "no_violations" and view.finished


def test_the_kiosk_refuses_to_decide_beyond_its_rules_whatever_the_back_end_says():
    def case(source, fine, points):
        return Violation("V", "02", "X", dt.datetime.now(dt.timezone.utc), "p", "1", "d", points, Decimal(fine),
                         Decimal(0), Decimal(fine), source, ViolationState.UNDECIDED, KioskHandling.ACCEPT_AND_PAY)

    assert kiosk_may_decide(case(ViolationSource.NON_ON_SITE, "200", 3), points_in_cycle=8)
    assert not kiosk_may_decide(case(ViolationSource.NON_ON_SITE, "200.01", 3), points_in_cycle=0)
    assert not kiosk_may_decide(case(ViolationSource.ON_SITE, "50", 1), points_in_cycle=0)
    assert not kiosk_may_decide(case(ViolationSource.NON_ON_SITE, "50", 3), points_in_cycle=9)
