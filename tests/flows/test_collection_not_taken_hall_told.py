"""A document not taken in time is retracted, recorded not collected, stays ready at the back end,
and the hall is told through the heartbeat (issue 13): the terminal's next heartbeat carries the
dispenser's stock and a `collection` alert while the reject bin holds the document, the fleet
link sends it as soon as the collection ends, and the hall dashboard's collection section shows
the stock, the document left behind and the alert. Emptying the reject bin clears the alert.

The module's runtime (embedded back end, simulated dispenser on its pty, the fleet link running).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from backend.dashboard_collection import collection_section
from backend.timeutil import utc_now
from backend_client.models import DeviceStatus
from flows.collection import CollectionFlow
from flows.demo_cards import card_for
from terminal.dispenser_watch import RETRACTED_ENTRY, STOCK_ENTRY, heartbeat_entries
from terminal.scenarios_collection import collect_and_sign
from tests.flows.test_collection import restock

TAKE_LIMIT = 30.0
HEARD_LIMIT = 15.0  # real seconds for the fleet link's heartbeat to reach the back end


@pytest.fixture()
def dispenser(runtime) -> Iterator:
    simulator = runtime.simulators["dispenser"]
    restock(simulator)
    yield simulator
    restock(simulator)


def latest_devices(runtime) -> dict[str, dict]:
    row = runtime.link.embedded.server.backend.store.connection().execute(
        "SELECT devices FROM terminal_status WHERE terminal_id = ?", (runtime.config["terminal"]["id"],)).fetchone()
    return {} if row is None else {d["kind"]: d for d in json.loads(row["devices"] or "[]")}


def test_a_document_left_in_the_tray_is_told_to_the_hall(pump, runtime, dispenser):
    entries = {e.kind: e for e in heartbeat_entries(runtime.devices.get("dispenser"))}
    assert entries[STOCK_ENTRY].status is DeviceStatus.READY
    assert entries[STOCK_ENTRY].detail == "12 slots: 5 loaded, 7 free; reject bin 0 of 20"
    assert RETRACTED_ENTRY not in entries

    dispenser.leave_document()
    pump.start(CollectionFlow)
    pump.simulators["idcard"].insert_card(card_for("long_term_id"))  # his permit in slot 2
    pump.tick_until_state("ready")
    collect_and_sign(pump)
    view = pump.tick_until_state("partly", limit_seconds=TAKE_LIMIT)
    assert view.data["documents"][0]["outcome_key"] == "collection.outcome.not_taken"

    deadline = time.monotonic() + HEARD_LIMIT
    while RETRACTED_ENTRY not in latest_devices(runtime) and time.monotonic() < deadline:
        time.sleep(0.1)
    heard = latest_devices(runtime)
    assert heard[RETRACTED_ENTRY]["status"] == "ERROR"
    assert heard[RETRACTED_ENTRY]["detail"].startswith("1 document(s) retracted to the reject bin, not collected")
    assert heard[STOCK_ENTRY]["detail"] == "12 slots: 4 loaded, 8 free; reject bin 1 of 20"
    assert "C30000002" not in json.dumps(heard)  # counts only

    section = collection_section(runtime.link.embedded.server.backend.store, utc_now())
    [row] = [line for line in section.splitlines() if f'data-terminal="{runtime.config["terminal"]["id"]}"' in line]
    assert 'class="attention"' in row and '<td class="num left_behind">1</td>' in row
    assert "12 slots: 4 loaded, 8 free" in row and "retracted to the reject bin" in row
    assert '<td class="num overdue">1</td>' in row  # the demo permit loaded 40 days ago (backend/seed.py)

    dispenser.empty_reject_bin()  # staff take it out
    assert RETRACTED_ENTRY not in {e.kind for e in heartbeat_entries(runtime.devices.get("dispenser"))}


def test_a_silent_module_is_reported_without_stock(runtime, dispenser):
    dispenser.go_silent()
    try:
        [entry] = heartbeat_entries(runtime.devices.get("dispenser"))
    finally:
        dispenser.go_silent(False)
    assert (entry.kind, entry.status) == (STOCK_ENTRY, DeviceStatus.DISCONNECTED)
