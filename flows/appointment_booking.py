"""Book an appointment at the kiosk (issue 20, appointment_booking): book, cancel or move.

identity (ID card + face, once per visit) -> the citizen's bookings still to come, if any
(cancel one, move one, or make another) -> the service -> the hall -> a day of the next
working days (each with its number of free times) -> a time -> a mobile number for the text
message (optional: "no text message" is one touch) -> review -> booked: the slip with the
appointment code as a QR code, which the check-in service (flows/appointment.py) scans on the
day. Cancelling asks once more before it is done.

Branches: no free time at the hall (choose another hall, or take a walk-in ticket today); the
time taken meanwhile (SLOT_FULL: the days again, reloaded); a second booking for a service
already booked (ALREADY_BOOKED: back to the bookings, where "move" is offered); the printer out
of paper (the code stays on screen, large, to note; the text message carries it too); the back
end not answering (retry with the same request id: one booking, never two).

Journal: one transaction per booking and per cancellation, the back-end step (`book`,
`cancel_booking`) around the call, then the print step. Touch actions: cancel_booking,
move_booking, new_booking, confirm, service, hall, day, time, mobile (typed), skip, back, retry.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import AppointmentBooking, AppointmentHall, AppointmentService, AppointmentSlot
from backend_client.models import NotEligibleReason as Reason
from core.i18n import N_
from core.privacy import mask_phone
from devices.idcard.records import CardKind
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt, Text
from flows.appointment import SERVICE_KEYS
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

FLOW_NAME = "appointment_booking"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID, CardKind.RESIDENCE_PERMIT})
BOOK_STEP = "book"
CANCEL_STEP = "cancel_booking"
MOBILE = re.compile(r"1[3-9][0-9]{9}")  # the contract's MobilePhone
WEEKDAY_KEYS = (N_("booking.weekday.0"), N_("booking.weekday.1"), N_("booking.weekday.2"),  # Monday first,
                N_("booking.weekday.3"), N_("booking.weekday.4"), N_("booking.weekday.5"),  # as date.weekday()
                N_("booking.weekday.6"))
TIME_FORMAT = "%H:%M"

MSG_NO_FREE_TIME = N_("booking.error.no_free_time")
MSG_SLOT_TAKEN = N_("booking.error.slot_taken")
MSG_ALREADY_BOOKED = N_("booking.error.already_booked")
MSG_BAD_MOBILE = N_("booking.error.bad_mobile")
MSG_NOT_YOURS = N_("booking.error.not_yours")
MSG_CHECKED_IN = N_("booking.error.checked_in")
MSG_GONE = N_("booking.error.gone")
# Final refusals of a booking or a cancellation -> (the screen's sentence, the state to go back to).
REFUSALS: dict[Reason, str] = {Reason.SLOT_FULL: MSG_SLOT_TAKEN, Reason.ALREADY_BOOKED: MSG_ALREADY_BOOKED,
                               Reason.IDENTITY_MISMATCH: MSG_NOT_YOURS, Reason.ALREADY_CHECKED_IN: MSG_CHECKED_IN}
SERVICE_ORDER = (AppointmentService.PASSPORT, AppointmentService.HK_MACAU_PERMIT, AppointmentService.TAIWAN_PERMIT,
                 AppointmentService.ENDORSEMENT, AppointmentService.OTHER)


class BookingState(enum.Enum):
    CARD = "card"
    FACE = "face"
    BOOKINGS = "bookings"              # the citizen's bookings to come: cancel, move, or another
    CONFIRM_CANCEL = "confirm_cancel"
    SERVICE = "service"
    HALL = "hall"
    DAY = "day"
    NO_FREE_TIME = "no_free_time"      # the hall has no free time for the service
    TIME = "time"
    MOBILE = "mobile"
    REVIEW = "review"
    BACKEND_FAILED = "backend_failed"  # retry the same call (same request id)
    PRINTING = "printing"
    BOOKED = "booked"
    BOOKED_NOT_PRINTED = "booked_not_printed"
    BOOKING_CANCELLED = "booking_cancelled"
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = BookingState
_CHOOSING = frozenset({S.BOOKINGS, S.SERVICE, S.HALL, S.DAY, S.NO_FREE_TIME, S.TIME, S.MOBILE, S.REVIEW})


class AppointmentBookingFlow(GatedIdentity, Flow[BookingState]):
    name = FLOW_NAME
    STEPS = 5
    TRANSITIONS: ClassVar[Mapping[BookingState, frozenset[BookingState]]] = {
        S.CARD: frozenset({S.FACE, S.BOOKINGS, S.SERVICE, S.BACKEND_FAILED, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.BOOKINGS, S.SERVICE, S.BACKEND_FAILED, S.REFUSED, S.CANCELLED}),
        S.BOOKINGS: frozenset({S.CONFIRM_CANCEL, S.HALL, S.SERVICE, S.CANCELLED}),
        S.CONFIRM_CANCEL: frozenset({S.BOOKINGS, S.BOOKING_CANCELLED, S.BACKEND_FAILED, S.SERVICE, S.CANCELLED}),
        S.SERVICE: frozenset({S.BOOKINGS, S.HALL, S.CANCELLED}),
        S.HALL: frozenset({S.BOOKINGS, S.SERVICE, S.DAY, S.NO_FREE_TIME, S.BACKEND_FAILED, S.CANCELLED}),
        S.NO_FREE_TIME: frozenset({S.HALL, S.CANCELLED}),
        S.DAY: frozenset({S.HALL, S.TIME, S.CANCELLED}),
        S.TIME: frozenset({S.DAY, S.MOBILE, S.CANCELLED}),
        S.MOBILE: frozenset({S.TIME, S.REVIEW, S.CANCELLED}),
        S.REVIEW: frozenset({S.MOBILE, S.PRINTING, S.BACKEND_FAILED, S.DAY, S.NO_FREE_TIME, S.BOOKINGS,
                             S.SERVICE, S.CANCELLED}),
        S.BACKEND_FAILED: frozenset({S.BOOKINGS, S.SERVICE, S.DAY, S.NO_FREE_TIME, S.PRINTING, S.BOOKING_CANCELLED,
                                     S.BACKEND_FAILED, S.CANCELLED}),
        S.PRINTING: frozenset({S.BOOKED, S.BOOKED_NOT_PRINTED}),
        **{state: frozenset() for state in (S.BOOKED, S.BOOKED_NOT_PRINTED, S.BOOKING_CANCELLED, S.REFUSED,
                                            S.CANCELLED)},
    }
    VIEWS: ClassVar[Mapping[BookingState, tuple[int, str]]] = {
        S.CARD: (1, N_("booking.place_id_card")), S.FACE: (1, N_("booking.look_at_camera")),
        S.BOOKINGS: (2, N_("booking.bookings")), S.CONFIRM_CANCEL: (2, N_("booking.confirm_cancel")),
        S.SERVICE: (2, N_("booking.service")), S.HALL: (3, N_("booking.hall")),
        S.DAY: (3, N_("booking.day")), S.NO_FREE_TIME: (3, N_("booking.no_free_time")),
        S.TIME: (3, N_("booking.time")), S.MOBILE: (4, N_("booking.mobile")),
        S.REVIEW: (4, N_("booking.review")), S.BACKEND_FAILED: (4, N_("booking.backend_failed")),
        S.PRINTING: (5, N_("booking.printing")), S.BOOKED: (5, N_("booking.booked")),
        S.BOOKED_NOT_PRINTED: (5, N_("booking.booked_not_printed")),
        S.BOOKING_CANCELLED: (5, N_("booking.booking_cancelled")),
        S.REFUSED: (0, N_("booking.refused")), S.CANCELLED: (0, N_("booking.cancelled")),
    }

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        self.gate = IdentityGate(ctx, SERVED_KINDS)
        self._tries_left = 0
        self.halls: tuple[AppointmentHall, ...] = ()
        self.bookings: tuple[AppointmentBooking, ...] = ()
        self.slots: tuple[AppointmentSlot, ...] = ()
        self.service: AppointmentService | None = None
        self.hall: AppointmentHall | None = None
        self.day: dt.date | None = None
        self.slot: AppointmentSlot | None = None
        self.mobile: str | None = None
        self.moving: AppointmentBooking | None = None   # the booking a new time replaces
        self.chosen: AppointmentBooking | None = None   # the booking about to be cancelled
        self.result: AppointmentBooking | None = None   # booked, or cancelled
        self.txn_id: str | None = None  # the transaction under way
        self.done_txn_id: str | None = None  # the last one closed (the screen's and the tests' reference)
        self._retry: Callable[[], None] | None = None
        if self.gate.outcome is GateOutcome.DONE:
            self._identity_done()

    @property
    def id_number(self) -> str:
        person = self.gate.person
        assert person is not None
        return person.id_number

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if self.state in (S.CARD, S.FACE) and isinstance(event, (Tick, CardInserted)):
            self._poll_identity()
        elif isinstance(event, Touch) and event.action in self.actions():
            self._on_touch(event.action, event.value)

    def _on_touch(self, action: str, value: Any) -> None:
        handlers: dict[str, Callable[[Any], None]] = {
            "back": lambda _: self._back(), "retry": lambda _: self._retry_call(),
            "new_booking": lambda _: self._choose_service(), "cancel_booking": self._ask_cancel,
            "move_booking": self._start_move, "confirm": lambda _: self._confirm(),
            "service": self._on_service, "hall": self._on_hall, "day": self._on_day, "time": self._on_time,
            "mobile": self._on_mobile, "skip": lambda _: self._on_mobile(None),
        }
        handlers[action](value)

    def on_cancel(self, reason: str) -> None:
        if self.state is S.PRINTING:
            return  # the booking is made and its slip on the way
        if self.txn_id is not None:  # a call the back end may or may not have done: left for recovery
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"left: {reason}")
            self.txn_id = None
        self.go(S.CANCELLED)

    def _identity_done(self) -> None:
        self._load(self._after_first_load)

    def _after_first_load(self) -> None:
        if self.bookings:
            self.go(S.BOOKINGS)
        else:
            self._choose_service()

    # ----- back-end calls (the retry repeats the same one) -----
    def _load(self, then: Callable[[], None], service: AppointmentService | None = None,
              hall: AppointmentHall | None = None) -> None:
        def call() -> None:
            try:
                answer = self.ctx.backend.list_appointment_slots(self.id_number, service,
                                                                 hall.hall_code if hall else None)
            except backend_errors.BackendError as error:
                self._failed(error, call)
                return
            self.halls, self.bookings, self.slots = answer.halls, answer.bookings, answer.slots
            then()
        call()

    def _failed(self, error: backend_errors.BackendError, retry: Callable[[], None]) -> None:
        log.warning("booking: back end: %s (%s)", error.message_key, error.detail)
        self._retry = retry
        if self.state is S.BACKEND_FAILED:
            self._stay(error.message_key)
        else:
            self.go(S.BACKEND_FAILED, error.message_key)

    def _retry_call(self) -> None:
        if self._retry is not None:
            self._retry()

    # ----- choosing -----
    def _choose_service(self) -> None:
        self.moving = None
        if self.state is not S.SERVICE:
            self.go(S.SERVICE)

    def _on_service(self, value: Any) -> None:
        try:
            self.service = AppointmentService(str(value))
        except ValueError:
            return
        self.go(S.HALL)

    def _start_move(self, value: Any) -> None:
        booking = self._booking(value)
        if booking is None:
            return
        self.moving, self.service = booking, booking.service
        self.go(S.HALL)

    def _on_hall(self, value: Any) -> None:
        hall = next((h for h in self.halls if h.hall_code == value), None)
        if hall is None or self.service is None:
            return
        self.hall = hall
        self._load(self._show_days, self.service, hall)

    def _show_days(self, error_key: str | None = None) -> None:
        target = S.DAY if self.slots else S.NO_FREE_TIME
        if self.state is target:
            self._stay(error_key)
        else:
            self.go(target, error_key if target is S.DAY else None)

    def _on_day(self, value: Any) -> None:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return
        if day in self.days():
            self.day = day
            self.go(S.TIME)

    def _on_time(self, value: Any) -> None:
        slot = next((s for s in self.slots if s.start.isoformat() == value), None)
        if slot is not None:
            self.slot = slot
            self.go(S.MOBILE)

    def _on_mobile(self, value: Any) -> None:
        if value is None:
            self.mobile = None
        else:
            typed = re.sub(r"[\s-]", "", str(value))
            if not MOBILE.fullmatch(typed):
                self._stay(MSG_BAD_MOBILE)
                return
            self.mobile = typed
        self.go(S.REVIEW)

    def _back(self) -> None:
        targets = {S.SERVICE: S.BOOKINGS, S.HALL: S.BOOKINGS if self.moving else S.SERVICE, S.DAY: S.HALL,
                   S.NO_FREE_TIME: S.HALL, S.TIME: S.DAY, S.MOBILE: S.TIME, S.REVIEW: S.MOBILE,
                   S.CONFIRM_CANCEL: S.BOOKINGS}
        self.go(targets[self.state])

    def days(self) -> list[dt.date]:
        return sorted({local(s.start).date() for s in self.slots})

    # ----- cancelling a booking -----
    def _booking(self, code: Any) -> AppointmentBooking | None:
        return next((b for b in self.bookings if b.appointment_code == code), None)

    def _ask_cancel(self, value: Any) -> None:
        self.chosen = self._booking(value)
        if self.chosen is not None:
            self.go(S.CONFIRM_CANCEL)

    def _confirm(self) -> None:
        if self.state is S.CONFIRM_CANCEL:
            self._cancel_booking()
        else:
            self._book()

    def _cancel_booking(self) -> None:
        chosen = self.chosen
        assert chosen is not None
        self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"cancel": chosen.appointment_code})

        def call() -> None:
            assert self.txn_id is not None
            request_id = self.ctx.journal.before(self.txn_id, CANCEL_STEP)
            try:
                cancelled = self.ctx.backend.cancel_appointment(self.id_number, chosen.appointment_code, request_id)
            except backend_errors.BackendError as error:
                self.ctx.journal.failed(self.txn_id, CANCEL_STEP, {"reason": error.message_key})
                if error.final:
                    self._refused(error, call)
                else:
                    self._failed(error, call)
                return
            self.ctx.journal.after(self.txn_id, CANCEL_STEP)
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED)
            self.done_txn_id, self.txn_id, self.result = self.txn_id, None, cancelled
            log.info("booking: %s cancelled", cancelled.appointment_code)
            self.go(S.BOOKING_CANCELLED)
        call()

    # ----- booking -----
    def _book(self) -> None:
        service, hall, slot = self.service, self.hall, self.slot
        assert service is not None and hall is not None and slot is not None
        self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {
            "service": service.value, "hall": hall.hall_code, "start": slot.start.isoformat(),
            "moves": self.moving.appointment_code if self.moving else None})

        def call() -> None:
            assert self.txn_id is not None
            request_id = self.ctx.journal.before(self.txn_id, BOOK_STEP)
            try:
                booked = self.ctx.backend.book_appointment(
                    self.id_number, service, hall.hall_code, slot.start, request_id, mobile=self.mobile,
                    replaces_code=self.moving.appointment_code if self.moving else None)
            except backend_errors.BackendError as error:
                self.ctx.journal.failed(self.txn_id, BOOK_STEP, {"reason": error.message_key})
                if error.final:
                    self._refused(error, call)
                else:
                    self._failed(error, call)
                return
            self.ctx.journal.after(self.txn_id, BOOK_STEP, {"appointment": booked.appointment_code})
            self.result = booked
            self._print(booked)
        call()

    def _refused(self, error: backend_errors.BackendError, _: Callable[[], None]) -> None:
        """A final no: the transaction ends; the citizen goes back to where it can be fixed."""
        assert self.txn_id is not None
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"refused: {error.message_key}")
        self.txn_id = None
        reason = error.reason if isinstance(error, backend_errors.NotEligibleError) else None
        key = REFUSALS.get(reason, error.message_key) if reason is not None else error.message_key
        if isinstance(error, backend_errors.NotFoundError):
            key = MSG_GONE
        if reason is Reason.SLOT_FULL and self.service is not None and self.hall is not None:
            self._load(lambda: self._show_days(key), self.service, self.hall)  # the days again, as they are now
        elif reason is Reason.ALREADY_BOOKED or self.state is S.CONFIRM_CANCEL or key == MSG_GONE:
            self._load(lambda: self._to_bookings(key))
        else:
            self._to_bookings(key)

    def _to_bookings(self, key: str | None) -> None:
        target = S.BOOKINGS if self.bookings else S.SERVICE
        self.moving = None
        self.go(target, key)

    def _print(self, booked: AppointmentBooking) -> None:
        assert self.txn_id is not None
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._slip(booked))
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"slip not printed: {problem}")
        self.done_txn_id, self.txn_id = self.txn_id, None
        self.go(S.BOOKED if problem is None else S.BOOKED_NOT_PRINTED, problem)

    def _slip(self, booked: AppointmentBooking) -> Receipt:
        ctx, hall = self.ctx, self.hall
        assert hall is not None
        starts = local(booked.start)
        slip = receipt_header(ctx, N_("booking.slip.title")).add(
            Text(booked.appointment_code, align=Align.CENTER, bold=True),
            QrCode(booked.appointment_code),
            ChineseText(tr(ctx, SERVICE_KEYS[booked.service]), align=Align.CENTER),
            KeyValue(tr(ctx, N_("booking.slip.day")),
                     f"{starts.date().isoformat()} {tr(ctx, WEEKDAY_KEYS[starts.weekday()])}"),
            KeyValue(tr(ctx, N_("booking.slip.time")),
                     f"{starts.strftime(TIME_FORMAT)}-{local(booked.end).strftime(TIME_FORMAT)}"),
            ChineseText(hall.name if ctx.session.language == "zh_CN" else hall.name_en),
            ChineseText(hall.address))
        if self.mobile:
            slip.add(KeyValue(tr(ctx, N_("booking.slip.text_to")), mask_phone(self.mobile)))
        return slip.add(ChineseText(tr(ctx, N_("booking.slip.hint"))), Cut())

    # ----- the screen -----
    def actions(self) -> tuple[str, ...]:
        if self.finished or self.state is S.PRINTING:
            return ()
        return ("cancel", *self._own_actions())

    def _own_actions(self) -> tuple[str, ...]:
        return {
            S.BOOKINGS: ("cancel_booking", "move_booking", "new_booking"),
            S.CONFIRM_CANCEL: ("confirm", "back"),
            S.SERVICE: ("service", "back") if self.bookings else ("service",),
            S.HALL: ("hall", "back"), S.DAY: ("day", "back"), S.NO_FREE_TIME: ("back",),
            S.TIME: ("time", "back"), S.MOBILE: ("mobile", "skip", "back"), S.REVIEW: ("confirm", "back"),
            S.BACKEND_FAILED: ("retry",),
        }.get(self.state, ())

    def view_data(self) -> Mapping[str, Any]:
        data: dict[str, Any] = {}
        state = self.state
        if state is S.FACE:
            data["face_tries_left"] = self._tries_left
        if state is S.BOOKINGS:
            data["bookings"] = [self._booking_data(b) for b in self.bookings]
        if state is S.CONFIRM_CANCEL and self.chosen is not None:
            data["booking"] = self._booking_data(self.chosen)
        if state is S.SERVICE:
            booked = {b.service for b in self.bookings}
            data["services"] = [{"value": s.value, "key": SERVICE_KEYS[s], "booked": s in booked}
                                for s in SERVICE_ORDER]
        if state in (S.HALL, S.DAY, S.TIME, S.NO_FREE_TIME, S.MOBILE, S.REVIEW) and self.service is not None:
            data["service_key"] = SERVICE_KEYS[self.service]
        if state is S.HALL:
            data["halls"] = [hall_data(h) for h in self.halls]
        if state in (S.DAY, S.TIME, S.NO_FREE_TIME, S.REVIEW) and self.hall is not None:
            data["hall"] = hall_data(self.hall)
        if state is S.DAY:
            data["days"] = [{"value": d.isoformat(), "weekday_key": WEEKDAY_KEYS[d.weekday()],
                             "free_times": sum(local(s.start).date() == d for s in self.slots)} for d in self.days()]
        if state is S.TIME and self.day is not None:
            data["day"] = self.day.isoformat()
            data["weekday_key"] = WEEKDAY_KEYS[self.day.weekday()]
            data["times"] = [{"value": s.start.isoformat(), "time": local(s.start).strftime(TIME_FORMAT),
                              "end": local(s.end).strftime(TIME_FORMAT), "free": s.free_places}
                             for s in self.slots if local(s.start).date() == self.day]
        if state is S.REVIEW and self.slot is not None:
            data["when"] = slot_data(self.slot)
            data["mobile"] = mask_phone(self.mobile) if self.mobile else None
        if state in (S.HALL, S.REVIEW) and self.moving is not None:
            data["moving"] = self._booking_data(self.moving)
        if state in (S.BOOKED, S.BOOKED_NOT_PRINTED, S.BOOKING_CANCELLED) and self.result is not None:
            data["booking"] = self._booking_data(self.result)
            data["text_message"] = bool(self.result.text_message_recorded)
            data["receipt_printed"] = state is S.BOOKED
        if state in (S.NO_FREE_TIME, S.REFUSED, S.BACKEND_FAILED, S.BOOKED_NOT_PRINTED):
            data["counter_hint"] = counter_hint(self.ctx)
        return data

    def _booking_data(self, booking: AppointmentBooking) -> dict[str, Any]:
        hall = next((h for h in self.halls if h.hall_code == booking.hall_code), None)
        return {"code": booking.appointment_code, "service_key": SERVICE_KEYS[booking.service],
                "hall": hall_data(hall) if hall else {"code": booking.hall_code, "name": booking.hall_code,
                                                      "name_en": booking.hall_code, "address": ""},
                **slot_data(booking)}


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(HALL_TIMEZONE)


def hall_data(hall: AppointmentHall) -> dict[str, str]:
    return {"code": hall.hall_code, "name": hall.name, "name_en": hall.name_en, "address": hall.address}


def slot_data(item: AppointmentSlot | AppointmentBooking) -> dict[str, Any]:
    start = local(item.start)
    return {"day": start.date().isoformat(), "weekday_key": WEEKDAY_KEYS[start.weekday()],
            "time": start.strftime(TIME_FORMAT), "end": local(item.end).strftime(TIME_FORMAT)}
