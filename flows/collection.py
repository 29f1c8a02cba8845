"""Self-service collection (自助取证, issue 13): hand a finished passport or permit to its owner.

identity (resident ID card + face, once per visit: flows/common_steps.py IdentityGate; the
citizen may say at once that they collect for someone else, 代领, which the kiosk refuses with
where to go and what to bring; meanwhile the acceptance receipt's QR code may be scanned, a
shortcut to find that application among the person's documents, never instead of the ID card
and face: a receipt that is not the person's own is refused as 代领) -> the back end lists this
person's documents ready in THIS terminal's dispenser (none: the applications still to come, in
plain words, with the tracking number of a posted one) -> the list -> the citizen signs on
screen to confirm they collect their own documents (the acceptance service's signature pad,
flows/signature.py; kept in memory only, never journalled) -> for each
document: the dispenser stages it (slot -> past its reader -> held in the picker, behind the
tray), the kiosk checks what was read, then presents it to the tray ("take your passport"); the tray
sensor says it was taken; not taken in `[flows] collection_take_seconds` -> retracted to the
reject bin, reported NOT_COLLECTED (it stays ready at the back end) -> each outcome reported at
once with ConfirmCollection (never waiting for a touch: a citizen who walks off with the
passport has collected it) -> a collection slip.

Checked before handing over, twice, while the document is still held in the picker: the
dispenser's reader reads each document on its way out of the slot (a permit card by its chip, a
passport by its MRZ) and refuses one that is not the number asked for, the back end's record
(WRONG_DOCUMENT: put back, not dispensed); and the STAGE answer reports what it read, which the
kiosk compares with the back end's record itself (collection_rules.check_read: a module whose
adapter does not compare is caught too) before it sends PRESENT. A mismatch is retracted from
the picker to the reject bin: it never reaches the tray. Either way the slot is flagged for
staff in the journal and the citizen is sent to a counter. A module without a reader: the
check is skipped and the journal records it (check "no_reader"). The kiosk's own permit reader
is not on the document's path in this module design: the module's reader is.

A dispenser fault mid-stage or mid-present: the module is asked where the document is and
flows/collection_rules.py `settle` decides (the same rules recovery uses after a crash).

Journal: one transaction per visit from the first dispense; steps in collection_rules.py.
Touch actions: "someone_else" (identity steps), "collect" (the list), "sign" with (strokes, pad
width, pad height) and "back" (the signature), cancel before dispensing. Scanned codes on the
identity steps: the receipt's application number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import CollectionOutcome, PendingApplication, ReadyDocument, ReadyDocuments
from core.i18n import N_
from core.privacy import mask_name
from devices.base import DeviceError
from devices.dispenser.contract import DispenserError, Fault, TakeOutcome, mask_document_id
from devices.idcard.records import CardKind
from devices.printer.receipt import ChineseText, Cut, KeyValue, Receipt, Rule
from flows import collection_rules as rules
from flows.collection_rules import FLOW_NAME, Settle
from flows.common_steps import (
    HALL_TIMEZONE,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    ScanWatcher,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, FlowView, Scanned, Tick, Touch
from flows.journal import TxnStatus
from flows.progress import APPLICATION_NUMBER, DOCUMENT_KEYS, NOW_KEYS
from flows.signature import Refusal, SignaturePad, SignatureRefused

log = logging.getLogger(__name__)

SERVED_KINDS = frozenset({CardKind.RESIDENT_ID})  # passports and permits are mainland citizens'
# Each tick asks the tray sensor once (no wait inside the tick: the screen stays live).
TAKE_POLL_SECONDS = 0.0
SLIP_TIME_FORMAT = "%Y-%m-%d %H:%M"
NOTE_FLAGGED = "slot {slot} holds another document (the picker read {read}): staff to check"
NOTE_STUCK = "{document} not settled ({why}): staff to check"

# ----- what the screen says -----
MSG_PLACE_ID_CARD = N_("collection.place_id_card")
MSG_LOOK_AT_CAMERA = N_("collection.look_at_camera")
MSG_SOMEONE_ELSE = N_("collection.someone_else")
MSG_REFUSED = N_("collection.refused")
MSG_UNAVAILABLE = N_("collection.unavailable")
MSG_NOTHING_READY = N_("collection.nothing_ready")
MSG_READY = N_("collection.ready")
MSG_SIGN = N_("collection.sign")
MSG_SIGNATURE_EMPTY = N_("collection.signature.empty")
MSG_SIGNATURE_TOO_SMALL = N_("collection.signature.too_small")
MSG_RECEIPT_READ = N_("collection.receipt.read")
MSG_RECEIPT_UNREADABLE = N_("collection.receipt.unreadable")
MSG_RECEIPT_FOUND = N_("collection.receipt.found")
MSG_RECEIPT_PENDING = N_("collection.receipt.pending")
MSG_RECEIPT_NOT_YOURS = N_("collection.receipt.not_yours")
MSG_SLIP_SIGNED = N_("collection.slip.signed")
MSG_DISPENSING = N_("collection.dispensing")
MSG_TAKE_PASSPORT = N_("collection.take_passport")
MSG_TAKE_PERMIT = N_("collection.take_permit")
MSG_RETRACTING = N_("collection.retracting")
MSG_PRINTING = N_("collection.printing")
MSG_DONE = N_("collection.done")
MSG_PARTLY = N_("collection.partly")
MSG_CANCELLED = N_("collection.cancelled")
# ----- why one document was not handed out -----
MSG_NOT_TAKEN = N_("collection.outcome.not_taken")
MSG_WRONG_DOCUMENT = N_("collection.outcome.wrong_document")
MSG_FAULT = N_("collection.outcome.fault")
MSG_COLLECTED = N_("collection.outcome.collected")
MSG_OVERDUE = N_("collection.overdue")
MSG_NO_APPLICATION = N_("collection.no_application")
MSG_SLIP_TITLE = N_("collection.slip.title")
MSG_SLIP_NOT_PRINTED = N_("collection.slip_not_printed")


class CollectionState(enum.Enum):
    CARD = "card"
    FACE = "face"
    READY = "ready"                  # the list; the citizen confirms before anything moves
    SIGN = "sign"                    # the citizen signs for their documents on the screen
    DISPENSING = "dispensing"        # the next tick brings document `current` to the tray
    TAKE = "take"                    # in the tray: "take your passport"
    RETRACTING = "retracting"        # not taken in time: the next tick retracts it
    PRINTING = "printing"
    DONE = "done"                    # every document collected
    PARTLY = "partly"                # some were not handed out: see a counter
    NOTHING_READY = "nothing_ready"  # none here: the applications to come in plain words
    SOMEONE_ELSE = "someone_else"    # 代领 refused: where to go, what to bring
    UNAVAILABLE = "unavailable"      # the back end could not list them
    REFUSED = "refused"              # identity refused
    CANCELLED = "cancelled"


S = CollectionState
_ENDS = (S.DONE, S.PARTLY, S.NOTHING_READY, S.SOMEONE_ELSE, S.UNAVAILABLE, S.REFUSED, S.CANCELLED)


@dataclass
class Handout:
    """One ready document and what became of it."""

    document: ReadyDocument
    outcome: str | None = None  # message key (MSG_COLLECTED, MSG_NOT_TAKEN, ...); None: not tried

    @property
    def collected(self) -> bool:
        return self.outcome == MSG_COLLECTED


class CollectionFlow(GatedIdentity, Flow[CollectionState]):
    name = FLOW_NAME
    STEPS = 3
    TRANSITIONS: ClassVar[Mapping[CollectionState, frozenset[CollectionState]]] = {
        S.CARD: frozenset({S.FACE, S.READY, S.NOTHING_READY, S.UNAVAILABLE, S.SOMEONE_ELSE, S.REFUSED,
                           S.CANCELLED}),
        S.FACE: frozenset({S.READY, S.NOTHING_READY, S.UNAVAILABLE, S.SOMEONE_ELSE, S.REFUSED, S.CANCELLED}),
        S.READY: frozenset({S.SIGN, S.CANCELLED}),
        S.SIGN: frozenset({S.READY, S.DISPENSING, S.CANCELLED}),
        S.DISPENSING: frozenset({S.TAKE, S.DISPENSING, S.PRINTING, S.CANCELLED}),
        S.TAKE: frozenset({S.DISPENSING, S.RETRACTING, S.PRINTING, S.CANCELLED}),
        S.RETRACTING: frozenset({S.DISPENSING, S.PRINTING, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.PARTLY}),
        **{state: frozenset() for state in _ENDS},
    }
    VIEWS: ClassVar[Mapping[CollectionState, tuple[int, str]]] = {
        S.CARD: (1, MSG_PLACE_ID_CARD), S.FACE: (1, MSG_LOOK_AT_CAMERA), S.READY: (2, MSG_READY), S.SIGN: (2, MSG_SIGN),
        S.DISPENSING: (3, MSG_DISPENSING), S.TAKE: (3, MSG_TAKE_PASSPORT), S.RETRACTING: (3, MSG_RETRACTING),
        S.PRINTING: (3, MSG_PRINTING), S.DONE: (3, MSG_DONE), S.PARTLY: (3, MSG_PARTLY),
        S.NOTHING_READY: (2, MSG_NOTHING_READY), S.SOMEONE_ELSE: (0, MSG_SOMEONE_ELSE),
        S.UNAVAILABLE: (0, MSG_UNAVAILABLE), S.REFUSED: (0, MSG_REFUSED), S.CANCELLED: (0, MSG_CANCELLED),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        self.gate = IdentityGate(ctx, SERVED_KINDS, today)
        self._tries_left = 0
        self.ready: ReadyDocuments | None = None
        self.handouts: list[Handout] = []
        self.current = 0  # index into handouts of the document being handed out
        self.txn_id: str | None = None
        self.flags: list[str] = []  # for staff: closes the transaction NEEDS_ATTENTION
        self.slip_printed = False
        self.take_seconds = float(ctx.settings["collection_take_seconds"])
        self.signature_png: bytes | None = None  # in memory only, gone with the flow
        self.receipt: str | None = None  # the application number on a scanned acceptance receipt
        self.receipt_key: str | None = None  # what the screen says about it
        self.scans = ScanWatcher(ctx)
        if self.gate.outcome is GateOutcome.DONE:
            self._list()
        else:
            self.scans.start()

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if isinstance(event, Touch):
            self._touch(event)
        elif self.state in (S.CARD, S.FACE) and isinstance(event, Scanned):
            self._receipt_scanned(event.text)
        elif self.state in (S.CARD, S.FACE) and isinstance(event, (Tick, CardInserted)):
            self._poll_identity()
            if self.state in (S.CARD, S.FACE) and isinstance(event, Tick):
                text, _ = self.scans.poll()  # a scanner fault: the ID card still works
                if text is not None:
                    self._receipt_scanned(text)
        elif isinstance(event, Tick) and self.state is S.DISPENSING:
            self._dispense()
        elif isinstance(event, Tick) and self.state is S.TAKE:
            self._watch_tray()
        elif isinstance(event, Tick) and self.state is S.RETRACTING:
            self._retract(rules.REASON_NOT_TAKEN, MSG_NOT_TAKEN)

    def _touch(self, event: Touch) -> None:
        if event.action not in self.actions():
            return
        if event.action == "someone_else":
            log.info("collection: collection for someone else refused (代领 at a counter)")
            self.deadline = None
            self.go(S.SOMEONE_ELSE)
        elif event.action == "collect":
            self.go(S.SIGN)
        elif event.action == "back":
            self.go(S.READY)
        elif event.action == "sign":
            self._sign(event.value)

    def on_cancel(self, reason: str) -> None:
        if self.state in (S.CARD, S.FACE, S.READY, S.SIGN):
            self.go(S.CANCELLED)
            return
        if self.state is S.PRINTING:
            return  # the slip is on its way; the end follows at once
        # Dispensing (a session timeout): nothing more moves; a document in the tray goes back in.
        handout = self.handouts[self.current]
        if self.state in (S.TAKE, S.RETRACTING) and handout.outcome is None:
            self._retract(rules.REASON_CANCELLED, MSG_NOT_TAKEN, then_next=False)
        self._close(TxnStatus.NEEDS_ATTENTION if self.flags else TxnStatus.COMPLETED, f"cancelled ({reason})")
        self.deadline = None
        self.go(S.CANCELLED)

    # ----- the receipt's QR code: a shortcut to the application, never an identity -----
    def _receipt_scanned(self, text: str) -> None:
        number = text.strip().upper()
        if not APPLICATION_NUMBER.fullmatch(number):
            self.receipt_key = MSG_RECEIPT_UNREADABLE
            self._stay(None)
            return
        self.receipt, self.receipt_key = number, MSG_RECEIPT_READ
        log.info("collection: acceptance receipt scanned; the ID card and face still decide")
        self._stay(None)

    def _match_receipt(self) -> None:
        """After identity: the receipt's application first in the list, or refused as 代领 when
        it is not one of this person's (the back end listed only their own)."""
        if self.receipt is None or self.ready is None:
            return
        ready = [h for h in self.handouts if h.document.application_number == self.receipt]
        if ready:
            self.handouts = ready + [h for h in self.handouts if h not in ready]
            self.receipt_key = MSG_RECEIPT_FOUND
        elif any(p.application_number == self.receipt for p in self.ready.pending):
            self.receipt_key = MSG_RECEIPT_PENDING
        else:
            log.info("collection: the scanned receipt is not this person's: 代领 refused")
            self.receipt_key = MSG_RECEIPT_NOT_YOURS

    # ----- what is ready -----
    def _identity_done(self) -> None:
        self._list()

    def _list(self) -> None:
        person = self.gate.person
        assert person is not None
        try:
            self.ready = self.ctx.backend.list_ready_documents(person.id_number, person.match_token)
        except backend_errors.BackendError as error:
            log.warning("collection: ready documents not listed: %s (%s)", error.message_key, error.detail)
            self.go(S.UNAVAILABLE, error.message_key)
            return
        self.handouts = [Handout(d) for d in sorted(self.ready.documents, key=lambda d: d.slot)]
        log.info("collection: %d documents ready here, %d applications to come", len(self.handouts),
                 len(self.ready.pending))
        self._match_receipt()
        self.go(S.READY if self.handouts else S.NOTHING_READY)

    # ----- the signature -----
    def _sign(self, value: Any) -> None:
        """The pad's strokes (kiosk/ui/signature_pad.py sends them with Touch("sign")), judged by
        flows/signature.py as in the acceptance service; accepted -> the documents are dispensed."""
        try:
            strokes, width, height = value
            pad = SignaturePad(int(width), int(height))
            for stroke in strokes:
                if not stroke:
                    continue
                pad.touch_down(*stroke[0])
                for point in stroke[1:]:
                    pad.touch_move(*point)
                pad.touch_up(*stroke[-1])
            signature = pad.accept()
        except SignatureRefused as refused:
            log.info("collection: signature refused: %s", refused)
            self._stay(MSG_SIGNATURE_EMPTY if refused.reason is Refusal.EMPTY else MSG_SIGNATURE_TOO_SMALL)
            return
        except (TypeError, ValueError):  # not what the pad sends: nothing signed
            self._stay(MSG_SIGNATURE_EMPTY)
            return
        self.signature_png = signature.png()
        self._start_dispensing()

    # ----- handing out -----
    def _start_dispensing(self) -> None:
        self.txn_id = self.ctx.journal.open_transaction(
            FLOW_NAME, {"documents": len(self.handouts), "slots": [h.document.slot for h in self.handouts],
                        "signed": self.signature_png is not None})
        self.current = 0
        self.go(S.DISPENSING)

    def _dispense(self) -> None:
        """Stage the current document (held in the picker), check what was read, then present it
        to the tray; each step journalled before and after."""
        assert self.txn_id is not None
        n, document = self.current + 1, self.handouts[self.current].document
        self.ctx.journal.before(self.txn_id, rules.stage_step(n),
                                {"slot": document.slot, "document": document.document_number,
                                 "kind": document.kind.value})
        try:
            device = rules.dispenser(self.ctx)
            read = device.stage(document.slot, document.document_number)
        except DispenserError as error:
            self._step_failed(rules.stage_step(n), error)
            return
        except DeviceError as error:  # no dispenser at all: nothing moved
            self.ctx.journal.failed(self.txn_id, rules.stage_step(n), {"fault": error.message_key})
            self._not_handed_out(rules.REASON_NOT_DISPENSED, MSG_FAULT, error.message_key)
            return
        check = rules.check_read(read, document.document_number)
        self.ctx.journal.after(self.txn_id, rules.stage_step(n), check)
        if check["check"] == rules.CHECK_MISMATCH:
            self._mismatch(document, check)
            return
        if check["check"] == rules.CHECK_NO_READER:
            log.info("collection: the module has no reader: %s presented on its own comparison",
                     mask_document_id(document.document_number))
        self.ctx.journal.before(self.txn_id, rules.present_step(n))
        try:
            device.present(document.document_number)
        except DispenserError as error:
            self._step_failed(rules.present_step(n), error)
            return
        self.ctx.journal.after(self.txn_id, rules.present_step(n))
        self.deadline = self.now() + self.take_seconds
        self.go(S.TAKE)

    def _mismatch(self, document: ReadyDocument, check: Mapping[str, str]) -> None:
        """The reader read another document than the back end's record (a module that did not
        compare): it is held in the picker, never presented; retracted from there to the reject
        bin, the slot flagged for staff, the citizen sent to a counter; the back end keeps the
        one asked for READY."""
        self.flags.append(NOTE_FLAGGED.format(slot=document.slot, read=check["read"]))
        log.warning("collection: the reader read %s (%s) for %s from slot %d: retracting from the picker, "
                    "slot flagged", check["read"], check["source"], mask_document_id(document.document_number),
                    document.slot)
        self._retract(rules.REASON_MISMATCH, MSG_WRONG_DOCUMENT, its_own=False)

    def _step_failed(self, step: str, error: DispenserError) -> None:
        """STAGE or PRESENT refused or unanswered: where the document is decides (`settle`)."""
        assert self.txn_id is not None
        document = self.handouts[self.current].document
        if error.fault is Fault.WRONG_DOCUMENT:  # the picker put it back: nothing left the slot
            read = mask_document_id(error.document_read)
            self.ctx.journal.failed(self.txn_id, step, {"fault": "wrong_document", "read": read})
            self.flags.append(NOTE_FLAGGED.format(slot=document.slot, read=read))
            log.warning("collection: slot %d holds another document (%s): flagged for staff", document.slot, read)
            self._not_handed_out(rules.REASON_WRONG_DOCUMENT, MSG_WRONG_DOCUMENT)
            return
        try:
            location = rules.dispenser(self.ctx).where_is(document.document_number).location
        except DeviceError as where_error:
            log.error("collection: %s failed (%s) and the module cannot say where %s is (%s)", step,
                      error.fault.value, mask_document_id(document.document_number), where_error.message_key)
            self.ctx.journal.failed(self.txn_id, step, {"fault": error.fault.value})
            self._stuck(document, f"{error.fault.value}, module not answering")
            return
        self.ctx.journal.failed(self.txn_id, step, {"fault": error.fault.value, "location": location.value})
        action = rules.settle(location, citizen_present=True)
        log.warning("collection: %s failed (%s); the document is at %s -> %s",
                    step, error.fault.value, location.value, action.value)
        if action is Settle.WAIT:  # it reached the tray after all
            self.deadline = self.now() + self.take_seconds
            self.go(S.TAKE)
        elif action is Settle.COLLECTED:
            self._report(CollectionOutcome.COLLECTED, None, MSG_COLLECTED)
        elif action is Settle.RETRACT:
            self._retract(rules.REASON_RETRACTED, MSG_FAULT, error_key=error.message_key)
        elif action is Settle.NOT_COLLECTED:
            self._not_handed_out(rules.REASON_NOT_DISPENSED, MSG_FAULT, error.message_key)
        else:
            self._stuck(document, f"{error.fault.value}, location {location.value}")

    def _watch_tray(self) -> None:
        try:
            taken = rules.dispenser(self.ctx).wait_taken(TAKE_POLL_SECONDS) is TakeOutcome.TAKEN
        except DeviceError as error:
            self.note(error.message_key)  # the line will come back or the time runs out
            taken = False
        n = self.current + 1
        if taken:
            assert self.txn_id is not None
            self.ctx.journal.after(self.txn_id, rules.take_step(n), {"outcome": "taken"})
            self.deadline = None
            self._report(CollectionOutcome.COLLECTED, None, MSG_COLLECTED)
        elif self.deadline is not None and self.now() >= self.deadline:
            assert self.txn_id is not None
            self.ctx.journal.after(self.txn_id, rules.take_step(n), {"outcome": "not_taken"})
            log.info("collection: document not taken within %.0f s: retracting", self.take_seconds)
            self.deadline = None
            self.go(S.RETRACTING)

    def _retract(self, reason: str, outcome_key: str, error_key: str | None = None, then_next: bool = True,
                 its_own: bool = True) -> None:
        """Tray (or picker: a held document) -> reject bin, then reported NOT_COLLECTED. `its_own`:
        the document itself must come back (False: another one the reader found, a mismatch)."""
        assert self.txn_id is not None
        n, document = self.current + 1, self.handouts[self.current].document
        self.ctx.journal.before(self.txn_id, rules.retract_step(n))
        try:
            retracted = rules.dispenser(self.ctx).retract()
        except DeviceError as error:
            self.ctx.journal.failed(self.txn_id, rules.retract_step(n), {"error": error.message_key})
            self._stuck(document, f"retract failed ({error.message_key})", then_next=then_next)
            return
        self.ctx.journal.after(self.txn_id, rules.retract_step(n), {"retracted": mask_document_id(retracted)})
        if its_own and retracted != document.document_number:
            self._stuck(document, f"retracted {mask_document_id(retracted)}", then_next=then_next)
            return
        self._report(CollectionOutcome.NOT_COLLECTED, reason, outcome_key, error_key, then_next=then_next)

    def _not_handed_out(self, reason: str, outcome_key: str, error_key: str | None = None) -> None:
        self._report(CollectionOutcome.NOT_COLLECTED, reason, outcome_key, error_key)

    def _stuck(self, document: ReadyDocument, why: str, then_next: bool = True) -> None:
        """The module cannot settle it: nothing is reported (the back end keeps it ready), staff look."""
        self.flags.append(NOTE_STUCK.format(document=mask_document_id(document.document_number), why=why))
        self.handouts[self.current].outcome = MSG_FAULT
        if then_next:
            self._next(N_("dispenser.module_fault"))

    def _report(self, outcome: CollectionOutcome, reason: str | None, outcome_key: str,
                error_key: str | None = None, then_next: bool = True) -> None:
        """ConfirmCollection at once (journalled); a back end that does not answer leaves the
        report open in the journal for recovery to repeat with the same request id."""
        assert self.txn_id is not None
        handout = self.handouts[self.current]
        handout.outcome = outcome_key
        try:
            rules.report(self.ctx, self.txn_id, self.current + 1, handout.document.document_number, outcome, reason)
        except backend_errors.BackendError as error:
            log.warning("collection: report of %s not delivered (%s): recovery repeats it",
                        mask_document_id(handout.document.document_number), error.message_key)
            self.flags.append(f"report of {mask_document_id(handout.document.document_number)} not delivered")
        if then_next:
            self._next(error_key)

    def _next(self, error_key: str | None = None) -> None:
        """On to the next document, or the slip. A module that has stopped (jammed, door open)
        is not asked to move again: the rest stay ready for a counter."""
        self.current += 1
        if self.current < len(self.handouts) and not self._module_stopped():
            self.go(S.DISPENSING, error_key)
            return
        self._finish(error_key)

    def _module_stopped(self) -> bool:
        try:
            return not rules.dispenser(self.ctx).status().usable
        except DeviceError:
            return True

    # ----- the end -----
    def _finish(self, error_key: str | None) -> None:
        assert self.txn_id is not None
        self.deadline = None
        self.go(S.PRINTING, error_key)
        problem = print_journalled(self.ctx, self.txn_id, self._slip())
        self.slip_printed = problem is None
        notes = [*self.flags] + ([] if problem is None else [f"slip not printed: {problem}"])
        self._close(TxnStatus.NEEDS_ATTENTION if self.flags else TxnStatus.COMPLETED, "; ".join(notes))
        everything = all(h.collected for h in self.handouts)
        self.go(S.DONE if everything else S.PARTLY, problem or error_key)

    def _close(self, status: TxnStatus, note: str) -> None:
        if self.txn_id is not None and self.ctx.journal.get(self.txn_id).status is TxnStatus.OPEN:
            undelivered = any("not delivered" in flag for flag in self.flags)
            # A report the back end never got keeps the transaction OPEN for recovery to repeat.
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.OPEN if undelivered else status, note)

    def _slip(self) -> Receipt:
        ctx = self.ctx
        person = self.gate.person
        slip = receipt_header(ctx, MSG_SLIP_TITLE)
        if person is not None:
            slip.add(KeyValue(tr(ctx, N_("payment.receipt.name")), mask_name(person.name)))
        slip.add(Rule())
        for handout in self.handouts:
            document = handout.document
            slip.add(KeyValue(tr(ctx, DOCUMENT_KEYS[document.kind.value]), document.masked_number),
                     ChineseText(tr(ctx, handout.outcome or MSG_FAULT)))
        slip.add(Rule())
        if self.signature_png is not None:
            slip.add(ChineseText(tr(ctx, MSG_SLIP_SIGNED)))
        if not all(h.collected for h in self.handouts):
            hint = counter_hint(ctx)
            slip.add(ChineseText(hint.get(ctx.session.language, hint["zh_CN"])))
        slip.add(KeyValue(tr(ctx, N_("payment.receipt.time")), dt.datetime.now(HALL_TIMEZONE).strftime(SLIP_TIME_FORMAT)),
                 Cut())
        return slip

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        if self.state in (S.CARD, S.FACE):
            return ("someone_else", "cancel")
        if self.state is S.READY:
            return ("collect", "cancel")
        if self.state is S.SIGN:
            return ("sign", "back", "cancel")
        return ()

    def view(self) -> FlowView:
        view = super().view()
        if self.state is S.TAKE and self.handouts[self.current].document.kind.value != "PASSPORT":
            return dataclasses.replace(view, message_key=MSG_TAKE_PERMIT)
        return view

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {}
        if self.state is S.FACE:
            data["face_tries_left"] = self._tries_left
        if self.handouts and self.state not in (S.CARD, S.FACE):
            data["documents"] = [document_data(h) for h in self.handouts]
        if self.state in (S.DISPENSING, S.TAKE, S.RETRACTING):
            data["current"] = document_data(self.handouts[self.current])
            data["position"] = {"n": self.current + 1, "count": len(self.handouts)}
        if self.state is S.NOTHING_READY and self.ready is not None:
            data["pending"] = [pending_data(p) for p in self.ready.pending]
            if not self.ready.pending:
                data["no_application"] = MSG_NO_APPLICATION
        if self.state in (S.DONE, S.PARTLY):
            data["receipt_printed"] = self.slip_printed
            if not self.slip_printed:
                data["slip_note"] = MSG_SLIP_NOT_PRINTED
        if self.state in (S.PARTLY, S.SOMEONE_ELSE, S.UNAVAILABLE, S.REFUSED, S.NOTHING_READY):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.receipt_key is not None and self.state in (S.CARD, S.FACE, S.READY, S.NOTHING_READY):
            data["receipt"] = {"application_number": self.receipt or "", "message_key": self.receipt_key}
            if self.receipt_key == MSG_RECEIPT_NOT_YOURS:
                data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data


def document_data(handout: Handout) -> dict[str, Any]:
    """One document as the screen shows it: kind in words, masked number, slot, what became of it."""
    d = handout.document
    return {"kind": d.kind.value, "kind_key": DOCUMENT_KEYS[d.kind.value], "masked_number": d.masked_number,
            "application_number": d.application_number, "slot": d.slot, "overdue": d.overdue, "overdue_key": MSG_OVERDUE if d.overdue else None,
            "outcome_key": handout.outcome, "collected": handout.collected}


def pending_data(application: PendingApplication) -> dict[str, Any]:
    """An application still to come, in the progress service's plain words."""
    return {"application_number": application.application_number, "status": application.status.value,
            "message_key": NOW_KEYS[application.status],
            "message_values": {"date": application.expected_ready_on.isoformat() if application.expected_ready_on
                               else "", "place": application.collection_place or "",
                               "tracking": application.tracking_number or ""}}
