"""The permit card once the endorsement is paid: write its records to the chip, notice the ones
a card brought back already holds, give the card back.

Each write is journalled before and after under `card_write_<n>` (one step per order item):
flows/recovery.py reads those steps after a crash to tell whether the chip holds the
endorsement, so their names and details must not change. The flow decides what a result
means for the citizen (wait for the card, refund, confirm).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from devices.permit.contract import MSG_NO_CARD as PERMIT_NO_CARD
from devices.permit.contract import PermitError, WriteOutcome
from devices.permit.records import Endorsement, PermitCard
from flows.context import FlowContext

log = logging.getLogger(__name__)

# Card writes tried within one session (first try included) before the payment is refunded.
WRITE_ATTEMPTS_PER_SESSION = 3
# Write failures that another try cannot mend: refund at once.
PERMANENT_WRITE_FAILURES = frozenset({"chip_full", "auth_failed"})
# What the driver reports when the card is not in the slot (also a card pulled mid-write).
NO_CARD_REASON = "no_card"

# Longest the flow waits for a card it is giving back: longer than the driver's own answer
# timeout for EJECT (2 s, docs/protocols/permit-card.md) plus a second for the module's line.
EJECT_WAIT_SECONDS = 5.0

REASON_ATTEMPTS_USED = "card write failed"
REASON_PERMANENT = "card cannot take the endorsement"


def card_write_step(position: int) -> str:
    """One step per order item (a two-destination order writes two records)."""
    return f"card_write_{position + 1}"


class Chip(enum.Enum):
    WRITTEN = "written"    # every record is on the chip
    REINSERT = "reinsert"  # the card left during a write: wait for it
    REFUND = "refund"      # attempts used up, or a failure no retry mends (see `reason`)


@dataclass(frozen=True)
class ChipResult:
    outcome: Chip
    reason: str = ""  # for REFUND: why, in the journal's and the back end's words


class _Try(enum.Enum):
    WRITTEN = "written"
    RETRY = "retry"
    REINSERT = "reinsert"
    PERMANENT = "permanent"


class ChipWriter:
    """The paid records of one order and which of them are on the chip (`written`, by position).
    Attempts are counted over the whole session, whatever record they were for."""

    def __init__(self, ctx: FlowContext, txn_id: str, records: Sequence[Endorsement]) -> None:
        self.ctx = ctx
        self.txn_id = txn_id
        self.records = list(records)
        self.written: set[int] = set()
        self.attempts_left = WRITE_ATTEMPTS_PER_SESSION

    def write_remaining(self, on_retry: Callable[[], None],
                        on_written: Callable[[], None] | None = None) -> ChipResult:
        """Write every record not yet on the chip; `on_retry` is called before each new try after
        a failed one, so the screen can say the kiosk is trying again; `on_written` after each
        record the chip took, so the screen can count them (issue 14: honest progress)."""
        for position, record in enumerate(self.records):
            while position not in self.written:
                if self.attempts_left <= 0:
                    return ChipResult(Chip.REFUND, REASON_ATTEMPTS_USED)
                self.attempts_left -= 1
                outcome = self._write_once(position, record)
                if outcome is _Try.REINSERT:
                    return ChipResult(Chip.REINSERT)
                if outcome is _Try.PERMANENT:
                    return ChipResult(Chip.REFUND, REASON_PERMANENT)
                if outcome is _Try.RETRY and self.attempts_left > 0:
                    on_retry()
                if outcome is _Try.WRITTEN and on_written is not None:
                    on_written()
        return ChipResult(Chip.WRITTEN)

    def _write_once(self, position: int, record: Endorsement) -> _Try:
        step = card_write_step(position)
        attempt = WRITE_ATTEMPTS_PER_SESSION - self.attempts_left
        self.ctx.journal.before(self.txn_id, step, {"record_id": record.record_id, "attempt": attempt})
        # The card face shows one endorsement, the newest: only the order's last record is
        # printed there (each print would replace the one before, 0.9 s of the module's time each).
        on_face = position == len(self.records) - 1
        try:
            result = self.ctx.permit().write_endorsement(record, print_on_face=on_face)
        except PermitError as error:
            self.ctx.journal.failed(self.txn_id, step, {"reason": error.message_key, "record_id": record.record_id})
            return _Try.RETRY
        if result.written:
            self.written.add(position)
            self.ctx.journal.after(self.txn_id, step, {"record_id": record.record_id, "outcome": "written"})
            return _Try.WRITTEN
        self.ctx.journal.failed(self.txn_id, step, {"record_id": record.record_id, "reason": result.reason})
        if result.outcome is WriteOutcome.CARD_REMOVED or result.reason == NO_CARD_REASON:
            return _Try.REINSERT
        return _Try.PERMANENT if result.reason in PERMANENT_WRITE_FAILURES else _Try.RETRY

    def seen_on(self, card: PermitCard) -> None:
        """The card came back: a record it already holds was written after all (the card left
        after the chip took it), so it is journalled as written instead of written twice."""
        for position, record in enumerate(self.records):
            if position not in self.written and card.find_endorsement(record.record_id) == record:
                self.written.add(position)
                self.ctx.journal.after(self.txn_id, card_write_step(position),
                                       {"record_id": record.record_id, "outcome": "written", "seen": "card_back"})


def eject_card(ctx: FlowContext) -> bool:
    """Give the card back; False when it could not be (stuck, or the module not answering)."""
    try:
        ctx.permit().eject()
    except PermitError as error:
        if error.message_key == PERMIT_NO_CARD:
            return True  # already out
        log.warning("card not returned: %s (%s)", error.message_key, error.detail)
        return False
    return True


class CardReturn:
    """The card given back on a thread of its own, started once nothing more is written to it:
    the module's eject (0.4 s of motor) runs while the flow tells the back end and prints the
    receipt, which need neither the card nor the module (issue 23). The journal is not touched
    here: every journalled effect stays on the flow's thread, in the same order as before."""

    def __init__(self, ctx: FlowContext) -> None:
        self._returned = False
        self._thread = threading.Thread(target=self._run, args=(ctx,), name="permit-eject", daemon=True)
        self._thread.start()

    def _run(self, ctx: FlowContext) -> None:
        try:
            self._returned = eject_card(ctx)
        except Exception:  # a driver bug must not pass silently on a thread: the card counts as stuck
            log.exception("giving the permit card back failed")

    def wait(self) -> bool:
        """Whether the card came out (False: stuck, the module not answering, or no answer in
        EJECT_WAIT_SECONDS)."""
        self._thread.join(EJECT_WAIT_SECONDS)
        if self._thread.is_alive():
            log.warning("card not returned: the module did not finish the eject in %.0f s", EJECT_WAIT_SECONDS)
            return False
        return self._returned
