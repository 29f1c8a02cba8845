"""The citizen pulls the permit out while the endorsement is being written.

The module cannot say whether the chip committed the record; the flow asks for the card back,
reads it, and writes only what is not there. If the card does not come back in time (or the
citizen leaves) the payment is refunded.
"""

from __future__ import annotations

from flows.demo_cards import card_for
from flows.endorsement import REINSERT_CARD_TIMEOUT_SECONDS, EndorsementFlow, record_id_for
from flows.engine import Cancel, CardInserted
from flows.journal import TxnStatus
from terminal.simulation import pay_shown_code


def to_payment(pump):
    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("C12345678")
    pump.send(CardInserted("permit"))
    pump.touch("same")
    return pump.touch("pay")


def card(pump):
    return next(c for c in pump.simulators["permit"].store.cards() if c.permit_number == "C12345678")


def pulled_during_write(pump, committed: bool):
    to_payment(pump)
    pump.simulators["permit"].pull_card_during_next_write(committed=committed)
    view = pay_shown_code(pump)
    assert view.state == "reinsert_card" and view.error_key == "permit.card_removed"
    assert view.deadline is not None
    return view


def test_pulled_before_the_chip_committed_is_written_again(money_driver):
    pump = money_driver
    pulled_during_write(pump, committed=False)
    before = len(card(pump).endorsements)
    pump.simulators["permit"].insert_card("C12345678")
    view = pump.send(CardInserted("permit"))
    assert view.state == "done" and view.error_key is None
    assert len(card(pump).endorsements) == before + 1
    number = view.data["items"][0]["endorsement_number"]
    assert card(pump).find_endorsement(record_id_for(number)) is not None


def test_pulled_after_the_chip_committed_is_not_written_twice(money_driver):
    pump = money_driver
    pulled_during_write(pump, committed=True)
    before = len(card(pump).endorsements)
    pump.simulators["permit"].insert_card("C12345678")
    view = pump.send(CardInserted("permit"))
    assert view.state == "done"
    assert len(card(pump).endorsements) == before, "the record was already on the chip"
    writes = [s for s in pump.ctx.journal.get(view.data["transaction"]).steps if s.step == "card_write_1"]
    assert [s.phase.value for s in writes] == ["before", "failed", "after"]
    assert writes[-1].detail["seen"] == "card_back"


def test_taken_after_the_write_but_before_the_read_back(money_driver):
    pump = money_driver
    to_payment(pump)
    pump.simulators["permit"].take_card_after_next_write()
    view = pay_shown_code(pump)
    assert view.state == "reinsert_card"
    pump.simulators["permit"].insert_card("C12345678")
    assert pump.send(CardInserted("permit")).state == "done"


def test_another_card_is_given_back_and_the_right_one_awaited(money_driver):
    pump = money_driver
    pulled_during_write(pump, committed=False)
    pump.simulators["permit"].insert_card("CA1234567")
    view = pump.send(CardInserted("permit"))
    assert view.state == "reinsert_card" and view.error_key == "endorsement.wrong_permit"
    assert pump.simulators["permit"].store.inserted() is None, "the wrong card is pushed out"
    pump.simulators["permit"].insert_card("C12345678")
    assert pump.send(CardInserted("permit")).state == "done"


def test_card_not_back_in_time_is_refunded(money_driver):
    pump = money_driver
    pulled_during_write(pump, committed=False)
    pump.clock.advance(REINSERT_CARD_TIMEOUT_SECONDS + 1)
    view = pump.tick_until_state("refunded")
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.REFUNDED


def test_citizen_leaving_without_the_card_is_refunded(money_driver):
    pump = money_driver
    pulled_during_write(pump, committed=False)
    view = pump.send(Cancel("timeout"))
    assert view.state == "refunded"
    assert pump.ctx.journal.get(view.data["transaction"]).status is TxnStatus.REFUNDED
