"""Endorsement renewal, every branch, on the simulators and the reference back end over real HTTP.

Demo data: long_term_id holds permit C12345678 whose newest endorsement is Macau L, one trip,
3 months (offered first); local_adult holds CA1234567 with no history (chooses level by
level); expired_permit's CC3456789 has run out; state_employee (CF6789012) is refused by the
back end; permit_other_holder's CG7890123 has a chip naming another holder (refused by the
kiosk before payment). Every chip names its holder as their ID card does (backend/seed.py,
devices/permit/card_store.py).
"""

from __future__ import annotations

from backend_client.models import OrderStatus, TransactionOutcome
from flows.demo_cards import card_for
from flows.endorsement import EndorsementFlow, State, record_id_for
from flows.engine import CardInserted, CardRemoved, check_transition_table
from flows.fines import FinesFlow
from flows.journal import Phase, TxnStatus
from terminal.fleet import report_for
from terminal.simulation import pay_shown_code, receipt_showing


def identify(pump, person: str, until: str = "insert_permit"):
    pump.simulators["idcard"].insert_card(card_for(person))
    return pump.tick_until(lambda v: v.state in (until, "refused"), until)


def insert_permit(pump, number: str):
    pump.simulators["permit"].insert_card(number)
    return pump.send(CardInserted("permit"))


def steps_of(pump, txn_id: str) -> list[tuple[str, str]]:
    return [(s.step, s.phase.value) for s in pump.ctx.journal.get(txn_id).steps]


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(EndorsementFlow, State) == []


def test_repeat_renewal_is_offered_first_and_done_in_two_touches(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "long_term_id")
    view = insert_permit(pump, "C12345678")
    assert view.state == "offer"
    offer = view.data["offer"]
    assert (offer["destination"], offer["type"], offer["trips"], offer["validity_months"]) == ("MACAU", "L", "SINGLE", 3)
    assert offer["fee"] == "15.00"
    view = pump.touch("same")
    assert view.state == "review" and view.data["total"] == "15.00"
    view = pump.touch("pay")
    assert view.state == "paying" and view.data["amount"] == "15.00" and view.data["qr"].startswith("http")
    assert view.deadline is not None and view.data["seconds_left"] > 0

    view = pay_shown_code(pump)

    assert view.state == "done" and view.finished and view.error_key is None
    assert pump.touches == 2
    item = view.data["items"][0]
    card = next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "C12345678")
    record = card.find_endorsement(record_id_for(item["endorsement_number"]))
    assert record is not None and record.valid_from.isoformat() == item["valid_from"]
    assert pump.simulators["permit"].store.face_print("C12345678") == record.record_id
    assert pump.simulators["permit"].store.inserted() is None, "the card is returned"
    assert view.data["take_card"] is True
    order = pump.ctx.backend.get_endorsement_order(view.data["order_id"])
    assert order.status is OrderStatus.WRITTEN
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.amount_fen == 1500
    assert steps_of(pump, txn.id) == [
        ("order", "before"), ("order", "after"), ("payment_1", "before"), ("payment_1", "after"),
        ("paid", "after"), ("card_write_1", "before"), ("card_write_1", "after"),
        ("confirm", "before"), ("confirm", "after"), ("print", "before"), ("print", "after")]
    assert all(s.request_id.startswith(txn.id) for s in txn.steps)
    receipt = receipt_showing(pump.simulators["printer"], item["endorsement_number"])
    assert receipt is not None and view.data["order_id"] in receipt


def test_choosing_level_by_level_skips_single_values_and_goes_back(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "local_adult")
    view = insert_permit(pump, "CA1234567")
    assert view.state == "choose_destination", "a card without history has nothing to offer first"
    assert view.data["choices"] == ["HONG_KONG", "MACAU"]
    view = pump.touch("destination", "HONG_KONG")
    assert view.state == "choose_type" and view.data["choices"] == ["G", "L", "S"]
    view = pump.touch("back")
    assert view.state == "choose_destination"
    pump.touch("destination", "MACAU")
    view = pump.touch("type", "G")
    assert view.state == "choose_validity", "Macau G is single trip only: not asked"
    assert view.data["choices"] == [3, 12] and {o["fee"] for o in view.data["options"]} == {"15.00"}
    view = pump.touch("validity_months", 12)
    assert view.state == "review"
    assert [(i["destination"], i["type"], i["trips"], i["validity_months"]) for i in view.data["items"]] == [
        ("MACAU", "G", "SINGLE", 12)]
    opened_before = len(pump.ctx.journal.transactions())
    view = pump.touch("cancel")
    assert view.state == "cancelled" and view.data["take_card"] is True
    assert pump.simulators["permit"].store.inserted() is None
    assert len(pump.ctx.journal.transactions()) == opened_before, "nothing journalled before paying"


def test_a_choice_not_offered_is_refused_on_screen(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "local_adult")
    insert_permit(pump, "CA1234567")
    view = pump.touch("destination", "TAIWAN")
    assert view.state == "choose_destination" and view.error_key == "endorsement.choice_not_offered"
    pump.touch("cancel")


def test_two_destinations_in_one_order_write_two_records(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "local_adult")
    insert_permit(pump, "CA1234567")
    pump.touch("destination", "HONG_KONG")
    pump.touch("type", "L")
    pump.touch("trips", "DOUBLE")
    view = pump.touch("validity_months", 3)
    assert "add_destination" in view.actions
    view = pump.touch("add_destination")
    assert view.state == "choose_type", "only Macau is left: the destination is not asked"
    pump.touch("type", "L")
    pump.touch("trips", "SINGLE")
    view = pump.touch("validity_months", 3)
    assert view.state == "review" and view.data["total"] == "45.00" and "add_destination" not in view.actions
    pump.touch("pay")
    view = pay_shown_code(pump)
    assert view.state == "done"
    card = next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "CA1234567")
    for item in view.data["items"]:
        assert card.find_endorsement(record_id_for(item["endorsement_number"])) is not None
    assert ("card_write_2", "after") in steps_of(pump, view.data["transaction"])


def test_expired_permit_is_refused_with_the_reason(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "expired_permit")
    view = insert_permit(pump, "CC3456789")
    assert view.state == "refused" and view.error_key == "endorsement.permit_expired"
    assert view.data["take_card"] is True and pump.simulators["permit"].store.inserted() is None


def test_registered_state_employee_is_refused_by_the_back_end(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "state_employee")
    view = insert_permit(pump, "CF6789012")
    assert view.state == "refused"
    assert view.error_key == "backend.not_eligible.registered_state_employee"


def holder_refusals(pump) -> list:
    return [t for t in pump.ctx.journal.transactions(TxnStatus.CANCELLED)
            if t.flow == "endorsement" and t.last("holder_check") is not None]


def test_someone_elses_permit_is_refused_by_its_chip_before_the_back_end_is_asked(money_driver):
    """Issue 22 (1): the chip of CA1234567 names 张伟; 刘洋 at the kiosk is not its holder."""
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "non_local_hukou")
    before = len(holder_refusals(pump))
    view = insert_permit(pump, "CA1234567")
    assert view.state == "refused" and view.error_key == "endorsement.permit_not_holders"
    assert view.data["take_card"] is True and view.data["counter_hint"]["zh_CN"]
    refusal = holder_refusals(pump)[before:]
    assert len(refusal) == 1
    assert refusal[0].last("holder_check").detail == {"fields": ["name", "birth_date"],  # both men
                                                      "reason": "endorsement.permit_not_holders"}
    # The back end hears of it through the transaction report, with the reason and no personal data.
    report = report_for(refusal[0])
    assert (report.outcome, report.failure_key) == (TransactionOutcome.FAILED, "endorsement.permit_not_holders")
    assert report.amount is None and report.payment_id is None


def test_a_permit_whose_chip_names_another_holder_is_refused_before_payment(money_driver):
    """Issue 22 (1): the back end links CG7890123 to 周敏 (permit_other_holder), but its chip
    names 周强. Refused before any order, payment or write; journalled with field names only."""
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "permit_other_holder")
    records_before = len(next(c for c in pump.simulators["permit"].store.cards()
                              if c.permit_number == "CG7890123").endorsements)
    view = insert_permit(pump, "CG7890123")

    assert view.state == "refused" and view.error_key == "endorsement.permit_not_holders"
    assert "pay" not in pump.view.actions and view.data["take_card"] is True
    txn = holder_refusals(pump)[-1]
    assert (txn.amount_fen, txn.order_id, txn.payment_id) == (0, None, None)
    assert [s.step for s in txn.steps] == ["holder_check"]
    assert txn.last("holder_check").detail == {"fields": ["name", "sex", "birth_date"],
                                              "reason": "endorsement.permit_not_holders"}
    journal_text = repr(txn)
    for personal in ("周敏", "周强", "ZHOU", "1988", "1986", "CG7890123"):
        assert personal not in journal_text
    card = next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "CG7890123")
    assert len(card.endorsements) == records_before


def test_residence_permit_holders_are_not_served(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    view = identify(pump, "hk_resident", until="refused")
    assert view.state == "refused" and view.error_key == "identity.kind_not_served"


def test_face_that_does_not_match_is_refused_after_the_allowed_tries(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("face_mismatch"))
    view = pump.tick_until(lambda v: v.state == "refused", "the face refusal")
    assert view.error_key == "identity.face_no_match"


def test_card_taken_out_before_paying_is_asked_for_again(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "long_term_id")
    insert_permit(pump, "C12345678")
    pump.touch("same")
    pump.simulators["permit"].remove_card()
    view = pump.touch("pay")
    assert view.state == "insert_permit" and view.error_key == "endorsement.card_taken_early"
    view = insert_permit(pump, "C12345678")
    assert view.state == "offer"
    view = pump.send(CardRemoved("permit"))
    assert view.state == "insert_permit"
    pump.touch("cancel")


def test_a_failed_write_is_tried_again_within_the_session(money_driver):
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "long_term_id")
    insert_permit(pump, "C12345678")
    pump.touch("same")
    pump.touch("pay")
    pump.simulators["permit"].fail_next_write()
    view = pay_shown_code(pump)
    assert view.state == "done" and view.error_key is None
    steps = pump.ctx.journal.get(view.data["transaction"]).steps
    writes = [(s.phase, s.detail.get("reason")) for s in steps if s.step == "card_write_1"]
    assert writes == [(Phase.BEFORE, None), (Phase.FAILED, "write_failed"), (Phase.BEFORE, None), (Phase.AFTER, None)]


def test_identity_from_an_earlier_service_is_not_asked_again(money_driver):
    pump = money_driver
    pump.start(FinesFlow)
    pump.simulators["idcard"].insert_card(card_for("local_adult"))
    pump.tick_until_state("list")
    pump.touch("cancel")
    view = pump.start(EndorsementFlow)
    assert view.state == "insert_permit"


def test_a_business_endorsement_prints_a_seven_day_stay_on_the_receipt(money_driver):
    """Issue 22 (2). Source: the business endorsement (商务签注) terms, 每次在香港或者澳门逗留不超过
    7天 (DOMAIN.md section 8); 14 days is family visit (T). local_adult has a business on file.
    Last in the module: the endorsement it writes onto CA1234567 would be offered first after it."""
    pump = money_driver
    pump.start(EndorsementFlow)
    identify(pump, "local_adult")
    if insert_permit(pump, "CA1234567").state == "offer":  # the card holds earlier tests' endorsements
        pump.touch("other")
    pump.touch("destination", "HONG_KONG")
    view = pump.touch("type", "S")
    assert {o["max_stay_days"] for o in view.data["options"]} == {7}
    pump.touch("trips", "SINGLE")
    view = pump.view if pump.view.state == "review" else pump.touch("validity_months", 3)
    assert view.state == "review" and [i["max_stay_days"] for i in view.data["items"]] == [7]
    pump.touch("pay")
    view = pay_shown_code(pump)
    assert view.state == "done"
    receipt = receipt_showing(pump.simulators["printer"], view.data["items"][0]["endorsement_number"])
    assert receipt is not None
    stay_line = next(line for line in receipt.splitlines() if "每次逗留(天)" in line)
    assert stay_line.split()[-1] == "7"
