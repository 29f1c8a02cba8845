"""Pieces the form, photo, progress and appointment flows share: the identity gate driven by
ticks, journalled printing, receipt headers in the citizen's language, where to go for help.

The identity step itself (read, verify, compare) is flows/identity.py; this module only
paces it for a tick-driven flow: one card read or one face comparison per tick, and after a
fault (reader, camera or back end not answering) a pause before trying again, so a broken
device shows one clear message instead of hammering the line.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from typing import Any

from backend_client import errors as backend_errors
from core.i18n import N_, translator
from devices.base import DeviceError
from devices.idcard.records import CardKind
from devices.printer.receipt import Align, ChineseText, Receipt, Rule, Title
from flows.context import FlowContext
from flows.identity import IdentityCheck, Person, Step

log = logging.getLogger(__name__)

# After a device or back-end fault, wait this long before the next attempt (the screen shows
# the fault meanwhile). Long enough not to flood a failing line, short enough to feel live.
FAULT_RETRY_SECONDS = 2.0
# After "the face does not match, please look at the camera", give the citizen this long to
# turn to the lens before the next comparison.
FACE_RETRY_PAUSE_SECONDS = 1.5

# Times on screens and receipts are hall times: China Standard Time (UTC+8, no daylight saving).
HALL_TIMEZONE = dt.timezone(dt.timedelta(hours=8))

# Codes read and dropped at most when a scan screen opens (a scanner stuck repeating one code
# must not keep the screen from opening).
MAX_STALE_SCANS = 50

PRINT_STEP = "print"
# session.data key of the photo receipt number of a photo taken this visit: the application
# form sends it with the form, so the counter finds both.
PHOTO_RECEIPT_KEY = "photo_receipt_number"


class GateOutcome(enum.Enum):
    WAITING_CARD = "waiting_card"  # nothing read yet (or a fault shown while waiting)
    WAITING_FACE = "waiting_face"  # card verified; comparing the face
    DONE = "done"
    REFUSED = "refused"


@dataclass(frozen=True)
class GateResult:
    outcome: GateOutcome
    error_key: str | None = None  # what to show now (a fault, "look at the camera", the refusal)
    tries_left: int = 0


class GatedIdentity:
    """For flows that start at the identity gate, with states named CARD, FACE and REFUSED:
    one gate attempt per tick, the screen following the gate, `_identity_done()` at the end."""

    gate: "IdentityGate"
    _tries_left: int

    def _poll_identity(self) -> None:
        result = self.gate.poll()
        if result is None:
            return
        states = type(self.state)  # type: ignore[attr-defined]
        if result.outcome is GateOutcome.REFUSED:
            self.go(states.REFUSED, self._refusal_key(result.error_key))  # type: ignore[attr-defined]
        elif result.outcome is GateOutcome.DONE:
            self._identity_done()
        else:
            self._tries_left = result.tries_left
            target = states.FACE if result.outcome is GateOutcome.WAITING_FACE else states.CARD
            if target is self.state:  # type: ignore[attr-defined]
                self._stay(result.error_key)  # type: ignore[attr-defined]
            else:
                self.go(target, result.error_key)  # type: ignore[attr-defined]

    def _refusal_key(self, error_key: str | None) -> str | None:
        """What the refusal screen says; a flow may word a refusal its own way."""
        return error_key

    def _identity_done(self) -> None:
        raise NotImplementedError


class IdentityGate:
    """Card, then face, one attempt per `poll()`. Done at once when this session already
    verified a citizen this service serves (identity is asked once per visit)."""

    def __init__(self, ctx: FlowContext, served_kinds: frozenset[CardKind], today: dt.date | None = None) -> None:
        self.ctx = ctx
        self.check = IdentityCheck(ctx, served_kinds, today)
        self._not_before = 0.0
        self.outcome = GateOutcome.DONE if self.check.already_done() else GateOutcome.WAITING_CARD

    @property
    def person(self) -> Person | None:
        return self.check.person

    def poll(self) -> GateResult | None:
        """One attempt; None when nothing changed (no card yet, or pausing after a fault)."""
        if self.outcome in (GateOutcome.DONE, GateOutcome.REFUSED) or self.ctx.now() < self._not_before:
            return None
        try:
            result = self.check.read_card() if self.outcome is GateOutcome.WAITING_CARD else self.check.compare_face()
        except backend_errors.BackendError as error:
            if error.final and not isinstance(error, backend_errors.InvalidInputError):
                return self._end(GateOutcome.REFUSED, error.message_key)
            return self._fault(error.message_key, error.detail)
        except DeviceError as error:
            return self._fault(error.message_key, error.detail)
        return self._follow(result.step, result.message_key, result.tries_left)

    def _follow(self, step: Step, key: str | None, tries_left: int) -> GateResult | None:
        if step is Step.NEED_CARD:
            return None
        if step is Step.CARD_REMOVED:
            return GateResult(self.outcome, key)
        if step is Step.DEVICE_FAULT:
            return self._fault(key or N_("device.unavailable"), "identity step")
        if step is Step.REFUSED:
            return self._end(GateOutcome.REFUSED, key)
        if step is Step.VERIFIED:
            self.outcome = GateOutcome.WAITING_FACE
            return GateResult(self.outcome)
        if step is Step.RETRY_FACE:
            self._not_before = self.ctx.now() + FACE_RETRY_PAUSE_SECONDS
            return GateResult(self.outcome, key, tries_left)
        return self._end(GateOutcome.DONE, None)

    def _fault(self, key: str, detail: str) -> GateResult:
        log.warning("identity: %s (%s); retrying in %.0f s", key, detail, FAULT_RETRY_SECONDS)
        self._not_before = self.ctx.now() + FAULT_RETRY_SECONDS
        return GateResult(self.outcome, key)

    def _end(self, outcome: GateOutcome, key: str | None) -> GateResult:
        self.outcome = outcome
        return GateResult(outcome, key)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def counter_hint(ctx: FlowContext) -> dict[str, str]:
    """Where to go when the kiosk cannot help, per language, for the screen to show."""
    terminal = ctx.config["terminal"]
    return {"zh_CN": terminal["counter_hint_zh"], "en": terminal["counter_hint_en"]}


def tr(ctx: FlowContext, key: str, **values: Any) -> str:
    """A message in the session's language (for receipts: the screen translates its own)."""
    return translator().translate(key, ctx.session.language, **values)


def receipt_header(ctx: FlowContext, title_key: str) -> Receipt:
    """The top of every receipt: the hall, then the receipt's title."""
    terminal = ctx.config["terminal"]
    hall = terminal["hall_name_zh"] if ctx.session.language == "zh_CN" else terminal["hall_name_en"]
    return Receipt().add(ChineseText(hall, align=Align.CENTER), Title(tr(ctx, title_key)), Rule())


def print_journalled(ctx: FlowContext, txn_id: str, receipt: Receipt) -> str | None:
    """Print with the journal around it; None when printed, else the message key of the fault."""
    ctx.journal.before(txn_id, PRINT_STEP)
    try:
        ctx.printer().print_receipt(receipt)
    except DeviceError as error:
        log.warning("receipt not printed: %s (%s)", error.message_key, error.detail)
        ctx.journal.failed(txn_id, PRINT_STEP, {"reason": error.message_key})
        return error.message_key
    ctx.journal.after(txn_id, PRINT_STEP)
    return None


class ScanWatcher:
    """Takes codes from the scanner on ticks; a scanner fault is reported once per pause, and
    the citizen can still type the code meanwhile."""

    def __init__(self, ctx: FlowContext) -> None:
        self.ctx = ctx
        self._not_before = 0.0

    def start(self) -> None:
        """Forget codes scanned before this screen (a code scanned on an earlier screen).

        The codes already on the line are read first: a driver without a reading thread
        queues them only when asked, so discarding its queue alone would let them through."""
        try:
            scanner = self.ctx.scanner()
            for _ in range(MAX_STALE_SCANS):
                if scanner.poll() is None:
                    break
            scanner.discard_pending()
        except DeviceError as error:
            log.warning("scanner: %s (%s)", error.message_key, error.detail)

    def poll(self) -> tuple[str | None, str | None]:
        """(scanned text, None), (None, fault message key) or (None, None) when nothing came."""
        if self.ctx.now() < self._not_before:
            return None, None
        try:
            scan = self.ctx.scanner().poll()
        except DeviceError as error:
            log.warning("scanner: %s (%s); retrying in %.0f s", error.message_key, error.detail,
                        FAULT_RETRY_SECONDS)
            self._not_before = self.ctx.now() + FAULT_RETRY_SECONDS
            return None, error.message_key
        return (scan.text.strip(), None) if scan is not None else (None, None)
