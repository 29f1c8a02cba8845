"""The dispenser's load/unload section of the maintenance screen (issue 13), on a started kiosk:
the stock with free slots, a scanned finished passport loaded by touch (the back end names its
application, the module records it in the first free slot), and the overdue demo permit unloaded."""

from __future__ import annotations

import time

import pytest

from devices.dispenser.stock import DEMO_STOCK

pytestmark = pytest.mark.ui


@pytest.fixture()
def maintenance(money_kiosk, frames):
    simulator = money_kiosk.backstage.runtime.simulators["dispenser"]
    for document in DEMO_STOCK:
        simulator.stock.clear_slot(document.slot)
        simulator.stock.load(document.slot, document.document_id, document.physical_id)
    for slot in range(6, 13):
        simulator.stock.clear_slot(slot)
    money_kiosk.screens.current = "maintenance"
    frames(2)
    yield money_kiosk.screens.get_screen("maintenance")
    money_kiosk.screens.current = "home"
    frames(2)
    for slot in range(6, 13):
        simulator.stock.clear_slot(slot)


def test_load_a_scanned_passport_and_unload_the_overdue_permit(money_kiosk, maintenance, tap, frames):
    assert maintenance.ids.dispenser.text.startswith("12 slots: 5 loaded, 7 free (6, 7, 8, 9, 10, 11, 12)")
    assert "1 overdue (slot 5)" in maintenance.ids.dispenser.text

    money_kiosk.backstage.runtime.simulators["scanner"].scan("E61234507")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and money_kiosk.backstage.runtime.devices.get("scanner") is not None:
        tap(maintenance.ids.load_document)
        frames(1)
        if "loaded into slot" in maintenance.ids.output.text:
            break
        time.sleep(0.1)
    assert maintenance.ids.output.text == "E******07 (AP-DEMO-0107) loaded into slot 6"
    assert "6 loaded, 6 free" in maintenance.ids.dispenser.text

    tap(maintenance.ids.unload_overdue)
    frames(1)
    assert maintenance.ids.output.text == "slot 5: C******06 unloaded for a counter"
    assert "0 overdue" in maintenance.ids.dispenser.text
