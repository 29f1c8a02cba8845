"""Where is my application? The progress query by application number plus identity.

identity (resident ID card + face) -> the application number, scanned from the QR code on
the form summary or typed -> the timeline in plain words: each step with its date, and one
sentence on where things stand now (when it should be ready, where to collect it, the
tracking number of the post).

The back end answers only for the applicant's own applications (number AND ID number), so
a number read off someone else's receipt tells nothing.

Touch actions: number (typed text), retry (after the back end did not answer).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import ApplicationProgress, ApplicationStatus
from core.i18n import N_
from devices.idcard.records import CardKind
from flows.common_steps import HALL_TIMEZONE, GatedIdentity, GateOutcome, IdentityGate, ScanWatcher, counter_hint
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, FlowView, Scanned, Tick, Touch

log = logging.getLogger(__name__)

FLOW_NAME = "progress"
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID})  # the application form is for citizens
# What an application number may look like (letters, digits, dashes: "AP-20250301-000042").
# Loose on purpose: a hall's back end numbers its own way; the back end decides if it exists.
APPLICATION_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{3,31}")

MSG_BAD_NUMBER = N_("progress.error.number_format")
MSG_NOT_FOUND = N_("progress.not_found")

# Each status in plain words: the step as it appears on the timeline, and the sentence that
# says where the application stands now ({date}, {place}, {tracking} filled in).
STEP_KEYS: dict[ApplicationStatus, str] = {
    ApplicationStatus.ACCEPTED: N_("progress.step.accepted"),
    ApplicationStatus.UNDER_REVIEW: N_("progress.step.under_review"),
    ApplicationStatus.APPROVED: N_("progress.step.approved"),
    ApplicationStatus.IN_PRODUCTION: N_("progress.step.in_production"),
    ApplicationStatus.READY_FOR_COLLECTION: N_("progress.step.ready_for_collection"),
    ApplicationStatus.POSTED: N_("progress.step.posted"),
    ApplicationStatus.COLLECTED: N_("progress.step.collected"),
    ApplicationStatus.REJECTED: N_("progress.step.rejected"),
}
NOW_KEYS: dict[ApplicationStatus, str] = {
    ApplicationStatus.ACCEPTED: N_("progress.now.accepted"),
    ApplicationStatus.UNDER_REVIEW: N_("progress.now.under_review"),
    ApplicationStatus.APPROVED: N_("progress.now.approved"),
    ApplicationStatus.IN_PRODUCTION: N_("progress.now.in_production"),
    ApplicationStatus.READY_FOR_COLLECTION: N_("progress.now.ready_for_collection"),
    ApplicationStatus.POSTED: N_("progress.now.posted"),
    ApplicationStatus.COLLECTED: N_("progress.now.collected"),
    ApplicationStatus.REJECTED: N_("progress.now.rejected"),
}
DOCUMENT_KEYS = {
    "PASSPORT": N_("form.document.passport"),
    "HK_MACAU_PERMIT": N_("form.document.hk_macau_permit"),
    "TAIWAN_PERMIT": N_("form.document.taiwan_permit"),
}


class ProgressState(enum.Enum):
    CARD = "card"
    FACE = "face"
    NUMBER = "number"
    QUERY_FAILED = "query_failed"
    TIMELINE = "timeline"
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = ProgressState


class ProgressFlow(GatedIdentity, Flow[ProgressState]):
    name = FLOW_NAME
    STEPS = 3
    TRANSITIONS: ClassVar[Mapping[ProgressState, frozenset[ProgressState]]] = {
        S.CARD: frozenset({S.FACE, S.NUMBER, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.NUMBER, S.REFUSED, S.CANCELLED}),
        S.NUMBER: frozenset({S.TIMELINE, S.QUERY_FAILED, S.REFUSED, S.CANCELLED}),
        S.QUERY_FAILED: frozenset({S.TIMELINE, S.NUMBER, S.CANCELLED}),
        S.TIMELINE: frozenset(),
        S.REFUSED: frozenset(),
        S.CANCELLED: frozenset(),
    }
    VIEWS: ClassVar[Mapping[ProgressState, tuple[int, str]]] = {
        S.CARD: (1, N_("progress.place_card")),
        S.FACE: (1, N_("progress.look_at_camera")),
        S.NUMBER: (2, N_("progress.scan_or_type")),
        S.QUERY_FAILED: (2, N_("progress.query_failed")),
        S.TIMELINE: (3, N_("progress.timeline")),  # replaced by the sentence for the current status
        S.REFUSED: (0, N_("progress.refused")),
        S.CANCELLED: (0, N_("progress.cancelled")),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        self.gate = IdentityGate(ctx, SERVED_KINDS, today)
        self.scans = ScanWatcher(ctx)
        self.number: str | None = None
        self.progress: ApplicationProgress | None = None
        self._tries_left = 0
        if self.gate.outcome is GateOutcome.DONE:
            self._ask_number()

    def on_cancel(self, reason: str) -> None:
        self.go(S.CANCELLED)

    def on_event(self, event: Event) -> None:
        if isinstance(event, (Tick, CardInserted)) and self.state in (S.CARD, S.FACE):
            self._poll_identity()
        elif isinstance(event, Tick) and self.state is S.NUMBER:
            self._poll_scanner()
        elif isinstance(event, Scanned) and self.state is S.NUMBER:
            self._query(event.text)
        elif isinstance(event, Touch) and event.action in self.actions():
            self._touch(event)

    def _touch(self, event: Touch) -> None:
        if event.action == "number":
            self._query(str(event.value or ""))
        elif event.action == "retry" and self.number is not None:
            self._query(self.number)

    # ----- identity -----
    def _identity_done(self) -> None:
        self._ask_number()

    # ----- the number -----
    def _ask_number(self, error_key: str | None = None) -> None:
        self.scans.start()
        self.go(S.NUMBER, error_key)

    def _poll_scanner(self) -> None:
        text, fault = self.scans.poll()
        if text is not None:
            self._query(text)
        elif fault is not None:
            self._stay(fault)

    def _query(self, text: str) -> None:
        number = text.strip().upper()
        if not APPLICATION_NUMBER.fullmatch(number):
            self._show_number_problem(MSG_BAD_NUMBER)
            return
        self.number = number
        person = self.gate.person
        assert person is not None
        try:
            self.progress = self.ctx.backend.get_application_progress(number, person.id_number)
        except backend_errors.NotFoundError:
            self._show_number_problem(MSG_NOT_FOUND)
            return
        except backend_errors.BackendError as error:
            if error.final:
                self.go(S.REFUSED, error.message_key)
            else:
                self.go(S.QUERY_FAILED, error.message_key)
            return
        log.info("progress of %s: %s", number, self.progress.status.value)
        self.go(S.TIMELINE)

    def _show_number_problem(self, key: str) -> None:
        if self.state is S.NUMBER:
            self._stay(key)
        else:
            self._ask_number(key)


    # ----- view -----
    def actions(self) -> tuple[str, ...]:
        if self.state is S.NUMBER:
            return ("number",)
        if self.state is S.QUERY_FAILED:
            return ("retry", "number")
        return ()

    def view(self) -> FlowView:
        view = super().view()
        if self.state is S.TIMELINE and self.progress is not None:
            return dataclasses.replace(view, message_key=NOW_KEYS[self.progress.status])
        return view

    def view_data(self) -> Mapping[str, Any]:
        if self.state is S.FACE:
            return {"face_tries_left": self._tries_left}
        if self.state is S.TIMELINE and self.progress is not None:
            return timeline(self.progress)
        if self.state in (S.REFUSED, S.QUERY_FAILED):
            return {"counter_hint": counter_hint(self.ctx)}
        return {}


def timeline(progress: ApplicationProgress) -> dict[str, Any]:
    """The timeline as the screen shows it: steps in order, each in plain words with its day."""
    ready = progress.expected_ready_on.isoformat() if progress.expected_ready_on else ""
    return {
        "application_number": progress.application_number,
        "status": progress.status.value,
        "documents": [DOCUMENT_KEYS.get(d.value, d.value) for d in progress.document_types],
        "steps": [{"status": step.status.value, "message_key": STEP_KEYS[step.status],
                   "day": step.at.astimezone(HALL_TIMEZONE).date().isoformat()} for step in progress.steps],
        "message_values": {"date": ready, "place": progress.collection_place or "",
                           "tracking": progress.tracking_number or ""},
    }
