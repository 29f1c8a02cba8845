"""Endorsement enquiry (issue 20), every branch, on the kiosk's simulators and the reference
back end over real HTTP (identity only: the permit is read locally).

Demo chips (devices/permit/card_store.py): long_term_id's C12345678 holds HK G 1 trip
(2023-04-01..2023-06-30) and MO L 1 trip (2024-02-10..2024-05-09); local_adult's CA1234567
holds none; expired_permit's CC3456789 expired 2023-08-31; permit_other_holder's CG7890123
names another holder. The flow takes the enquiry day as `today`, so "valid" and "all ended"
are both reachable on the same unchanged chips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from devices.permit.records import Destination, Endorsement, EndorsementType, PermitCard, Sex, Trips
from devices.printer.status import PaperLevel
from flows.demo_cards import card_for
from flows.endorsement_enquiry import (
    INSERT_PERMIT_TIMEOUT_SECONDS,
    EndorsementEnquiryFlow,
    EnquiryState,
    endorsement_data,
    usable_endorsements,
)
from flows.engine import CardInserted, check_transition_table
from flows.journal import Phase, TxnStatus

IN_MACAU_VALIDITY = dt.date(2024, 3, 1)


def identify(pump, person: str, today: dt.date | None = None):
    pump.start(EndorsementEnquiryFlow, today=today)
    pump.simulators["idcard"].insert_card(card_for(person))
    return pump.tick_until(lambda v: v.state in ("insert_permit", "refused"), "the permit to be asked for")


def insert_permit(pump, number: str):
    pump.simulators["permit"].insert_card(number)
    return pump.send(CardInserted("permit"))


def slot_is_empty(pump) -> bool:
    return pump.simulators["permit"].store.inserted() is None


@pytest.fixture()
def no_paper(runtime) -> Iterator[None]:
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    yield
    printer.set_paper(PaperLevel.PRESENT)


def test_every_state_has_a_view_and_valid_targets():
    assert check_transition_table(EndorsementEnquiryFlow, EnquiryState) == []


def test_valid_endorsements_are_listed_printed_and_the_card_given_back(pump, next_receipt):
    view = identify(pump, "long_term_id", IN_MACAU_VALIDITY)
    assert view.state == "insert_permit" and view.deadline is not None and "cancel" in view.actions
    receipt = next_receipt
    view = insert_permit(pump, "C12345678")

    assert view.state == "list" and view.finished and view.error_key is None
    [item] = view.data["endorsements"]  # the Hong Kong one ended in 2023: not listed
    assert (item["record_id"], item["destination"], item["type"], item["trips"]) == (1002, "MO", "L", "1")
    assert item["validity_key"] == "enquiry.valid_until"
    assert item["validity_values"] == {"end": "2024-05-09", "days": 69}
    assert item["trips_key"] == "endorsement.trips.single"
    assert view.data["take_card"] is True and slot_is_empty(pump)
    assert view.data["receipt_printed"] is True
    slip = receipt()
    assert "2024-05-09" in slip and "C******78" in slip
    assert "C12345678" not in slip and "欧阳秀英" not in slip  # masked on paper as on other receipts
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and txn.flow == "endorsement_enquiry"
    assert [(s.step, s.phase) for s in txn.steps] == [("print", Phase.BEFORE), ("print", Phase.AFTER)]
    assert "C12345678" not in repr(txn)


def test_a_permit_with_no_endorsement_says_so_and_prints_nothing(pump, runtime):
    identify(pump, "local_adult")
    printed = len(runtime.simulators["printer"].receipts)
    view = insert_permit(pump, "CA1234567")
    assert view.state == "no_endorsements" and view.message_key == "enquiry.no_endorsements"
    assert view.data["take_card"] is True and slot_is_empty(pump)
    assert view.data["permit_expiry"] == "2032-05-09" and "endorsements" not in view.data
    assert len(runtime.simulators["printer"].receipts) == printed


def test_only_expired_endorsements_name_the_last_one_and_its_end(pump, runtime):
    identify(pump, "long_term_id", dt.date(2024, 5, 10))  # the day after the Macau one ended
    printed = len(runtime.simulators["printer"].receipts)
    view = insert_permit(pump, "C12345678")
    assert view.state == "all_expired" and view.finished
    assert view.data["last"]["record_id"] == 1002 and view.data["last"]["valid_until"] == "2024-05-09"
    assert view.data["take_card"] is True and slot_is_empty(pump)
    assert len(runtime.simulators["printer"].receipts) == printed


def test_an_expired_permit_says_its_endorsements_cannot_be_used(pump):
    identify(pump, "expired_permit")
    view = insert_permit(pump, "CC3456789")
    assert view.state == "permit_expired" and view.data["permit_expiry"] == "2023-08-31"
    assert view.data["take_card"] is True and slot_is_empty(pump)


def test_another_holders_permit_is_refused_and_nothing_on_it_is_shown(pump, runtime):
    """The back end links CG7890123 to 周敏, but its chip names 周强 (flows/permit_holder.py)."""
    identify(pump, "permit_other_holder")
    printed = len(runtime.simulators["printer"].receipts)
    view = insert_permit(pump, "CG7890123")

    assert view.state == "refused" and view.error_key == "enquiry.permit_not_holders"
    assert view.data["take_card"] is True and slot_is_empty(pump)
    assert view.data["counter_hint"]["zh_CN"] == runtime.config["terminal"]["counter_hint_zh"]
    for hidden in ("endorsements", "last", "permit_expiry"):
        assert hidden not in view.data
    assert len(runtime.simulators["printer"].receipts) == printed
    txn = next(t for t in reversed(pump.ctx.journal.transactions(TxnStatus.CANCELLED))
               if t.flow == "endorsement_enquiry")
    assert txn.last("holder_check").detail == {"fields": ["name", "sex", "birth_date"]}
    for personal in ("周敏", "周强", "ZHOU", "CG7890123"):
        assert personal not in repr(txn)


def test_a_relatives_permit_with_valid_endorsements_is_refused_too(pump):
    """欧阳秀英's card has a valid endorsement on the enquiry day; 张伟 may not read it."""
    identify(pump, "local_adult", IN_MACAU_VALIDITY)
    view = insert_permit(pump, "C12345678")
    assert view.state == "refused" and view.error_key == "enquiry.permit_not_holders"
    assert "endorsements" not in view.data


def test_no_permit_inserted_in_time_ends_the_enquiry(pump):
    view = identify(pump, "local_adult")
    assert view.state == "insert_permit"
    view = pump.tick()
    assert view.state == "insert_permit"  # polling an empty slot is not an error
    pump.clock.advance(INSERT_PERMIT_TIMEOUT_SECONDS + 1)
    view = pump.tick()
    assert view.state == "timed_out" and view.finished and "take_card" not in view.data


def test_printer_out_of_paper_still_shows_the_list(pump, runtime, no_paper):
    identify(pump, "long_term_id", IN_MACAU_VALIDITY)
    printed = len(runtime.simulators["printer"].receipts)
    view = insert_permit(pump, "C12345678")

    assert (view.state, view.error_key) == ("list_not_printed", "printer.no_paper")
    assert [i["record_id"] for i in view.data["endorsements"]] == [1002]
    assert view.data["receipt_printed"] is False and view.data["counter_hint"]["en"]
    assert view.data["take_card"] is True and slot_is_empty(pump)
    assert len(runtime.simulators["printer"].receipts) == printed
    txn = pump.ctx.journal.get(view.data["transaction"])
    assert txn.status is TxnStatus.COMPLETED and "printer.no_paper" in txn.note
    assert txn.last("print").phase is Phase.FAILED


def test_cancel_while_waiting_gives_back_a_card_not_read_yet(pump):
    identify(pump, "long_term_id")
    pump.simulators["permit"].insert_card("C12345678")  # pushed in, no tick has read it yet
    view = pump.touch("cancel")
    assert view.state == "cancelled" and slot_is_empty(pump)


def test_identity_from_an_earlier_enquiry_is_not_asked_again(pump):
    identify(pump, "local_adult")
    pump.touch("cancel")
    view = pump.start(EndorsementEnquiryFlow)
    assert view.state == "insert_permit"


def test_a_face_that_does_not_match_is_refused(pump):
    pump.start(EndorsementEnquiryFlow)
    pump.simulators["idcard"].insert_card(card_for("face_mismatch"))
    view = pump.tick_until(lambda v: v.state == "refused", "the face refusal")
    assert view.error_key == "identity.face_no_match"


# ----- the validity in plain words, without devices -----
def _record(record_id: int, start: str, end: str) -> Endorsement:
    return Endorsement(record_id, Destination.HONG_KONG, EndorsementType.INDIVIDUAL_VISIT, Trips.TWO,
                       dt.date.fromisoformat(start), dt.date.fromisoformat(end), "440300")


def test_usable_endorsements_keep_current_and_later_ones_soonest_ending_first():
    card = PermitCard("C12345678", "04A1B2C3D4E5F601", "欧阳秀英", "OUYANG XIUYING", Sex.FEMALE,
                      dt.date(1956, 11, 2), dt.date(2030, 8, 19), (
                          _record(1, "2024-01-01", "2024-02-29"),   # ended
                          _record(2, "2024-06-01", "2024-12-31"),   # later
                          _record(3, "2024-01-01", "2024-03-01"),   # last day today
                      ))
    today = dt.date(2024, 3, 1)
    usable = usable_endorsements(card, today)
    assert [e.record_id for e in usable] == [3, 2]
    last_day, later = (endorsement_data(e, today) for e in usable)
    assert (last_day["validity_key"], last_day["validity_values"]) == ("enquiry.valid_last_day", {"end": "2024-03-01"})
    assert (later["validity_key"], later["validity_values"]) == (
        "enquiry.valid_from", {"start": "2024-06-01", "end": "2024-12-31"})
    assert later["trips_key"] == "endorsement.trips.double"
    assert later["destination_key"] == "endorsement.destination.hong_kong"


def test_a_garbled_read_is_shown_and_tried_again_until_the_card_reads(pump):
    identify(pump, "long_term_id", IN_MACAU_VALIDITY)
    permit = pump.simulators["permit"]
    permit.corrupt_next_answers(20)  # more than the driver's own resends of one command
    view = insert_permit(pump, "C12345678")
    assert view.state == "insert_permit" and view.error_key is not None and view.error_key.startswith("permit.")
    permit.corrupt_next_answers(0)
    pump.clock.advance(3.0)  # past the pause after a reader fault
    view = pump.tick_until_state("list")
    assert [i["record_id"] for i in view.data["endorsements"]] == [1002] and slot_is_empty(pump)
