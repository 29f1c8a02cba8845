"""The permit chip's holder against the ID card read this session (issue 22, item 1), and the
demo data that the self-test and the flow tests rely on: every demo person's permit chip names
them as their ID card does, except the one person kept to show the refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from backend import seed
from devices.permit.card_store import demo_cards
from devices.permit.records import PermitCard, Sex
from flows.demo_cards import card_for
from flows.permit_holder import holder_mismatches, normalised_name

# The demo person whose chip names another holder on purpose (backend/seed.py).
OTHER_HOLDER = "permit_other_holder"
CHIPS = {card.permit_number: card for card in demo_cards()}
def chip_of(key: str) -> PermitCard:
    permit = seed.permit_of(key)
    assert permit is not None, f"{key} holds no permit"
    return CHIPS[permit.number]


@pytest.mark.parametrize("permit", [p for p in seed.PERMITS if p.holder != OTHER_HOLDER], ids=lambda p: p.number)
def test_every_demo_permit_chip_names_its_holder_as_their_id_card_does(permit):
    assert permit.number in CHIPS, f"no simulated card for {permit.number}"
    chip = CHIPS[permit.number]
    assert holder_mismatches(chip, card_for(permit.holder)) == ()
    assert chip.expiry_date == permit.valid_to
    assert chip.name_pinyin == seed.person(permit.holder).name_pinyin


def test_the_other_holders_chip_differs_in_every_compared_field():
    assert holder_mismatches(chip_of(OTHER_HOLDER), card_for(OTHER_HOLDER)) == ("name", "sex", "birth_date")


def test_a_single_differing_field_is_named():
    card = card_for("local_adult")
    chip = chip_of("local_adult")
    assert holder_mismatches(replace(chip, birth_date=dt.date(1985, 3, 13)), card) == ("birth_date",)
    assert holder_mismatches(replace(chip, sex=Sex.FEMALE), card) == ("sex",)
    assert holder_mismatches(replace(chip, name_zh="张玮"), card) == ("name",)


@pytest.mark.parametrize("written", ["阿依古丽·买买提艾力", "阿依古丽•买买提艾力", "阿依古丽・买买提艾力",
                                     "阿依古丽 · 买买提艾力", "阿依古丽．买买提艾力"])
def test_the_middle_dot_of_a_minority_name_may_be_any_of_its_code_points(written):
    chip = replace(chip_of("minority_name"), name_zh=written)
    assert holder_mismatches(chip, card_for("minority_name")) == ()


def test_padding_and_full_width_forms_do_not_count():
    assert normalised_name(" 张伟\u3000") == normalised_name("张伟")
    assert normalised_name("ＺＨＡＮＧ") == "ZHANG"


def test_the_first_demo_zhang_wei_from_the_simulation_panel_reaches_the_choice(money_driver):
    """Issue 22 item 7: choosing 张伟 in the simulation panel passed the permit step with the card
    left in the slot (another person's) and ended in 没有查到您的这张通行证. The slot is empty until
    a card is inserted; the panel names each permit's holder (and each person's permit), and 张伟's
    own card CA1234567 takes him to the choice of endorsements."""
    from flows.endorsement import EndorsementFlow
    from flows.engine import CardInserted
    from terminal.simulation_panel import SimulationPanel

    pump = money_driver
    panel = SimulationPanel(pump.simulators, lambda: None)
    person = next(a for a in panel.actions() if "(local_adult)" in a.label)
    assert "通行证 CA1234567" in person.label
    his_card = next(a for a in panel.actions() if a.group == "permit" and "CA1234567" in a.label)
    assert "张伟" in his_card.label

    pump.start(EndorsementFlow)
    assert panel.run(person) is None
    pump.tick_until_state("insert_permit")
    assert pump.simulators["permit"].store.inserted() is None
    for _ in range(5):
        assert pump.tick().state == "insert_permit"  # waits for the citizen's card

    assert panel.run(his_card) is None
    pump.send(CardInserted("permit"))
    view = pump.tick_until(lambda v: v.state not in ("insert_permit",), "past the permit step")
    assert view.state in ("offer", "choose_destination") and view.error_key is None, (view.state, view.error_key)


@pytest.mark.parametrize("chip", [c for c in demo_cards() if c.endorsements], ids=lambda c: c.permit_number)
def test_demo_chip_records_end_as_the_projects_rule_says(chip):
    """Issue 22: record 1001 ended 2023-07-01, the project's own rule (backend/rules/endorsements.py
    endorsement_end, docs/rules.md) gives 2023-06-30: the day before the same date 3 (or 12)
    months later."""
    from backend.rules.endorsements import endorsement_end

    for record in chip.endorsements:
        assert record.valid_until in {endorsement_end(record.valid_from, months) for months in (3, 12)}, record
    if chip.permit_number == "C12345678":
        assert chip.find_endorsement(1001).valid_until == dt.date(2023, 6, 30)


def test_a_new_endorsement_replacing_a_valid_one_says_so_before_payment(money_driver):
    """Issue 22: a new endorsement for a destination silently replaced a still-valid one on the
    chip. The review, before paying, names the one it replaces and its end; none when the old
    one has run out."""
    from devices.permit.records import Destination, Endorsement, EndorsementType, Trips
    from flows.endorsement import EndorsementFlow
    from flows.engine import CardInserted

    pump = money_driver
    today = dt.date.today()
    still_valid = Endorsement(4242, Destination.HONG_KONG, EndorsementType.GROUP_TOUR, Trips.ONE,
                              today - dt.timedelta(days=10), today + dt.timedelta(days=50), "430100")
    pump.simulators["permit"].store.append_endorsement("CB2345678", still_valid)

    pump.start(EndorsementFlow)
    pump.simulators["idcard"].insert_card(card_for("minority_name"))
    pump.tick_until_state("insert_permit")
    pump.simulators["permit"].insert_card("CB2345678")
    view = pump.send(CardInserted("permit"))
    if view.state == "offer":
        view = pump.touch("other")
    pump.touch("destination", "HONG_KONG")
    view = pump.view
    while view.state != "review":
        level = view.data["level"]
        view = pump.touch(level, view.data["choices"][0])
    assert view.data["replaces"] == [{"destination": "HONG_KONG",
                                      "valid_until": still_valid.valid_until.isoformat()}]
    from kiosk.ui.presenters.endorsement import present  # the review screen shows it (no Kivy needed)

    notes = [row.value for row in present(view).rows if row.label.key == "screen.endorsement.replaces_label"]
    assert [(t.key, t.values) for t in notes] == [
        ("screen.endorsement.replaces_hong_kong", {"valid_until": still_valid.valid_until.isoformat()})]
    view = pump.touch("change")
    if view.state == "offer":
        view = pump.touch("other")
    pump.touch("destination", "MACAU")
    view = pump.view
    while view.state != "review":
        view = pump.touch(view.data["level"], view.data["choices"][0])
    assert view.data["replaces"] == []
    pump.touch("cancel")
