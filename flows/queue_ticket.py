"""Walk-in queue ticket (issue 20, queue_ticket): a numbered ticket for a counter queue.

choose the service (no card needed) -> the ticket: its number, how many wait ahead and about how
long, printed.

Or "priority" first: the ID card and face -> the group: 60 or older (offered only when the card's
birth date says so; the back end checks it again), a disability or a pregnancy (declared here,
seen by staff at the counter), an urgent matter (declared; the urgent service files the case)
-> the service -> the ticket, which waits only behind other priority tickets.

The ticket printer is checked before a number is taken: out of paper, nothing is issued and the
screen says where to get a ticket instead. Paper running out during the print leaves the number
on screen, large, to note (the number is valid: the hall's display calls it). The back end not
answering: retry with the same request id (one ticket, never two); the same person asking again
for the same service today gets the same ticket back.

Journal: one transaction per ticket, the `issue_ticket` step around the call, then the print.
Touch actions: service, priority, group, back, retry, cancel.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import AppointmentService, NotEligibleReason, QueuePriority, WalkInTicket
from core.i18n import N_
from devices.base import DeviceError, DeviceStatus
from devices.idcard.records import CardKind
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, Receipt, Title
from flows.appointment import SERVICE_KEYS
from flows.appointment_booking import SERVICE_ORDER
from flows.common_steps import (
    HALL_TIMEZONE,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    age_on,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, Tick, Touch
from flows.journal import TxnStatus

log = logging.getLogger(__name__)

FLOW_NAME = "queue_ticket"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID, CardKind.RESIDENCE_PERMIT})
ISSUE_STEP = "issue_ticket"
ELDERLY_AGE = 60  # the back end's rule too (backend/handlers/queue.py)
GROUPS = (QueuePriority.ELDERLY, QueuePriority.DISABLED, QueuePriority.PREGNANT, QueuePriority.URGENT)
GROUP_KEYS = {QueuePriority.NONE: N_("queue.group.none"), QueuePriority.ELDERLY: N_("queue.group.elderly"),
              QueuePriority.DISABLED: N_("queue.group.disabled"), QueuePriority.PREGNANT: N_("queue.group.pregnant"),
              QueuePriority.URGENT: N_("queue.group.urgent")}
# What each declared group is told to have ready at the counter.
GROUP_NOTES = {QueuePriority.ELDERLY: N_("queue.group_note.elderly"),
               QueuePriority.DISABLED: N_("queue.group_note.disabled"),
               QueuePriority.PREGNANT: N_("queue.group_note.pregnant"),
               QueuePriority.URGENT: N_("queue.group_note.urgent")}
MSG_NOT_ELDERLY = N_("queue.error.not_elderly")
MSG_UNDER_60 = N_("queue.group_detail.under_60")


class QueueState(enum.Enum):
    CHOOSE = "choose"                  # the services, and "priority" for the priority groups
    CARD = "card"
    FACE = "face"
    GROUP = "group"
    SERVICE = "service"                # the service, after the group
    BACKEND_FAILED = "backend_failed"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"
    NO_PAPER = "no_paper"              # nothing issued: the printer cannot give a ticket
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = QueueState


class QueueTicketFlow(GatedIdentity, Flow[QueueState]):
    name = FLOW_NAME
    STEPS = 3
    TRANSITIONS: ClassVar[Mapping[QueueState, frozenset[QueueState]]] = {
        S.CHOOSE: frozenset({S.CARD, S.GROUP, S.PRINTING, S.BACKEND_FAILED, S.NO_PAPER, S.CANCELLED}),
        S.CARD: frozenset({S.FACE, S.GROUP, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.GROUP, S.REFUSED, S.CANCELLED}),
        S.GROUP: frozenset({S.SERVICE, S.CANCELLED}),
        S.SERVICE: frozenset({S.GROUP, S.PRINTING, S.BACKEND_FAILED, S.NO_PAPER, S.CANCELLED}),
        S.BACKEND_FAILED: frozenset({S.PRINTING, S.GROUP, S.CHOOSE, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.DONE_NOT_PRINTED}),
        **{state: frozenset() for state in (S.DONE, S.DONE_NOT_PRINTED, S.NO_PAPER, S.REFUSED, S.CANCELLED)},
    }
    VIEWS: ClassVar[Mapping[QueueState, tuple[int, str]]] = {
        S.CHOOSE: (1, N_("queue.choose")), S.CARD: (1, N_("queue.place_id_card")),
        S.FACE: (1, N_("queue.look_at_camera")), S.GROUP: (2, N_("queue.group")),
        S.SERVICE: (2, N_("queue.service")), S.BACKEND_FAILED: (2, N_("queue.backend_failed")),
        S.PRINTING: (3, N_("queue.printing")), S.DONE: (3, N_("queue.done")),
        S.DONE_NOT_PRINTED: (3, N_("queue.done_not_printed")), S.NO_PAPER: (0, N_("queue.no_paper")),
        S.REFUSED: (0, N_("queue.refused")), S.CANCELLED: (0, N_("queue.cancelled")),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.CHOOSE, ctx.now)
        self.ctx = ctx
        self.day = today  # the day ages are counted on (None: the kiosk's date)
        self.gate: IdentityGate | None = None
        self._tries_left = 0
        self.priority = QueuePriority.NONE
        self.service: AppointmentService | None = None
        self.ticket: WalkInTicket | None = None
        self.txn_id: str | None = None

    @property
    def today(self) -> dt.date:
        return self.day or dt.datetime.now(HALL_TIMEZONE).date()

    @property
    def age(self) -> int | None:
        person = self.gate.person if self.gate is not None else None
        return age_on(person.card.birth_date, self.today) if person is not None else None

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if self.state in (S.CARD, S.FACE) and isinstance(event, (Tick, CardInserted)):
            self._poll_identity()
        elif isinstance(event, Touch) and event.action in self.actions():
            self._on_touch(event.action, event.value)

    def _on_touch(self, action: str, value: Any) -> None:
        if action == "priority":
            self.gate = IdentityGate(self.ctx, SERVED_KINDS, self.day)
            if self.gate.outcome is GateOutcome.DONE:  # identified earlier in this visit
                self._identity_done()
            else:
                self.go(S.CARD)
        elif action == "group":
            self._on_group(value)
        elif action == "service":
            self._on_service(value)
        elif action == "back":
            self.go(S.GROUP)
        elif action == "retry" and self.service is not None:
            self._issue()

    def on_cancel(self, reason: str) -> None:
        if self.state is S.PRINTING:
            return
        if self.txn_id is not None:  # the back end may have issued it: recovery looks
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"left: {reason}")
            self.txn_id = None
        self.go(S.CANCELLED)

    def _identity_done(self) -> None:
        self.go(S.GROUP)

    def _on_group(self, value: Any) -> None:
        try:
            group = QueuePriority(str(value))
        except ValueError:
            return
        if group not in GROUPS or (group is QueuePriority.ELDERLY and not self._elderly()):
            self._stay(MSG_NOT_ELDERLY if group is QueuePriority.ELDERLY else None)
            return
        self.priority = group
        self.go(S.SERVICE)

    def _elderly(self) -> bool:
        return self.age is not None and self.age >= ELDERLY_AGE

    def _on_service(self, value: Any) -> None:
        try:
            self.service = AppointmentService(str(value))
        except ValueError:
            return
        self._issue()

    # ----- the ticket -----
    def _printer_can_print(self) -> bool:
        try:
            return self.ctx.printer().status() not in (DeviceStatus.NO_PAPER, DeviceStatus.COVER_OPEN,
                                                       DeviceStatus.DISCONNECTED, DeviceStatus.ERROR)
        except DeviceError:
            return False

    def _issue(self) -> None:
        service = self.service
        assert service is not None
        if self.txn_id is None:
            if not self._printer_can_print():  # no number taken that no one could hold
                log.warning("queue: the printer cannot print; no ticket issued")
                self.go(S.NO_PAPER)
                return
            self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"service": service.value,
                                                                        "priority": self.priority.value})
        person = self.gate.person if self.gate is not None else None
        request_id = self.ctx.journal.before(self.txn_id, ISSUE_STEP)
        try:
            ticket = self.ctx.backend.issue_queue_ticket(service, self.priority, request_id,
                                                         person.id_number if person is not None else None)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, ISSUE_STEP, {"reason": error.message_key})
            if error.final:
                self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"refused: {error.message_key}")
                self.txn_id = None
                elderly = isinstance(error, backend_errors.NotEligibleError) and \
                    error.reason is NotEligibleReason.NOT_ELDERLY
                target = S.GROUP if self.gate is not None else S.CHOOSE
                key = MSG_NOT_ELDERLY if elderly else error.message_key
                if target is self.state:
                    self._stay(key)
                else:
                    self.go(target, key)
            elif self.state is S.BACKEND_FAILED:
                self._stay(error.message_key)
            else:
                self.go(S.BACKEND_FAILED, error.message_key)
            return
        self.ctx.journal.after(self.txn_id, ISSUE_STEP, {"ticket": ticket.ticket_number})
        self.ticket = ticket
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._receipt(ticket))
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"ticket not printed: {problem}")
        self.go(S.DONE if problem is None else S.DONE_NOT_PRINTED, problem)

    def _receipt(self, ticket: WalkInTicket) -> Receipt:
        ctx = self.ctx
        issued = ticket.issued_at.astimezone(HALL_TIMEZONE)
        receipt = receipt_header(ctx, N_("queue.ticket.title")).add(
            Title(ticket.ticket_number),
            ChineseText(tr(ctx, SERVICE_KEYS[ticket.service]), align=Align.CENTER))
        if ticket.priority is not QueuePriority.NONE:
            receipt.add(ChineseText(tr(ctx, GROUP_KEYS[ticket.priority]), align=Align.CENTER))
        return receipt.add(
            KeyValue(tr(ctx, N_("queue.ticket.waiting")), str(ticket.waiting_ahead)),
            KeyValue(tr(ctx, N_("queue.ticket.estimate")),
                     tr(ctx, N_("queue.minutes"), minutes=ticket.estimated_wait_minutes)),
            KeyValue(tr(ctx, N_("queue.ticket.time")), issued.strftime("%Y-%m-%d %H:%M")),
            ChineseText(tr(ctx, N_("queue.ticket.hint")), align=Align.CENTER),
            Cut())

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        own = {S.CHOOSE: ("service", "priority"), S.GROUP: ("group",), S.SERVICE: ("service", "back"),
               S.BACKEND_FAILED: ("retry",)}
        if self.finished or self.state is S.PRINTING:
            return ()
        return ("cancel", *own.get(self.state, ()))

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {}
        if self.state is S.FACE:
            data["face_tries_left"] = self._tries_left
        if self.state in (S.CHOOSE, S.SERVICE):
            data["services"] = [{"value": s.value, "key": SERVICE_KEYS[s]} for s in SERVICE_ORDER]
        if self.state is S.GROUP:
            elderly = self._elderly()
            data["groups"] = [{"value": g.value, "key": GROUP_KEYS[g], "note_key": GROUP_NOTES[g],
                               "enabled": g is not QueuePriority.ELDERLY or elderly,
                               "reason_key": None if g is not QueuePriority.ELDERLY or elderly else MSG_UNDER_60}
                              for g in GROUPS]
        if self.state is S.SERVICE:
            data["group_key"] = GROUP_KEYS[self.priority]
        if self.state in (S.DONE, S.DONE_NOT_PRINTED) and self.ticket is not None:
            ticket = self.ticket
            data.update({"ticket_number": ticket.ticket_number, "service_key": SERVICE_KEYS[ticket.service],
                         "group_key": GROUP_KEYS[ticket.priority] if ticket.priority is not QueuePriority.NONE
                         else None,
                         "group_note_key": GROUP_NOTES.get(ticket.priority),
                         "waiting_ahead": ticket.waiting_ahead, "minutes": ticket.estimated_wait_minutes,
                         "receipt_printed": self.state is S.DONE})
        if self.state in (S.NO_PAPER, S.DONE_NOT_PRINTED, S.BACKEND_FAILED, S.REFUSED):
            data["counter_hint"] = counter_hint(self.ctx)
        if self.txn_id is not None:
            data["transaction"] = self.txn_id
        return data
