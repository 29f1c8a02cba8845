"""Traffic fines at the kiosk (DOMAIN.md section 5).

identity -> the driver's outstanding violations: the ones the kiosk may settle (camera-recorded,
a fine of at most 200 yuan, not bringing the driver to 12 points; or decided at a counter and
only to be paid) and, for the rest, why not and where to go -> one violation in detail with
its late fee (the back end's figures) -> accept (points are recorded) -> QR payment -> print
the decision and the receipt -> settle another or finish.

Each violation settled is one journal transaction: accept, payment and print are journalled
before and after, with the request ids the back end sees (flows/recovery.py finishes them).
A paid fine is never refunded: when the citizen leaves after paying, the receipt is printed
all the same.

"This is not my car / not me" (issue 20): from the list (action "appeal" with the violation
number) or a case's detail, the citizen appeals a wrongly entered or cloned-plate case: one
touch on the reason (no photos at the kiosk) -> SubmitViolationAppeal -> the appeal receipt with
its number and the answer day (one working day) -> back to the list, where the case is now held
from payment until decided. Each appeal is a journal transaction of its own (`fine_appeal`, the
`appeal` and print steps). The `fine_appeal` service (flows/fine_appeal.py) is this flow with the
list showing only the cases to appeal.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from backend_client import errors as backend_errors
from backend_client.models import (
    AppealReason,
    Decision,
    DriverViolations,
    KioskHandling,
    NotEligibleReason,
    Violation,
    ViolationAppeal,
    ViolationSource,
)
from core.i18n import N_
from devices.idcard.records import CardKind
from flows.common_steps import GateOutcome, IdentityGate, counter_hint, print_journalled
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Tick, Touch
from flows.fines_receipt import appeal_receipt, fines_receipt
from flows.journal import TxnStatus
from flows.paid_service import MSG_PAYMENT_FAILED, MSG_SCAN_TO_PAY, PaidFlow, PaidService, PaymentStates
from flows.payment import fen

log = logging.getLogger(__name__)

FLOW_NAME = "fines"

# ----- named timings and limits -----
# While waiting for the ID card, look at the reader this often on Tick (a card event looks at once).
CARD_POLL_INTERVAL_SECONDS = 0.25
# DOMAIN.md section 5: a kiosk decides only camera-recorded cases of at most this fine ...
KIOSK_FINE_LIMIT = Decimal(200)
# ... and never one that brings the driver to this many points in the cycle.
POINTS_LIMIT = 12

ACCEPT_STEP = "accept"
APPEAL_STEP = "appeal"
APPEAL_TRANSACTION = "fine_appeal"  # an appeal's journal transaction (its own service on the hall's books)
# Times on screen and on the decision are the hall's (China Standard Time), whatever the
# kiosk's system clock zone is.
HALL_TIMEZONE = dt.timezone(dt.timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M"

# ----- transaction notes when nothing was paid -----
NOTE_NOT_ACCEPTED = "not accepted; nothing paid"
NOTE_NO_CODE = "no payment code shown"
NOTE_ACCEPTED_NO_CODE = "accepted; no payment code shown"
# Put before the payment's outcome in the note of a transaction cancelled after accepting.
NOTE_ACCEPTED_PREFIX = "accepted, "

MSG_PLACE_ID_CARD = N_("fines.place_id_card")
MSG_LOOK_AT_CAMERA = N_("fines.look_at_camera")
MSG_LIST = N_("fines.list")
MSG_DETAIL_ACCEPT = N_("fines.detail")
MSG_PRINTING = N_("fines.printing")
MSG_SETTLED = N_("fines.settled")
MSG_DONE = N_("fines.done")
MSG_NO_VIOLATIONS = N_("fines.no_violations")
MSG_REFUSED = N_("fines.refused")
MSG_CANCELLED = N_("fines.cancelled")
MSG_UNAVAILABLE = N_("fines.unavailable")
MSG_APPEAL_REASON = N_("fines.appeal.reason")
MSG_APPEAL_PRINTING = N_("fines.appeal.printing")
MSG_APPEALED = N_("fines.appeal.done")
MSG_NOT_APPEALABLE = N_("fines.appeal.not_appealable")
# The reasons of an appeal, in the citizen's words.
APPEAL_REASON_KEYS: Mapping[AppealReason, str] = {
    AppealReason.CLONED_PLATE: N_("fines.appeal.reason.cloned_plate"),
    AppealReason.NOT_MY_VEHICLE: N_("fines.appeal.reason.not_my_vehicle"),
    AppealReason.NOT_THE_DRIVER: N_("fines.appeal.reason.not_the_driver"),
    AppealReason.WRONGLY_ENTERED: N_("fines.appeal.reason.wrongly_entered"),
}

# Why a case must go to a counter, in the citizen's words (the back end gives the reason code).
COUNTER_REASON_KEYS: Mapping[NotEligibleReason | None, str] = {
    NotEligibleReason.ON_SITE_CASE: N_("fines.counter.on_site"),
    NotEligibleReason.FINE_OVER_LIMIT: N_("fines.counter.over_limit"),
    NotEligibleReason.WOULD_REACH_12_POINTS: N_("fines.counter.points"),
    NotEligibleReason.CASE_UNDER_APPEAL: N_("fines.counter.under_appeal"),
}
MSG_COUNTER_OTHER = N_("fines.counter.other")


class State(enum.Enum):
    ID_CARD = "id_card"
    FACE = "face"
    LIST = "list"                      # what can be settled here, and what cannot and why
    DETAIL = "detail"                  # one violation: fine, late fee, points; accept or pay
    PAYING = "paying"
    PAYMENT_FAILED = "payment_failed"
    PRINTING = "printing"
    SETTLED = "settled"                # one violation done: another, or finish
    DONE = "done"
    NO_VIOLATIONS = "no_violations"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"
    APPEAL = "appeal"                  # "not my car / not me": the reason of the appeal
    APPEAL_PRINTING = "appeal_printing"
    APPEALED = "appealed"              # the appeal receipt: back to the list, or finish


S = State
_LEAVE = frozenset({S.CANCELLED, S.UNAVAILABLE, S.REFUSED})

TRANSITIONS: Mapping[State, frozenset[State]] = {
    S.ID_CARD: frozenset({S.FACE, S.LIST, S.NO_VIOLATIONS}) | _LEAVE,
    S.FACE: frozenset({S.LIST, S.NO_VIOLATIONS}) | _LEAVE,
    S.LIST: frozenset({S.DETAIL, S.DONE, S.APPEAL}) | _LEAVE,
    S.DETAIL: frozenset({S.LIST, S.PAYING, S.PRINTING, S.APPEAL}) | _LEAVE,
    S.APPEAL: frozenset({S.LIST, S.APPEAL_PRINTING}) | _LEAVE,
    S.APPEAL_PRINTING: frozenset({S.APPEALED}),
    S.APPEALED: frozenset({S.LIST, S.DONE}) | _LEAVE,
    S.PAYING: frozenset({S.PRINTING, S.PAYMENT_FAILED}) | _LEAVE,
    S.PAYMENT_FAILED: frozenset({S.PAYING}) | _LEAVE,
    S.PRINTING: frozenset({S.SETTLED, S.DONE}),
    S.SETTLED: frozenset({S.LIST, S.DONE}) | _LEAVE,
    S.DONE: frozenset(), S.NO_VIOLATIONS: frozenset(), S.REFUSED: frozenset(), S.CANCELLED: frozenset(),
    S.UNAVAILABLE: frozenset(),
}

VIEWS: Mapping[State, tuple[int, str]] = {
    S.ID_CARD: (1, MSG_PLACE_ID_CARD), S.FACE: (1, MSG_LOOK_AT_CAMERA), S.LIST: (2, MSG_LIST),
    S.DETAIL: (3, MSG_DETAIL_ACCEPT), S.PAYING: (4, MSG_SCAN_TO_PAY), S.PAYMENT_FAILED: (4, MSG_PAYMENT_FAILED),
    S.PRINTING: (5, MSG_PRINTING), S.SETTLED: (5, MSG_SETTLED), S.DONE: (5, MSG_DONE),
    S.NO_VIOLATIONS: (0, MSG_NO_VIOLATIONS), S.REFUSED: (0, MSG_REFUSED), S.CANCELLED: (0, MSG_CANCELLED),
    S.UNAVAILABLE: (0, MSG_UNAVAILABLE), S.APPEAL: (3, MSG_APPEAL_REASON), S.APPEAL_PRINTING: (5, MSG_APPEAL_PRINTING),
    S.APPEALED: (5, MSG_APPEALED),
}


def kiosk_may_decide(violation: Violation, points_in_cycle: int) -> bool:
    """The kiosk's own check of DOMAIN.md section 5 before it accepts a case: the back end
    decides, and the kiosk refuses to go beyond the rules even if a back end were wrong."""
    return (violation.source is ViolationSource.NON_ON_SITE and violation.fine <= KIOSK_FINE_LIMIT
            and points_in_cycle + violation.points < POINTS_LIMIT)


def violation_data(violation: Violation, points_in_cycle: int) -> dict[str, Any]:
    """One violation as plain data for the screen; figures are the back end's."""
    data: dict[str, Any] = {
        "number": violation.violation_number, "plate": violation.plate_number,
        "occurred_at": violation.occurred_at.astimezone(HALL_TIMEZONE).strftime(TIME_FORMAT),
        "place": violation.place,
        "code": violation.violation_code, "description": violation.description, "points": violation.points,
        "fine": str(violation.fine), "late_fee": str(violation.late_fee), "amount_due": str(violation.amount_due),
        "handling": violation.kiosk_handling.value, "decision_number": violation.decision_number,
        "points_after": points_in_cycle + (violation.points if violation.kiosk_handling is
                                           KioskHandling.ACCEPT_AND_PAY else 0),
    }
    if violation.kiosk_handling is KioskHandling.COUNTER_ONLY:
        data["reason_key"] = COUNTER_REASON_KEYS.get(violation.refusal_reason, MSG_COUNTER_OTHER)
    data["appeal_number"] = violation.appeal_number
    return data


class FinesFlow(PaidFlow[State]):
    name = FLOW_NAME
    # The list offers only the cases to appeal (the fine_appeal service, flows/fine_appeal.py).
    APPEAL_ONLY = False
    TRANSITIONS = TRANSITIONS
    VIEWS = VIEWS
    STEPS = 5
    PAYMENT_STATES = PaymentStates(paying=S.PAYING, failed=S.PAYMENT_FAILED, unavailable=S.UNAVAILABLE,
                                   cancelled=S.CANCELLED)

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        self.ctx = ctx
        self.gate = IdentityGate(ctx, frozenset({CardKind.RESIDENT_ID, CardKind.RESIDENCE_PERMIT}), today)
        super().__init__(S.ID_CARD, ctx.now)
        self.driver: DriverViolations | None = None
        self.selected: Violation | None = None
        self.decision: Decision | None = None
        self.settled: list[dict[str, Any]] = []  # what this visit settled, for the end screen
        self.appealing: Violation | None = None
        self.appeals: list[dict[str, Any]] = []  # the appeals made this visit
        self._next_card_poll = 0.0
        if self.gate.outcome is GateOutcome.DONE:  # identity was done by an earlier service this visit
            self._load_violations()

    # ======================================================================== events
    def on_event(self, event: Event) -> None:
        handler = {
            S.ID_CARD: self._on_identity, S.FACE: self._on_identity, S.LIST: self._on_list,
            S.DETAIL: self._on_detail, S.PAYING: self._on_paying, S.PAYMENT_FAILED: self._on_payment_failed,
            S.SETTLED: self._on_settled, S.APPEAL: self._on_appeal, S.APPEALED: self._on_appealed,
        }.get(self.state)
        if handler is not None:
            handler(event)

    def actions(self) -> tuple[str, ...]:
        state = self.state
        if state is S.LIST:
            select = ("select",) if self._settleable() and not self.APPEAL_ONLY else ()
            return select + (("appeal",) if self._appealable() else ()) + ("finish", "cancel")
        if state is S.DETAIL and self.selected is not None:
            verb = "accept" if self.selected.kiosk_handling is KioskHandling.ACCEPT_AND_PAY else "pay"
            return (verb, "appeal", "back", "cancel")
        if state is S.APPEAL:
            return ("reason", "back", "cancel")
        if state is S.APPEALED:
            return (("another",) if self._appealable() or self._settleable() else ()) + ("finish",)
        if state is S.PAYMENT_FAILED:
            return self._paid.failed_actions()
        if state is S.PAYING:
            return self._paid.paying_actions()
        if state is S.SETTLED:
            return (("another",) if self._settleable() else ()) + ("finish",)
        if state in (S.ID_CARD, S.FACE):
            return ("cancel",)
        return ()

    # ----- identity, then the list -----
    def _on_identity(self, event: Event) -> None:
        due = (isinstance(event, CardInserted) and event.kind == "idcard") or \
              (isinstance(event, Tick) and self.now() >= self._next_card_poll)
        if not due:
            return
        self._next_card_poll = self.now() + CARD_POLL_INTERVAL_SECONDS
        result = self.gate.poll()
        if result is None:
            return
        if result.outcome is GateOutcome.REFUSED:
            self.go(S.REFUSED, result.error_key)
        elif result.outcome is GateOutcome.DONE:
            self._load_violations()
        elif result.outcome is GateOutcome.WAITING_FACE and self.state is S.ID_CARD:
            self.go(S.FACE, result.error_key)
        else:
            self.note(result.error_key)

    def _ask_violations(self) -> DriverViolations:
        person = self.gate.person
        assert person is not None
        return self.ctx.backend.list_violations(person.id_number, person.match_token)

    def _load_violations(self) -> None:
        """Ask the back end for the driver's outstanding violations and show them."""
        try:
            self.driver = self._ask_violations()
        except backend_errors.BackendError as error:
            self.go(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        log.info("fines: %d outstanding violations, %d the kiosk may settle", len(self.driver.violations),
                 len(self._settleable()))
        self.go(S.LIST if self.driver.violations else S.NO_VIOLATIONS)

    def _refresh_after_settling(self) -> None:
        """What is left to settle, for "another"; a back end that cannot say only hides the button."""
        try:
            self.driver = self._ask_violations()
        except backend_errors.BackendError as error:
            log.warning("violations not refreshed after settling: %s", error)
            self.driver = None

    def _appealable(self) -> list[Violation]:
        """Every outstanding case not already waiting for an appeal's answer (a paid one is not listed)."""
        if self.driver is None:
            return []
        return [v for v in self.driver.violations if v.appeal_number is None]

    def _settleable(self) -> list[Violation]:
        if self.driver is None:
            return []
        return [v for v in self.driver.violations if v.kiosk_handling is not KioskHandling.COUNTER_ONLY]

    def _on_list(self, event: Event) -> None:
        if not isinstance(event, Touch):
            return
        if event.action == "finish":
            self.go(S.DONE)
            return
        if event.action == "appeal":
            self._ask_appeal(event.value)
            return
        if self.APPEAL_ONLY:
            return
        if event.action != "select":
            return
        violation = next((v for v in self._settleable() if v.violation_number == event.value), None)
        if violation is None:
            self.note(N_("fines.not_settleable_here"))
            return
        self.selected = violation
        self.go(S.DETAIL)

    # ----- accept, pay -----
    def _on_detail(self, event: Event) -> None:
        if not isinstance(event, Touch) or self.selected is None:
            return
        if event.action == "back":
            self.selected = None
            self.go(S.LIST)
        elif event.action == "appeal":
            self._ask_appeal(self.selected.violation_number)
        elif event.action == "accept" and self.selected.kiosk_handling is KioskHandling.ACCEPT_AND_PAY:
            self._accept()
        elif event.action == "pay" and self.selected.kiosk_handling is KioskHandling.PAY_ONLY:
            paid = self._open_transaction()
            assert self.selected.order_id is not None
            self.ctx.journal.set_refs(paid.txn_id, order_id=self.selected.order_id)
            self._start_payment()

    def _open_transaction(self) -> PaidService:
        """Each violation settled is a transaction of its own (`self.paid` until the next one)."""
        assert self.selected is not None
        self.decision = None
        self.paid = PaidService(self.ctx, FLOW_NAME, {
            "violation": self.selected.violation_number, "handling": self.selected.kiosk_handling.value},
            fen(self.selected.amount_due))
        return self.paid

    def _accept(self) -> None:
        assert self.selected is not None and self.driver is not None
        if not kiosk_may_decide(self.selected, self.driver.points_in_cycle):
            log.warning("back end offered %s for acceptance against the kiosk rules", self.selected.violation_number)
            self.note(N_("fines.not_settleable_here"))
            return
        person = self.gate.person
        assert person is not None
        paid = self._open_transaction()
        request_id = self.ctx.journal.before(paid.txn_id, ACCEPT_STEP, {"violation": self.selected.violation_number})
        try:
            decision = self.ctx.backend.accept_violation(person.id_number, self.selected.violation_number, request_id,
                                                         match_token=person.match_token)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(paid.txn_id, ACCEPT_STEP, {"error": error.message_key})
            paid.close(TxnStatus.CANCELLED, NOTE_NOT_ACCEPTED)
            self.go(S.REFUSED if error.final else S.UNAVAILABLE, error.message_key)
            return
        self.decision = decision
        self.ctx.journal.set_refs(paid.txn_id, order_id=decision.order_id, amount_fen=fen(decision.amount_due))
        self.ctx.journal.after(paid.txn_id, ACCEPT_STEP, {
            "decision_number": decision.decision_number, "order_id": decision.order_id,
            "amount_fen": fen(decision.amount_due), "points": decision.points})
        if decision.order_id is None:  # a warning: nothing to pay
            self.go(S.PRINTING)
            self._print_and_settle()
            return
        self._start_payment()

    def _order_id(self) -> str:
        assert self.selected is not None
        order_id = self.decision.order_id if self.decision is not None else self.selected.order_id
        assert order_id is not None
        return order_id

    def _start_payment(self) -> None:
        self._show_payment(self._order_id(), NOTE_ACCEPTED_NO_CODE if self.decision else NOTE_NO_CODE)

    def _on_paid(self) -> None:
        self.go(S.PRINTING)
        self._print_and_settle()

    def _on_paid_then_left(self, reason: str) -> None:
        """A paid fine is settled (never refunded): the citizen gets the receipt all the same."""
        self.go(S.PRINTING)
        self._print_and_settle(then=S.DONE)

    # ----- print, settle -----
    def _print_and_settle(self, then: State = S.SETTLED) -> None:
        """Settled (paid, or a warning with nothing to pay): the decision and receipt, even when
        the printer fails (the fault is shown; the fine stays settled)."""
        assert self.selected is not None
        paid = self._paid
        paid.print_receipt(fines_receipt(self.ctx, self.selected, self.decision, self.gate.person, paid))
        paid.close(TxnStatus.COMPLETED)
        self.settled.append(self._settled_data())
        self.selected = None
        if then is S.SETTLED:
            self._refresh_after_settling()
        self.go(then, paid.receipt_error)

    def _settled_data(self) -> dict[str, Any]:
        assert self.selected is not None
        taken = self._paid.taken
        amount = taken.amount if taken is not None else Decimal(0)
        return {"violation": self.selected.violation_number,
                "decision_number": self.decision.decision_number if self.decision else self.selected.decision_number,
                "points": self.decision.points if self.decision else 0,
                "points_in_cycle": self.decision.points_in_cycle if self.decision else None,
                "amount_paid": str(amount), "receipt_printed": self._paid.receipt_error is None}

    def _on_settled(self, event: Event) -> None:
        if not isinstance(event, Touch):
            return
        if event.action == "another" and self._settleable():
            self.go(S.LIST)
        elif event.action == "finish":
            self.go(S.DONE)

    # ----- "not my car / not me": the appeal (issue 20) -----
    def _ask_appeal(self, violation_number: Any) -> None:
        violation = next((v for v in self._appealable() if v.violation_number == violation_number), None)
        if violation is None:
            self.note(MSG_NOT_APPEALABLE)
            return
        self.selected, self.appealing = None, violation
        self.go(S.APPEAL)

    def _on_appeal(self, event: Event) -> None:
        if not isinstance(event, Touch) or self.appealing is None:
            return
        if event.action == "back":
            self.appealing = None
            self.go(S.LIST)
        elif event.action == "reason":
            try:
                reason = AppealReason(event.value)
            except ValueError:
                self.note(MSG_APPEAL_REASON)
                return
            self._appeal(self.appealing, reason)

    def _appeal(self, violation: Violation, reason: AppealReason) -> None:
        """SubmitViolationAppeal in a journal transaction of its own, then the receipt. A refusal (a
        case paid meanwhile, appealed already) goes back to the list with the back end's words."""
        person = self.gate.person
        assert person is not None
        journal = self.ctx.journal
        txn_id = journal.open_transaction(APPEAL_TRANSACTION, {"violation": violation.violation_number,
                                                               "reason": reason.value})
        request_id = journal.before(txn_id, APPEAL_STEP, {"violation": violation.violation_number})
        try:
            appeal = self.ctx.backend.submit_violation_appeal(person.id_number, violation.violation_number, reason,
                                                              request_id, match_token=person.match_token)
        except backend_errors.BackendError as error:
            journal.failed(txn_id, APPEAL_STEP, {"error": error.message_key})
            journal.close_transaction(txn_id, TxnStatus.CANCELLED, "appeal not made")
            self.appealing = None
            if not error.final:
                self.go(S.UNAVAILABLE, error.message_key)
                return
            self._refresh_after_settling()
            self.go(S.LIST, error.message_key)
            return
        journal.after(txn_id, APPEAL_STEP, {"appeal_number": appeal.appeal_number,
                                            "answer_by": appeal.answer_by.isoformat()})
        log.info("fines: %s appealed (%s), answer by %s", violation.violation_number, appeal.appeal_number,
                 appeal.answer_by)
        self.go(S.APPEAL_PRINTING)
        problem = print_journalled(self.ctx, txn_id, appeal_receipt(self.ctx, violation, appeal, person,
                                                                  APPEAL_REASON_KEYS[appeal.reason]))
        journal.close_transaction(txn_id, TxnStatus.COMPLETED, "" if problem is None else f"receipt not printed: {problem}")
        self.appeals.append(appeal_data(appeal, violation, txn_id, receipt_printed=problem is None))
        self.appealing = None
        self._refresh_after_settling()
        self.go(S.APPEALED, problem)

    def _on_appealed(self, event: Event) -> None:
        if not isinstance(event, Touch):
            return
        if event.action == "another" and (self._appealable() or self._settleable()):
            self.go(S.LIST)
        elif event.action == "finish":
            self.go(S.DONE)

    # ----- leaving -----
    def on_cancel(self, reason: str) -> None:
        state = self.state
        if state in (S.PAYING, S.PAYMENT_FAILED):
            self._cancel_payment(reason, NOTE_ACCEPTED_PREFIX if self.decision else "")
        elif state in (S.PRINTING, S.APPEAL_PRINTING):
            log.info("fines: %s ignored while printing", reason)
        else:
            self.go(S.CANCELLED)

    # ======================================================================== the screen
    def view_data(self) -> Mapping[str, Any]:
        state = self.state
        data: dict[str, Any] = {}
        points = self.driver.points_in_cycle if self.driver else 0
        if state is S.FACE:
            data["face_tries_left"] = self.gate.check.face_tries_left
        if state is S.LIST and self.driver is not None:
            data["points_in_cycle"] = points
            data["appeal_only"] = self.APPEAL_ONLY
            data["appealable"] = [violation_data(v, points) for v in self._appealable()]
            data["settleable"] = [violation_data(v, points) for v in self._settleable()]
            data["counter_only"] = [violation_data(v, points) for v in self.driver.violations
                                    if v.kiosk_handling is KioskHandling.COUNTER_ONLY]
            data["counter_hint"] = counter_hint(self.ctx)
        if state in (S.DETAIL, S.PAYING, S.PAYMENT_FAILED) and self.selected is not None:
            data["violation"] = violation_data(self.selected, points)
        if state is S.PAYING and self.paid is not None:
            data.update(self.paid.view_data())
        if state in (S.SETTLED, S.DONE):
            data["settled"] = list(self.settled)
        if state is S.APPEAL and self.appealing is not None:
            data["violation"] = violation_data(self.appealing, points)
            data["reasons"] = [{"value": r.value, "key": key} for r, key in APPEAL_REASON_KEYS.items()]
        if state in (S.APPEALED, S.DONE) and self.appeals:
            data["appeals"] = list(self.appeals)
        if state is S.APPEALED and self.appeals:
            data["transaction"] = self.appeals[-1]["transaction"]
        if state in (S.REFUSED, S.UNAVAILABLE):
            data["counter_hint"] = counter_hint(self.ctx)
        if "transaction" not in data and (self.txn_id is not None or self.appeals):
            data["transaction"] = self.txn_id if self.txn_id is not None else self.appeals[-1]["transaction"]
        return data


def appeal_data(appeal: ViolationAppeal, violation: Violation, txn_id: str, receipt_printed: bool) -> dict[str, Any]:
    """An appeal made this visit as plain data for the screen."""
    return {"appeal_number": appeal.appeal_number, "violation": appeal.violation_number,
            "plate": violation.plate_number, "reason_key": APPEAL_REASON_KEYS[appeal.reason],
            "answer_by": appeal.answer_by.isoformat(), "held": appeal.held_from_payment,
            "transaction": txn_id, "receipt_printed": receipt_printed}
