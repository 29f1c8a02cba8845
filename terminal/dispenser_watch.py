"""What the hall sees of this terminal's document dispenser, sent with every heartbeat (issue 13).

Two entries ride beside the device states (terminal/fleet.py `extra_entries`), as the terminal's
own alerts do (terminal/alerts.py), so the contract's Heartbeat carries them without a new element:

- `dispenser_stock`, READY, detail "12 slots: 5 loaded, 7 free; reject bin 1 of 20": the stock,
  for the hall dashboard's collection section (backend/dashboard_collection.py);
- `collection`, ERROR while the reject bin holds documents: a citizen did not take a document in
  time (or a mismatch, or a fault) and it was retracted; it is still ready at the back end and
  staff must take it out and reload it. The fleet link sends a heartbeat as soon as a collection
  ends, so the hall hears of it within seconds.

Asked on the fleet thread: the driver's lock makes it wait for a dispense in progress. Nothing
personal: counts only, never a document number.
"""

from __future__ import annotations

import logging

from backend_client import models as mo
from devices.base import DeviceError

log = logging.getLogger(__name__)

STOCK_ENTRY = "dispenser_stock"
RETRACTED_ENTRY = "collection"


def heartbeat_entries(dispenser: object | None) -> list[mo.DeviceState]:
    """The stock entry and, while the reject bin holds documents, the alert; [] without a dispenser."""
    if dispenser is None:
        return []
    try:
        status = dispenser.module_status()  # type: ignore[attr-defined]
        slots = dispenser.slots()  # type: ignore[attr-defined]
    except DeviceError as error:
        log.info("dispenser stock not read for the heartbeat: %s", error.message_key)
        return [mo.DeviceState(STOCK_ENTRY, mo.DeviceStatus.DISCONNECTED, "stock unknown: the module does not answer")]
    loaded = sum(1 for slot in slots if slot.document_id)
    problem = status.sensors.problem()
    detail = (f"{status.slot_count} slots: {loaded} loaded, {status.slot_count - loaded} free; "
              f"reject bin {status.reject_count} of {status.reject_capacity}") + (f"; {problem}" if problem else "")
    entries = [mo.DeviceState(STOCK_ENTRY, mo.DeviceStatus.ERROR if problem else mo.DeviceStatus.READY, detail)]
    if status.reject_count:
        entries.append(mo.DeviceState(
            RETRACTED_ENTRY, mo.DeviceStatus.ERROR,
            f"{status.reject_count} document(s) retracted to the reject bin, not collected (still ready at the "
            "back end): staff to take them out and reload"))
    return entries
