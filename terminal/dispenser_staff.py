"""The staff side of the document dispenser on the maintenance screen (issue 13), without a screen.

- **Stock**: slots loaded and free (the module's SLOTS), the reject bin, and the back end's view
  of this terminal (ListStock): how many documents are ready here and which are overdue.
- **Load**: staff scan a finished document at the loader (its barcode or MRZ with the QR
  scanner; a permit card's chip number typed or scanned the same way); the back end confirms
  which application it belongs to (LoadDocument) and only then the module records it in the
  first free slot (LOAD). A module that refuses the slot leaves the back end told (UnloadDocument:
  the document may be loaded again), so the two never disagree about a slot.
- **Unload overdue**: each document the back end marks overdue is released by the module
  (UNLOAD: the door opens for staff) and reported with UnloadDocument, for a counter.

Every answer is one line for the technician; document numbers masked, no person named.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from backend_client.errors import BackendError
from devices.base import DeviceError
from devices.dispenser.contract import mask_document_id

if TYPE_CHECKING:
    from terminal.runtime import Runtime

log = logging.getLogger(__name__)

UNLOAD_REASON = "uncollected too long: unloaded for a counter"


class DispenserStaff:
    def __init__(self, runtime: Runtime | None) -> None:
        self.runtime = runtime

    def _dispenser(self):
        device = self.runtime.devices.get("dispenser") if self.runtime is not None else None
        if device is None:
            raise DeviceError("device.unavailable", "no dispenser")
        return device

    def free_slots(self) -> list[int]:
        return [slot.number for slot in self._dispenser().slots() if not slot.document_id]

    def stock_lines(self) -> list[str]:
        """Slots loaded and free, reject bin, what the back end has ready here and overdue."""
        try:
            dispenser = self._dispenser()
            status, slots = dispenser.module_status(), dispenser.slots()
        except DeviceError as exc:
            return [f"dispenser: {exc.message_key} {exc.detail}".strip()]
        free = [s.number for s in slots if not s.document_id]
        lines = [f"{status.slot_count} slots: {status.slot_count - len(free)} loaded, {len(free)} free"
                 + (f" ({', '.join(map(str, free))})" if free else ""),
                 f"reject bin {status.reject_count} of {status.reject_capacity}"
                 + (f"; {status.sensors.problem()}" if status.sensors.problem() else "")]
        try:
            stock = self.runtime.backend.list_stock()  # type: ignore[union-attr]
        except BackendError as exc:
            return [*lines, f"back end: {exc.message_key} (ready and overdue unknown)"]
        overdue = [d for d in stock.documents if d.overdue]
        lines.append(f"{len(stock.documents)} ready here, {len(overdue)} overdue"
                     + (f" (slot {', '.join(str(d.slot) for d in overdue)})" if overdue else ""))
        return lines

    def take_scan(self) -> str | None:
        """The code the scanner read last, if any (staff scan the document, then touch Load)."""
        scanner = self.runtime.devices.get("scanner") if self.runtime is not None else None
        if scanner is None:
            return None
        scan, latest = scanner.poll(), None
        while scan is not None:
            latest, scan = scan, scanner.poll()
        return latest.text.strip() if latest is not None else None

    def load(self, document_number: str) -> str:
        """The scanned document into the first free slot: the back end first, then the module."""
        number = document_number.strip().upper()
        try:
            free = self.free_slots()
        except DeviceError as exc:
            return f"load failed: dispenser {exc.message_key} {exc.detail}".strip()
        if not free:
            return "load refused: no free slot (unload overdue documents first)"
        slot = free[0]
        try:
            record = self.runtime.backend.load_document(number, slot, _request_id())  # type: ignore[union-attr]
        except BackendError as exc:
            return f"load refused by the back end: {exc.message_key} ({mask_document_id(number)})"
        try:
            self._dispenser().load(slot, number)
        except DeviceError as exc:
            try:
                self.runtime.backend.unload_document(number, _request_id(), "the module refused the slot")  # type: ignore[union-attr]
            except BackendError as undo:
                log.error("dispenser load: module refused slot %d and the back end was not told (%s)",
                          slot, undo.message_key)
            return f"load failed: the module refused slot {slot} ({exc.message_key})"
        log.info("staff loaded %s (%s) into slot %d", record.masked_number, record.application_number, slot)
        return f"{record.masked_number} ({record.application_number}) loaded into slot {slot}"

    def unload_overdue(self) -> list[str]:
        """Each overdue document released by the module and reported unloaded."""
        try:
            overdue = [d for d in self.runtime.backend.list_stock().documents if d.overdue]  # type: ignore[union-attr]
        except BackendError as exc:
            return [f"unload: back end {exc.message_key}"]
        if not overdue:
            return ["nothing overdue"]
        lines = []
        for document in overdue:
            try:
                released = self._dispenser().unload(document.slot)
            except DeviceError as exc:
                lines.append(f"slot {document.slot}: not released ({exc.message_key})")
                continue
            try:
                self.runtime.backend.unload_document(document.document_number, _request_id(),  # type: ignore[union-attr]
                                                     UNLOAD_REASON)
            except BackendError as exc:
                lines.append(f"slot {document.slot}: released, back end not told ({exc.message_key})")
                continue
            note = "" if released == document.document_number else \
                f" - the slot held {mask_document_id(released)}: check it"
            lines.append(f"slot {document.slot}: {document.masked_number} unloaded for a counter{note}")
        return lines


def _request_id() -> str:
    # backend_client.client imports zeep: not with the maintenance screen, before the first frame (issue 23)
    from backend_client.client import new_request_id

    return new_request_id()
