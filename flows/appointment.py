"""Appointment check-in: scan the appointment's QR code, get a printed queue ticket.

scan (or type) the code -> check in with the back end (journalled; the same appointment
always gets the same ticket) -> print the ticket: the number the hall's display will call,
the service, the appointment time and how many are waiting ahead.

No ID card is needed: the code is the appointment. When this visit already verified the
citizen (another service first), the ID number goes along, so a code of someone else's
appointment is refused.

Touch actions: code (typed text), retry (after the back end did not answer).
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import AppointmentService, NotEligibleReason, QueueTicket
from core.i18n import N_
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, Receipt, Text, Title
from flows.common_steps import HALL_TIMEZONE, ScanWatcher, counter_hint, print_journalled, receipt_header, tr
from flows.context import FlowContext
from flows.engine import Event, Flow, Scanned, Tick, Touch
from flows.identity import SESSION_KEY as PERSON_KEY
from flows.journal import TxnStatus

log = logging.getLogger(__name__)

FLOW_NAME = "appointment"
CHECK_IN_STEP = "check_in"
# What an appointment code may look like: letters, digits and dashes ("YY-DEMO-01"). A URL,
# a payment code or free text scanned by mistake is told apart before asking the back end.
APPOINTMENT_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{3,31}")

MSG_BAD_CODE = N_("appointment.error.bad_code")
MSG_UNKNOWN_CODE = N_("appointment.error.unknown_code")
MSG_NOT_TODAY = N_("appointment.error.not_today")
MSG_NOT_YOURS = N_("appointment.error.not_yours")
# Refusals the citizen can fix by scanning another code: stay on the scan screen with the reason.
REFUSAL_KEYS: dict[NotEligibleReason, str] = {
    NotEligibleReason.APPOINTMENT_NOT_TODAY: MSG_NOT_TODAY,
    NotEligibleReason.IDENTITY_MISMATCH: MSG_NOT_YOURS,
}
SERVICE_KEYS = {
    AppointmentService.PASSPORT: N_("appointment.service.passport"),
    AppointmentService.HK_MACAU_PERMIT: N_("appointment.service.hk_macau_permit"),
    AppointmentService.TAIWAN_PERMIT: N_("appointment.service.taiwan_permit"),
    AppointmentService.ENDORSEMENT: N_("appointment.service.endorsement"),
    AppointmentService.OTHER: N_("appointment.service.other"),
}


class AppointmentState(enum.Enum):
    SCAN = "scan"
    CHECK_IN_FAILED = "check_in_failed"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"
    CANCELLED = "cancelled"


S = AppointmentState


class AppointmentFlow(Flow[AppointmentState]):
    name = FLOW_NAME
    STEPS = 2
    TRANSITIONS: ClassVar[Mapping[AppointmentState, frozenset[AppointmentState]]] = {
        S.SCAN: frozenset({S.PRINTING, S.CHECK_IN_FAILED, S.CANCELLED}),
        S.CHECK_IN_FAILED: frozenset({S.PRINTING, S.SCAN, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.DONE_NOT_PRINTED}),
        S.DONE: frozenset(),
        S.DONE_NOT_PRINTED: frozenset(),
        S.CANCELLED: frozenset(),
    }
    VIEWS: ClassVar[Mapping[AppointmentState, tuple[int, str]]] = {
        S.SCAN: (1, N_("appointment.scan")),
        S.CHECK_IN_FAILED: (1, N_("appointment.check_in_failed")),
        S.PRINTING: (2, N_("appointment.printing")),
        S.DONE: (2, N_("appointment.done")),
        S.DONE_NOT_PRINTED: (2, N_("appointment.done_not_printed")),
        S.CANCELLED: (0, N_("appointment.cancelled")),
    }

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__(S.SCAN, ctx.now)
        self.ctx = ctx
        self.scans = ScanWatcher(ctx)
        self.code: str | None = None
        self.ticket: QueueTicket | None = None
        self.txn_id: str | None = None
        self.scans.start()

    def on_event(self, event: Event) -> None:
        if isinstance(event, Tick) and self.state is S.SCAN:
            self._poll_scanner()
        elif isinstance(event, Scanned) and self.state is S.SCAN:
            self._check_in(event.text)
        elif isinstance(event, Touch) and event.action in self.actions():
            if event.action == "code":
                self._check_in(str(event.value or ""))
            elif self.code is not None:
                self._check_in(self.code)

    def _poll_scanner(self) -> None:
        text, fault = self.scans.poll()
        if text is not None:
            self._check_in(text)
        elif fault is not None:
            self._stay(fault)

    def _check_in(self, text: str) -> None:
        code = text.strip().upper()
        if not APPOINTMENT_CODE.fullmatch(code):
            self._back_to_scan(MSG_BAD_CODE)
            return
        if code != self.code:  # another appointment: another transaction and request id
            self._close_open_transaction("another code scanned")
            self.code = code
            self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"appointment": code})
        assert self.txn_id is not None
        request_id = self.ctx.journal.before(self.txn_id, CHECK_IN_STEP)
        try:
            ticket = self.ctx.backend.check_in_appointment(code, request_id, self._id_number())
        except backend_errors.BackendError as error:
            self._check_in_refused(error)
            return
        self.ctx.journal.after(self.txn_id, CHECK_IN_STEP, {"ticket": ticket.ticket_number})
        self.ticket = ticket
        self._print()

    def _id_number(self) -> str | None:
        person = self.ctx.session.data.get(PERSON_KEY)
        return person.id_number if person is not None and person.face_matched else None

    def _check_in_refused(self, error: backend_errors.BackendError) -> None:
        assert self.txn_id is not None
        self.ctx.journal.failed(self.txn_id, CHECK_IN_STEP, {"reason": error.message_key})
        if not error.final:
            self.go(S.CHECK_IN_FAILED, error.message_key)
            return
        self._close_open_transaction(f"refused: {error.message_key}")
        self.code = None
        if isinstance(error, backend_errors.NotFoundError):
            self._back_to_scan(MSG_UNKNOWN_CODE)
        elif isinstance(error, backend_errors.NotEligibleError) and error.reason in REFUSAL_KEYS:
            self._back_to_scan(REFUSAL_KEYS[error.reason])
        else:
            self._back_to_scan(error.message_key)

    def _back_to_scan(self, error_key: str) -> None:
        if self.state is S.SCAN:
            self._stay(error_key)
        else:
            self.scans.start()
            self.go(S.SCAN, error_key)

    def _print(self) -> None:
        assert self.txn_id is not None
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._ticket_receipt())
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"ticket not printed: {problem}")
        self.txn_id = None
        self.go(S.DONE if problem is None else S.DONE_NOT_PRINTED, problem)

    def _ticket_receipt(self) -> Receipt:
        ticket = self.ticket
        assert ticket is not None
        starts = ticket.appointment_start.astimezone(HALL_TIMEZONE)
        return receipt_header(self.ctx, N_("appointment.ticket.title")).add(
            Title(ticket.ticket_number),
            ChineseText(tr(self.ctx, SERVICE_KEYS[ticket.service]), align=Align.CENTER),
            KeyValue(tr(self.ctx, N_("appointment.ticket.time")), starts.strftime("%Y-%m-%d %H:%M")),
            KeyValue(tr(self.ctx, N_("appointment.ticket.waiting")), str(ticket.waiting_ahead)),
            Text(ticket.appointment_code, align=Align.CENTER),
            ChineseText(tr(self.ctx, N_("appointment.ticket.hint")), align=Align.CENTER),
            Cut())

    def on_cancel(self, reason: str) -> None:
        if self.state is S.PRINTING:
            return
        self._close_open_transaction(f"left: {reason}")
        self.go(S.CANCELLED)

    def _close_open_transaction(self, note: str) -> None:
        if self.txn_id is not None:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, note)
            self.txn_id = None


    def actions(self) -> tuple[str, ...]:
        if self.state is S.SCAN:
            return ("code",)
        if self.state is S.CHECK_IN_FAILED:
            return ("retry", "code")
        return ()

    def view_data(self) -> Mapping[str, Any]:
        if self.state in (S.DONE, S.DONE_NOT_PRINTED) and self.ticket is not None:
            ticket = self.ticket
            return {"ticket_number": ticket.ticket_number, "service_key": SERVICE_KEYS[ticket.service],
                    "appointment_start": ticket.appointment_start.astimezone(HALL_TIMEZONE).strftime("%H:%M"),
                    "waiting_ahead": ticket.waiting_ahead, "counter_hint": counter_hint(self.ctx)}
        if self.state is S.CHECK_IN_FAILED:
            return {"counter_hint": counter_hint(self.ctx)}
        return {}
