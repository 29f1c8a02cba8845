"""Where a document is decides what is reported: the self-service collection's rules, in one
place, for the flow after a dispenser fault and for recovery after a crash (issue 13).

Three invariants hold whatever happened: a document is reported COLLECTED only when the module
says the tray sensor saw it taken (`Location.TAKEN`); a document is never dispensed twice
(nothing here stages or presents; a document found in the picker or the tray with nobody to take
it is retracted to the reject bin and stays ready at the back end for staff to hand over); and
a document held in the picker is never presented after an interruption (its READ may not have
been checked): it is retracted, never reported collected.

The journal (flows/journal.py) of one collection: a transaction per visit, and per document
`n` (1-based) the steps `stage_n` (BEFORE carries the slot and the document number: the
module's own record, needed to ask `where_is` and to report it; no name, no ID number; AFTER
carries the check of what the module's reader read, `check_read`), `present_n` (the held
document to the tray, only after a match or a module without a reader), `take_n`, `retract_n`
and `report_n` (BEFORE carries the outcome and the reason sent with ConfirmCollection, so a
repeat after a crash is the same request with the same request id).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_client.models import CollectionOutcome
from core.i18n import N_
from devices.base import DeviceError
from devices.dispenser.contract import DocumentDispenser, DocumentRead, Location, mask_document_id
from flows.context import DeviceMissing
from flows.journal import Phase, Transaction, TxnStatus

if TYPE_CHECKING:
    from flows.context import FlowContext

log = logging.getLogger(__name__)

FLOW_NAME = "collection"
PRINT_STEP = "print"

# What ConfirmCollection is told (the back end keeps it beside the NOT_COLLECTED count).
REASON_NOT_TAKEN = "not taken in time: retracted to the reject bin"
REASON_WRONG_DOCUMENT = "the slot holds another document: not dispensed"
REASON_NOT_DISPENSED = "dispenser fault: not dispensed"
REASON_RETRACTED = "dispenser fault: retracted to the reject bin"
REASON_INTERRUPTED = "interrupted: retracted to the reject bin"
REASON_INTERRUPTED_NOT_DISPENSED = "interrupted before it left its slot"
REASON_CANCELLED = "session ended with the document in the tray: retracted"
REASON_MISMATCH = "the reader read another document on its way out: retracted from the picker, never presented"

# What the stage_n AFTER detail says of the reader's check (check_read).
CHECK_MATCH = "match"
CHECK_MISMATCH = "mismatch"
CHECK_NO_READER = "no_reader"  # a module without a reader at the picker: its own comparison only

NOTE_RECOVERED = "recovered after an interruption"
NOTE_REPRINT = "collection slip not printed"


def stage_step(n: int) -> str:
    return f"stage_{n}"


def present_step(n: int) -> str:
    return f"present_{n}"


def take_step(n: int) -> str:
    return f"take_{n}"


def retract_step(n: int) -> str:
    return f"retract_{n}"


def report_step(n: int) -> str:
    return f"report_{n}"


class Settle(enum.Enum):
    COLLECTED = "collected"                # the tray sensor saw it taken
    WAIT = "wait"                          # in the tray, the citizen still there: wait for the hand
    RETRACT = "retract"                    # in the tray, or held in the picker: reject bin, not collected
    NOT_COLLECTED = "not_collected"        # never left its slot, or already in the reject bin
    ATTENTION = "attention"                # the module does not know it: staff must look


def settle(location: Location, citizen_present: bool) -> Settle:
    """THE rules: what to do with a document the module last saw at `location`."""
    if location is Location.TAKEN:
        return Settle.COLLECTED
    if location is Location.TRAY:
        return Settle.WAIT if citizen_present else Settle.RETRACT
    if location is Location.PICKER:  # held (its READ perhaps unchecked) or cut short: never presented
        return Settle.RETRACT
    if location in (Location.SLOT, Location.REJECT_BIN):
        return Settle.NOT_COLLECTED
    return Settle.ATTENTION


def check_read(read: DocumentRead | None, expected: str) -> dict[str, str]:
    """The kiosk's own check of what the module read against the back end's record, as the
    journal keeps it (the number read masked)."""
    if read is None:
        return {"check": CHECK_NO_READER}
    return {"check": CHECK_MATCH if read.document_id == expected else CHECK_MISMATCH,
            "read": mask_document_id(read.document_id), "source": read.source.value}


def dispenser(ctx: FlowContext) -> DocumentDispenser:
    device = ctx.devices.get("dispenser")
    if device is None:
        raise DeviceMissing(N_("device.unavailable"), "no dispenser device configured or started")
    return device


def report(ctx: FlowContext, txn_id: str, n: int, document: str, outcome: CollectionOutcome,
           reason: str | None) -> None:
    """ConfirmCollection for document `n`, journalled around; the request id is the step's, so a
    repeat (the answer lost, a crash) is the same request. Raises BackendError."""
    request_id = ctx.journal.before(txn_id, report_step(n), {"outcome": outcome.value, "reason": reason or ""})
    record = ctx.backend.confirm_collection(document, outcome, request_id, reason or None)
    ctx.journal.after(txn_id, report_step(n), {"status": record.status.value})


# ============================================================================ listing
@dataclass(frozen=True)
class Dispense:
    """One document of a collection as the journal last saw it (`journal list`)."""

    n: int
    slot: int | None
    masked_document: str
    journalled: str   # where the journal last saw it, in a technician's words
    reported: str     # "collected", "not_collected", "open (OUTCOME)" or "no"

    def line(self) -> str:
        return (f"document {self.n}: slot {self.slot if self.slot is not None else '-'} {self.masked_document}, "
                f"{self.journalled}; reported: {self.reported}")


def dispenses(txn: Transaction) -> list[Dispense]:
    """Each document the collection began to dispense, where the journal last saw it and whether
    the back end heard of it. Document numbers masked (a technician's screen)."""
    found = []
    for n, detail in sorted(_documents(txn).items()):
        found.append(Dispense(n, detail.get("slot"), mask_document_id(detail.get("document")),
                              _journalled(txn, n), _reported(txn, n)))
    return found


def _journalled(txn: Transaction, n: int) -> str:
    retract = txn.last(retract_step(n))
    if retract is not None:
        return {Phase.BEFORE: "retract sent, its answer not journalled: ask the module",
                Phase.AFTER: "retracted to the reject bin",
                Phase.FAILED: "retract failed: staff to check"}[retract.phase]
    take = txn.last(take_step(n))
    if take is not None:
        return "taken from the tray" if take.detail.get("outcome") == "taken" else "not taken in time"
    present = txn.last(present_step(n))
    if present is not None:
        if present.phase is Phase.BEFORE:
            return "present sent, its answer not journalled: ask the module"
        if present.phase is Phase.AFTER:
            return "in the tray, the hand not yet seen"
        return _failed("present", present.detail)
    stage = txn.last(stage_step(n))
    assert stage is not None
    if stage.phase is Phase.BEFORE:
        return "stage sent, its answer not journalled: ask the module"
    if stage.phase is Phase.AFTER:
        if stage.detail.get("check") == CHECK_MISMATCH:
            return "held in the picker, read as another document: to the reject bin"
        return "held in the picker, not presented"
    return _failed("stage", stage.detail)


def _failed(step: str, detail: dict) -> str:
    where = detail.get("location")
    return f"{step} failed ({detail.get('fault', '?')})" + (f", found in the {where}" if where else "")


def _reported(txn: Transaction, n: int) -> str:
    record = txn.last(report_step(n))
    if record is None:
        return "no"
    if record.phase is Phase.AFTER:
        sent = _first_before(txn, report_step(n)) or {}
        return str(sent.get("outcome", "?")).lower()
    return f"open ({record.detail.get('outcome', '?')}, repeated by reconcile)"


# ============================================================================ recovery
@dataclass(frozen=True)
class Settled:
    status: TxnStatus
    note: str


def _documents(txn: Transaction) -> dict[int, dict]:
    """n -> the BEFORE detail of `stage_n` (slot, document number)."""
    found: dict[int, dict] = {}
    for record in txn.steps:
        if record.step.startswith("stage_") and record.phase is Phase.BEFORE:
            found[int(record.step.split("_")[1])] = dict(record.detail)
    return found


def _first_before(txn: Transaction, step: str) -> dict | None:
    for record in txn.steps:
        if record.step == step and record.phase is Phase.BEFORE:
            return dict(record.detail)
    return None


def settle_transaction(ctx: FlowContext, txn: Transaction) -> Settled:
    """Settle one OPEN collection: each document dispensed and not reported is looked for in the
    module and reported by `settle` (the citizen is gone after a restart). Raises
    BackendUnavailableError (left open); a dispenser that cannot be asked leaves it open too."""
    notes: list[str] = []
    attention = False
    try:
        device = dispenser(ctx)
        for n, detail in sorted(_documents(txn).items()):
            if txn.done(report_step(n)):
                continue
            document = detail["document"]
            sent = _first_before(txn, report_step(n))
            if sent is not None:  # decided before the crash: the same request again
                outcome, reason = CollectionOutcome(sent["outcome"]), sent["reason"] or None
            else:
                outcome, reason, problem = _decide_now(ctx, device, txn, n, document)
                if problem:
                    notes.append(problem)
                    attention = True
                    continue
            report(ctx, txn.id, n, document, outcome, reason)
            notes.append(f"{mask_document_id(document)} {outcome.value.lower()}")
            failed = txn.last(stage_step(n))
            if failed is not None and (failed.phase is Phase.FAILED and failed.detail.get("fault") == "wrong_document"
                                       or failed.detail.get("check") == CHECK_MISMATCH):
                attention = True
                notes.append(f"slot {detail.get('slot')} holds another document: staff to check")
    except (DeviceError, DeviceMissing) as error:
        note = f"dispenser not reachable ({error.message_key}): left open"
        log.warning("recovery %s: %s", txn.id, note)
        ctx.journal.close_transaction(txn.id, TxnStatus.OPEN, note)
        return Settled(TxnStatus.OPEN, note)
    if not txn.done(PRINT_STEP):
        notes.append(NOTE_REPRINT)
    status = TxnStatus.NEEDS_ATTENTION if attention else TxnStatus.COMPLETED
    note = "; ".join([NOTE_RECOVERED, *notes])
    ctx.journal.close_transaction(txn.id, status, note)
    log.info("recovery %s (collection): %s", txn.id, note)
    return Settled(status, note)


def _decide_now(ctx: FlowContext, device: DocumentDispenser, txn: Transaction, n: int,
                document: str) -> tuple[CollectionOutcome, str | None, str | None]:
    """(outcome, reason, None), or a problem for staff: ask the module where the document is."""
    staged = txn.last(stage_step(n))
    if staged is not None and staged.detail.get("check") == CHECK_MISMATCH:
        # Another document was staged: it is held in the picker (never presented) unless the flow's
        # retract got there first. Back to the reject bin; the one asked for stays ready.
        if not txn.done(retract_step(n)) and device.module_status().sensors.picker_occupied:
            ctx.journal.before(txn.id, retract_step(n), {"by": "recovery"})
            retracted = device.retract()
            ctx.journal.after(txn.id, retract_step(n), {"retracted": mask_document_id(retracted)})
        return CollectionOutcome.NOT_COLLECTED, REASON_MISMATCH, None
    where = device.where_is(document)
    action = settle(where.location, citizen_present=False)
    log.info("recovery %s: %s is at %s -> %s", txn.id, mask_document_id(document), where.location.value,
             action.value)
    if action is Settle.COLLECTED:
        return CollectionOutcome.COLLECTED, None, None
    if action is Settle.NOT_COLLECTED:
        reason = REASON_INTERRUPTED_NOT_DISPENSED if where.location is Location.SLOT else REASON_INTERRUPTED
        return CollectionOutcome.NOT_COLLECTED, reason, None
    if action is Settle.RETRACT:
        ctx.journal.before(txn.id, retract_step(n), {"by": "recovery"})
        retracted = device.retract()
        ctx.journal.after(txn.id, retract_step(n), {"retracted": mask_document_id(retracted)})
        if retracted != document:
            return CollectionOutcome.NOT_COLLECTED, None, (
                f"retracted {mask_document_id(retracted)} instead of {mask_document_id(document)}: staff to check")
        return CollectionOutcome.NOT_COLLECTED, REASON_INTERRUPTED, None
    return CollectionOutcome.NOT_COLLECTED, None, f"the module does not know {mask_document_id(document)}: staff to check"
