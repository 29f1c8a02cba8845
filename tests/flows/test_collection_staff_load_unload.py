"""Staff load and unload the dispenser from the maintenance screen's model (issue 13,
terminal/dispenser_staff.py), on the kiosk's runtime: the simulated dispenser with the demo stock
and the embedded back end with its documents awaiting loading (backend/seed.py AWAITING_LOAD).

A scanned passport is confirmed by the back end (its application named) and only then recorded
in the first free slot; a number the back end does not know loads nothing; the overdue demo
permit (slot 5, 40 days) is released by the module and reported unloaded; the stock lines show
slots loaded and free, the reject bin and what is ready and overdue.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from devices.dispenser.contract import Location
from terminal.dispenser_staff import DispenserStaff
from tests.flows.test_collection import ready_row, restock


@pytest.fixture()
def dispenser(runtime) -> Iterator:
    simulator = runtime.simulators["dispenser"]
    restock(simulator)
    yield simulator
    restock(simulator)


def test_stock_load_and_unload_overdue(runtime, dispenser):
    staff = DispenserStaff(runtime)
    assert staff.stock_lines() == ["12 slots: 5 loaded, 7 free (6, 7, 8, 9, 10, 11, 12)", "reject bin 0 of 20",
                                   "5 ready here, 1 overdue (slot 5)"]

    runtime.simulators["scanner"].scan("E61234507")  # the finished passport's barcode at the loader
    scanned = None
    for _ in range(100):
        scanned = staff.take_scan()
        if scanned:
            break
        time.sleep(0.05)
    assert scanned == "E61234507"
    assert staff.load(scanned) == "E******07 (AP-DEMO-0107) loaded into slot 6"
    assert dispenser.stock.where_is("E61234507").slot == 6
    assert (ready_row(runtime, "E61234507")["status"], ready_row(runtime, "E61234507")["slot"]) == ("READY", 6)

    assert staff.load("E99999999").startswith("load refused by the back end: backend.not_found.document")
    assert dispenser.stock.loaded(7) is None  # nothing recorded in the module

    assert staff.unload_overdue() == ["slot 5: C******06 unloaded for a counter"]
    assert dispenser.stock.where_is("C30000006").location is Location.UNKNOWN
    assert ready_row(runtime, "C30000006")["status"] == "UNLOADED"
    assert staff.stock_lines()[-1] == "5 ready here, 0 overdue"
