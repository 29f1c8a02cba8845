"""The urgent path, the hall's green channel (issue 20, urgent).

First what counts as urgent and what proof to bring, for each of the four cases (a funeral, a
relative seriously ill, an emergency abroad, urgent business), and the hall's 24-hour
green-channel phone ([terminal] green_channel_phone): a citizen may read it and leave ("done").

Or ask for urgent handling: identity (ID card + face) -> the case -> the counter service it is
for -> when the citizen must travel (today, tomorrow, within three days, not sure) -> review
with the proof to bring -> RequestUrgentHandling: every application of the citizen still in
progress is marked for priority and the citizen's queue ticket of today is raised to urgent
(a new urgent ticket when there was none) -> the slip: the case number, the ticket number, the
proof to bring, the phone. Staff check the proof at the counter: the request is not a decision.

Branches: the back end not answering (retry with the same request id: one case, never two), the
printer out of paper (the numbers stay on screen, large, to note), identity refused, leaving.
Journal: one transaction, the `urgent_request` step around the call, then the print.
Touch actions: request, done, reason, service, travel, confirm, back, retry, cancel.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import AppointmentService, UrgentCase, UrgentReason
from core.i18n import N_
from devices.idcard.records import CardKind
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, Receipt, Title
from flows.appointment import SERVICE_KEYS
from flows.appointment_booking import SERVICE_ORDER
from flows.common_steps import (
    HALL_TIMEZONE,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, Tick, Touch
from flows.journal import TxnStatus

log = logging.getLogger(__name__)

FLOW_NAME = "urgent"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID, CardKind.RESIDENCE_PERMIT})
REQUEST_STEP = "urgent_request"
REASON_ORDER = (UrgentReason.FUNERAL, UrgentReason.RELATIVE_SERIOUSLY_ILL, UrgentReason.EMERGENCY_ABROAD,
                UrgentReason.URGENT_BUSINESS)
REASON_KEYS = {UrgentReason.FUNERAL: N_("urgent.reason.funeral"),
               UrgentReason.RELATIVE_SERIOUSLY_ILL: N_("urgent.reason.relative_seriously_ill"),
               UrgentReason.EMERGENCY_ABROAD: N_("urgent.reason.emergency_abroad"),
               UrgentReason.URGENT_BUSINESS: N_("urgent.reason.urgent_business")}
# What staff ask to see at the counter, per case (the screen lists them; the slip prints them).
PROOF_KEYS = {UrgentReason.FUNERAL: N_("urgent.proof.funeral"),
              UrgentReason.RELATIVE_SERIOUSLY_ILL: N_("urgent.proof.relative_seriously_ill"),
              UrgentReason.EMERGENCY_ABROAD: N_("urgent.proof.emergency_abroad"),
              UrgentReason.URGENT_BUSINESS: N_("urgent.proof.urgent_business")}
MSG_PROOF_OF_RELATIONSHIP = N_("urgent.proof.relationship")
MSG_PROOF_ID_CARD = N_("urgent.proof.id_card")
NEEDS_RELATIONSHIP = frozenset({UrgentReason.FUNERAL, UrgentReason.RELATIVE_SERIOUSLY_ILL})
# When the citizen must travel -> days from today (None: not sure).
TRAVEL_CHOICES: dict[str, int | None] = {"today": 0, "tomorrow": 1, "three_days": 3, "not_sure": None}
TRAVEL_KEYS = {"today": N_("urgent.travel.today"), "tomorrow": N_("urgent.travel.tomorrow"),
               "three_days": N_("urgent.travel.three_days"), "not_sure": N_("urgent.travel.not_sure")}


class UrgentState(enum.Enum):
    INFO = "info"                      # what counts, what to bring, the 24-hour phone
    CARD = "card"
    FACE = "face"
    REASON = "reason"
    SERVICE = "service"
    TRAVEL = "travel"
    REVIEW = "review"
    BACKEND_FAILED = "backend_failed"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"
    INFO_SEEN = "info_seen"            # read the information and left: nothing asked
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = UrgentState


class UrgentFlow(GatedIdentity, Flow[UrgentState]):
    name = FLOW_NAME
    STEPS = 4
    TRANSITIONS: ClassVar[Mapping[UrgentState, frozenset[UrgentState]]] = {
        S.INFO: frozenset({S.CARD, S.REASON, S.INFO_SEEN, S.CANCELLED}),
        S.CARD: frozenset({S.FACE, S.REASON, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.REASON, S.REFUSED, S.CANCELLED}),
        S.REASON: frozenset({S.SERVICE, S.CANCELLED}),
        S.SERVICE: frozenset({S.REASON, S.TRAVEL, S.CANCELLED}),
        S.TRAVEL: frozenset({S.SERVICE, S.REVIEW, S.CANCELLED}),
        S.REVIEW: frozenset({S.TRAVEL, S.PRINTING, S.BACKEND_FAILED, S.REFUSED, S.CANCELLED}),
        S.BACKEND_FAILED: frozenset({S.PRINTING, S.REFUSED, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.DONE_NOT_PRINTED}),
        **{state: frozenset() for state in (S.DONE, S.DONE_NOT_PRINTED, S.INFO_SEEN, S.REFUSED, S.CANCELLED)},
    }
    VIEWS: ClassVar[Mapping[UrgentState, tuple[int, str]]] = {
        S.INFO: (1, N_("urgent.info")), S.CARD: (2, N_("urgent.place_id_card")),
        S.FACE: (2, N_("urgent.look_at_camera")), S.REASON: (3, N_("urgent.reason")),
        S.SERVICE: (3, N_("urgent.service")), S.TRAVEL: (3, N_("urgent.travel")),
        S.REVIEW: (3, N_("urgent.review")), S.BACKEND_FAILED: (3, N_("urgent.backend_failed")),
        S.PRINTING: (4, N_("urgent.printing")), S.DONE: (4, N_("urgent.done")),
        S.DONE_NOT_PRINTED: (4, N_("urgent.done_not_printed")), S.INFO_SEEN: (0, N_("urgent.info_seen")),
        S.REFUSED: (0, N_("urgent.refused")), S.CANCELLED: (0, N_("urgent.cancelled")),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.INFO, ctx.now)
        self.ctx = ctx
        self.day = today
        self.gate: IdentityGate | None = None
        self._tries_left = 0
        self.reason: UrgentReason | None = None
        self.service: AppointmentService | None = None
        self.travel: str | None = None
        self.case: UrgentCase | None = None
        self.txn_id: str | None = None

    @property
    def today(self) -> dt.date:
        return self.day or dt.datetime.now(HALL_TIMEZONE).date()

    @property
    def phone(self) -> str:
        return self.ctx.config["terminal"]["green_channel_phone"]

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if self.state in (S.CARD, S.FACE) and isinstance(event, (Tick, CardInserted)):
            self._poll_identity()
        elif isinstance(event, Touch) and event.action in self.actions():
            self._on_touch(event.action, event.value)

    def _on_touch(self, action: str, value: Any) -> None:
        if action == "request":
            self.gate = IdentityGate(self.ctx, SERVED_KINDS, self.day)
            if self.gate.outcome is GateOutcome.DONE:
                self._identity_done()
            else:
                self.go(S.CARD)
        elif action == "done":
            self.go(S.INFO_SEEN)
        elif action == "reason" and value in {r.value for r in REASON_ORDER}:
            self.reason = UrgentReason(value)
            self.go(S.SERVICE)
        elif action == "service" and value in {s.value for s in SERVICE_ORDER}:
            self.service = AppointmentService(value)
            self.go(S.TRAVEL)
        elif action == "travel" and value in TRAVEL_CHOICES:
            self.travel = value
            self.go(S.REVIEW)
        elif action == "back":
            self.go({S.SERVICE: S.REASON, S.TRAVEL: S.SERVICE, S.REVIEW: S.TRAVEL}[self.state])
        elif action in ("confirm", "retry"):
            self._request()

    def on_cancel(self, reason: str) -> None:
        if self.state is S.PRINTING:
            return
        if self.txn_id is not None:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"left: {reason}")
            self.txn_id = None
        self.go(S.CANCELLED)

    def _identity_done(self) -> None:
        self.go(S.REASON)

    def travel_date(self) -> dt.date | None:
        days = TRAVEL_CHOICES.get(self.travel or "not_sure")
        return None if days is None else self.today + dt.timedelta(days=days)

    # ----- the request -----
    def _request(self) -> None:
        reason, service, person = self.reason, self.service, self.gate.person if self.gate else None
        assert reason is not None and service is not None and person is not None
        if self.txn_id is None:
            self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"reason": reason.value,
                                                                        "service": service.value})
        request_id = self.ctx.journal.before(self.txn_id, REQUEST_STEP)
        try:
            case = self.ctx.backend.request_urgent_handling(person.id_number, reason, service, request_id,
                                                            self.travel_date())
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, REQUEST_STEP, {"reason": error.message_key})
            if error.final:
                self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"refused: {error.message_key}")
                self.txn_id = None
                self.go(S.REFUSED, error.message_key)
            elif self.state is S.BACKEND_FAILED:
                self._stay(error.message_key)
            else:
                self.go(S.BACKEND_FAILED, error.message_key)
            return
        self.ctx.journal.after(self.txn_id, REQUEST_STEP, {"case": case.case_number,
                                                           "ticket": case.ticket.ticket_number if case.ticket else None})
        self.case = case
        log.info("urgent: case %s, %d applications marked", case.case_number, len(case.application_numbers))
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._slip(case))
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"slip not printed: {problem}")
        self.go(S.DONE if problem is None else S.DONE_NOT_PRINTED, problem)

    def _slip(self, case: UrgentCase) -> Receipt:
        ctx = self.ctx
        assert self.service is not None
        slip = receipt_header(ctx, N_("urgent.slip.title"))
        if case.ticket is not None:
            slip.add(Title(case.ticket.ticket_number),
                     ChineseText(tr(ctx, SERVICE_KEYS[self.service]), align=Align.CENTER),
                     KeyValue(tr(ctx, N_("urgent.slip.waiting")), str(case.ticket.waiting_ahead)))
        slip.add(KeyValue(tr(ctx, N_("urgent.slip.case")), case.case_number),
                 ChineseText(tr(ctx, REASON_KEYS[case.reason])))
        for number in case.application_numbers:
            slip.add(KeyValue(tr(ctx, N_("urgent.slip.application")), number))
        slip.add(ChineseText(tr(ctx, N_("urgent.slip.bring"))))
        for key in self.proof_keys():
            slip.add(ChineseText(f"- {tr(ctx, key)}"))
        return slip.add(KeyValue(tr(ctx, N_("urgent.slip.phone")), self.phone),
                        ChineseText(tr(ctx, N_("urgent.slip.hint"))), Cut())

    def proof_keys(self) -> list[str]:
        assert self.reason is not None
        keys = [MSG_PROOF_ID_CARD, PROOF_KEYS[self.reason]]
        if self.reason in NEEDS_RELATIONSHIP:
            keys.append(MSG_PROOF_OF_RELATIONSHIP)
        return keys

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        own = {S.INFO: ("request", "done"), S.REASON: ("reason",), S.SERVICE: ("service", "back"),
               S.TRAVEL: ("travel", "back"), S.REVIEW: ("confirm", "back"), S.BACKEND_FAILED: ("retry",)}
        if self.finished or self.state is S.PRINTING:
            return ()
        return ("cancel", *own.get(self.state, ()))

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {"phone": self.phone}
        if self.state is S.FACE:
            data["face_tries_left"] = self._tries_left
        if self.state in (S.INFO, S.REASON):
            data["reasons"] = [{"value": r.value, "key": REASON_KEYS[r], "proof_key": PROOF_KEYS[r],
                                "relationship": r in NEEDS_RELATIONSHIP} for r in REASON_ORDER]
            data["relationship_key"] = MSG_PROOF_OF_RELATIONSHIP
        if self.state is S.SERVICE:
            data["services"] = [{"value": s.value, "key": SERVICE_KEYS[s]} for s in SERVICE_ORDER]
        if self.state is S.TRAVEL:
            data["travel"] = [{"value": choice, "key": TRAVEL_KEYS[choice],
                               "day": None if days is None else (self.today + dt.timedelta(days=days)).isoformat()}
                              for choice, days in TRAVEL_CHOICES.items()]
        if self.state in (S.REVIEW, S.DONE, S.DONE_NOT_PRINTED) and self.reason and self.service:
            data.update({"reason_key": REASON_KEYS[self.reason], "service_key": SERVICE_KEYS[self.service],
                         "travel_key": TRAVEL_KEYS[self.travel or "not_sure"], "proof_keys": self.proof_keys()})
        if self.state in (S.DONE, S.DONE_NOT_PRINTED) and self.case is not None:
            case = self.case
            data.update({"case_number": case.case_number, "applications": list(case.application_numbers),
                         "ticket_number": case.ticket.ticket_number if case.ticket else None,
                         "waiting_ahead": case.ticket.waiting_ahead if case.ticket else None,
                         "receipt_printed": self.state is S.DONE})
        if self.state in (S.REFUSED, S.BACKEND_FAILED, S.DONE_NOT_PRINTED):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data
