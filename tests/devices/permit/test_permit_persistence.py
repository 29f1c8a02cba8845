"""The simulated cards live on disk: a written endorsement survives a simulator restart."""

from __future__ import annotations

import json
from pathlib import Path

from devices.factory import DeviceContext, build_device
from devices.permit.driver import SerialPermitDriver, Timeouts
from devices.permit.simulator import FAST_TIMING, PermitCardSimulator

TIMEOUTS = Timeouts(status=0.3, read=0.5, write=0.8)


def restarted(state_file: Path) -> tuple[PermitCardSimulator, SerialPermitDriver]:
    simulator = PermitCardSimulator(state_file, timing=FAST_TIMING)
    return simulator, SerialPermitDriver(simulator.start(), timeouts=TIMEOUTS)


def test_written_endorsement_is_on_the_card_after_a_restart(state_file: Path, endorsement) -> None:
    first, driver = restarted(state_file)
    assert driver.write_endorsement(endorsement(8401)).written
    first.insert_card("CA1234567")  # which card is in the slot is kept too
    driver.close()
    first.stop()

    second, driver = restarted(state_file)
    try:
        assert driver.read_card().permit_number == "CA1234567"
        second.insert_card("C12345678")
        card = driver.read_card()
        assert card.newest_endorsement == endorsement(8401)
        assert second.store.face_print("C12345678") == 8401
    finally:
        driver.close()
        second.stop()


def test_state_file_is_plain_json_with_the_seeded_demo_cards_and_an_empty_slot(tmp_path: Path) -> None:
    """Issue 22 item 7: no card in the slot until the citizen inserts one (a card already there
    let the endorsement flow pass its "insert your permit" step with someone else's card)."""
    state_file = tmp_path / "permit-cards.json"
    simulator = PermitCardSimulator(state_file)  # seeding happens on first use, without starting
    content = json.loads(state_file.read_text(encoding="utf-8"))
    numbers = {card["permit_number"] for card in content["cards"]}
    assert {"C12345678", "CA1234567", "C87654321", "CB7654321"} <= numbers
    assert content["inserted"] is None and simulator.store.inserted() is None
    assert not list(state_file.parent.glob("*.tmp"))  # written atomically


def test_factory_builds_the_simulator_under_the_data_folder_and_it_persists(tmp_path: Path, endorsement) -> None:
    settings = {"driver": "simulator", "port": "", "baud": 115200}
    context = DeviceContext(data_dir=tmp_path)
    device = build_device("permit", settings, context)
    context.simulators["permit"].insert_card("C12345678")
    assert device.write_endorsement(endorsement(8402), print_on_face=False).written
    device.close()
    context.close_all()
    assert (tmp_path / "simulators" / "permit-cards.json").exists()

    context = DeviceContext(data_dir=tmp_path)
    device = build_device("permit", settings, context)
    try:
        assert device.read_card().find_endorsement(8402) == endorsement(8402)
        assert "permit card module on /dev/pts/" in context.simulators["permit"].describe()
    finally:
        device.close()
        context.close_all()


def test_expired_demo_permit_reads_as_expired(simulator, driver) -> None:
    import datetime as dt

    simulator.insert_card("C87654321")
    card = driver.read_card()
    assert card.is_expired(dt.date(2025, 1, 1)) and not card.is_expired(dt.date(2020, 8, 1))


def test_a_store_of_an_older_version_is_reseeded_with_the_current_demo_chips(tmp_path: Path) -> None:
    """GIVEN a card file written before the demo chips named their back-end holders (version 1),
    THEN the simulator starts on the current demo cards instead of the stale chips."""
    from devices.permit.card_store import STORE_VERSION, CardStore, demo_cards

    path = tmp_path / "permit-cards.json"
    path.write_text(json.dumps({"version": STORE_VERSION - 1, "inserted": None, "cards": []}), encoding="utf-8")
    store = CardStore(path)
    assert store.inserted() is None  # and the slot empty
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == STORE_VERSION
    assert {c["permit_number"] for c in json.loads(path.read_text(encoding="utf-8"))["cards"]} == \
        {card.permit_number for card in demo_cards()}


def test_a_demo_card_can_be_put_back_as_issued(tmp_path: Path, endorsement) -> None:
    """Endorsements written since are dropped from that card only, and the file says so too."""
    from devices.permit.card_store import CardStore

    store = CardStore(tmp_path / "cards.json")
    issued = {card.permit_number: card for card in store.cards()}
    store.append_endorsement("CA1234567", endorsement(7001))
    store.append_endorsement("C12345678", endorsement(7002))
    store.restore_demo_card("CA1234567")

    reopened = {card.permit_number: card for card in CardStore(tmp_path / "cards.json").cards()}
    assert reopened["CA1234567"] == issued["CA1234567"]
    assert reopened["C12345678"] != issued["C12345678"]  # the other card keeps what was written


def test_the_configured_answer_timeouts_reach_the_driver(tmp_path):
    """A slow vendor adapter (or a loaded machine's simulator) gets more time from the config."""
    from devices.permit.driver import STATUS_TIMEOUT, Timeouts, timeouts_from

    assert timeouts_from({"status_timeout_s": 3.0, "read_timeout_s": 6.0, "write_timeout_s": 15.0}) == \
        Timeouts(status=3.0, read=6.0, write=15.0)
    assert timeouts_from({}).status == STATUS_TIMEOUT
