"""Taking the exit-entry ID photo at the kiosk, with a printed photo receipt (照片回执).

identity -> live preview with one guidance message per tick and an automatic countdown
capture (photo/guidance.py) -> the still is finalized to the photo spec (photo/pipeline.py)
-> shown large: use it, or retake (attempts limited by [photo] retakes_limit) -> upload
(journalled, with a request id kept across retries) -> receipt with the receipt number and
its QR code, which the counter uses to fetch the photo.

The photo never leaves the session: the JPEG is kept in the session's temporary folder and
in this flow's memory, both erased when the session is wiped. A camera that stops
delivering (unplugged) shows a device-fault message; the preview resumes by itself when
frames come back.

Touch actions: accept, retake (review); retry (upload failed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from backend_client import errors as backend_errors
from backend_client.models import PhotoReceipt
from core.i18n import N_
from core.privacy import mask_name
from devices.base import DeviceError
from devices.idcard.records import CardKind
from devices.printer.receipt import Align, ChineseText, Cut, KeyValue, QrCode, Receipt
from flows.common_steps import (
    PHOTO_RECEIPT_KEY,
    GatedIdentity,
    GateOutcome,
    IdentityGate,
    counter_hint,
    print_journalled,
    receipt_header,
    tr,
)
from flows.context import FlowContext
from flows.engine import CardInserted, Event, Flow, FlowView, Tick, Touch
from flows.journal import TxnStatus
from photo.guidance import Guidance, LiveGuide
from photo.pipeline import PhotoPipeline
from photo.spec import PhotoSettings

log = logging.getLogger(__name__)

FLOW_NAME = "id_photo"
# The back end files photos by the 18-character ID number: resident cards and residence permits.
SERVED_KINDS = frozenset({CardKind.RESIDENT_ID, CardKind.RESIDENCE_PERMIT})
# A preview without any current frame for this long (flow clock) is a camera fault, not a
# camera still starting up.
NO_FRAME_GRACE_SECONDS = 1.0
PHOTO_FILE = "id-photo.jpg"
UPLOAD_STEP = "upload"


class PhotoState(enum.Enum):
    CARD = "card"
    FACE = "face"
    LIVE = "live"
    CHECKING = "checking"
    CAMERA_FAULT = "camera_fault"
    REVIEW = "review"
    UPLOADING = "uploading"
    UPLOAD_FAILED = "upload_failed"
    PRINTING = "printing"
    DONE = "done"
    DONE_NOT_PRINTED = "done_not_printed"
    RETAKES_EXHAUSTED = "retakes_exhausted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


S = PhotoState


class IdPhotoFlow(GatedIdentity, Flow[PhotoState]):
    name = FLOW_NAME
    STEPS = 4
    # Live guidance judges one camera frame per tick: 15 a second keeps the prompt and the
    # countdown in step with the citizen's movements (the guidance takes ~10 ms a frame).
    TICK_SECONDS: ClassVar[float] = 1 / 15
    TRANSITIONS: ClassVar[Mapping[PhotoState, frozenset[PhotoState]]] = {
        S.CARD: frozenset({S.FACE, S.LIVE, S.REFUSED, S.CANCELLED}),
        S.FACE: frozenset({S.LIVE, S.REFUSED, S.CANCELLED}),
        S.LIVE: frozenset({S.CHECKING, S.CAMERA_FAULT, S.CANCELLED}),
        S.CAMERA_FAULT: frozenset({S.LIVE, S.CANCELLED}),
        S.CHECKING: frozenset({S.REVIEW, S.LIVE, S.CAMERA_FAULT, S.RETAKES_EXHAUSTED}),
        S.REVIEW: frozenset({S.UPLOADING, S.LIVE, S.CANCELLED}),
        S.UPLOADING: frozenset({S.PRINTING, S.UPLOAD_FAILED, S.REFUSED}),
        S.UPLOAD_FAILED: frozenset({S.UPLOADING, S.CANCELLED}),
        S.PRINTING: frozenset({S.DONE, S.DONE_NOT_PRINTED}),
        S.DONE: frozenset(),
        S.DONE_NOT_PRINTED: frozenset(),
        S.RETAKES_EXHAUSTED: frozenset(),
        S.REFUSED: frozenset(),
        S.CANCELLED: frozenset(),
    }
    VIEWS: ClassVar[Mapping[PhotoState, tuple[int, str]]] = {
        S.CARD: (1, N_("photo_flow.place_card")),
        S.FACE: (1, N_("photo_flow.look_at_camera")),
        S.LIVE: (2, N_("photo_flow.live")),  # replaced by the guidance of the moment
        S.CHECKING: (2, N_("photo.captured")),
        S.CAMERA_FAULT: (2, N_("photo_flow.camera_fault")),
        S.REVIEW: (3, N_("photo_flow.review")),
        S.UPLOADING: (4, N_("photo_flow.uploading")),
        S.UPLOAD_FAILED: (4, N_("photo_flow.upload_failed")),
        S.PRINTING: (4, N_("photo_flow.printing")),
        S.DONE: (4, N_("photo_flow.done")),
        S.DONE_NOT_PRINTED: (4, N_("photo_flow.done_not_printed")),
        S.RETAKES_EXHAUSTED: (0, N_("photo.retakes_exhausted")),
        S.REFUSED: (0, N_("photo_flow.refused")),
        S.CANCELLED: (0, N_("photo_flow.cancelled")),
    }

    def __init__(self, ctx: FlowContext, today: dt.date | None = None, spec_name: str | None = None) -> None:
        super().__init__(S.CARD, ctx.now)
        self.ctx = ctx
        settings = PhotoSettings.from_config(ctx.config["photo"])
        self.retakes_limit = settings.retakes_limit
        self.guide = LiveGuide.from_settings(settings, spec_name)
        self.pipeline = PhotoPipeline.from_settings(settings, spec_name)
        self.gate = IdentityGate(ctx, SERVED_KINDS, today)
        self.guidance: Guidance | None = None
        self.attempts = 0
        self.receipt: PhotoReceipt | None = None
        self.txn_id: str | None = None
        self._jpeg: bytes | None = None
        self._photo_path: Path | None = None
        self._last_frame_at: float | None = None
        self._tries_left = 0
        ctx.session.on_wipe(self._forget_photo)
        if self.gate.outcome is GateOutcome.DONE:
            self._start_live()

    # ----- events -----
    def on_event(self, event: Event) -> None:
        if isinstance(event, (Tick, CardInserted)) and self.state in (S.CARD, S.FACE):
            self._poll_identity()
        elif isinstance(event, Tick) and self.state is S.LIVE:
            self._preview()
        elif isinstance(event, Tick) and self.state is S.CAMERA_FAULT:
            self._wait_for_camera()
        elif isinstance(event, Touch):
            self._touch(event.action)

    def _touch(self, action: str) -> None:
        if action not in self.actions():
            return
        if action == "accept" or action == "retry":
            self._upload()
        elif action == "retake":
            self._forget_photo()  # the citizen turned it down: it is not kept
            self._start_live()

    # ----- identity -----
    def _identity_done(self) -> None:
        self._start_live()

    # ----- live preview and capture -----
    def _start_live(self, error_key: str | None = None) -> None:
        self.guide.reset()
        self.guidance = None
        self._last_frame_at = self.now()
        self.go(S.LIVE, error_key)

    def _latest_image(self) -> Any:
        """The newest camera picture, or None (unplugged, silent, or no camera at all)."""
        try:
            frame = self.ctx.camera().latest_frame()
        except DeviceError:
            return None
        return None if frame is None else frame.image

    def _preview(self) -> None:
        image = self._latest_image()
        now = self.now()
        if image is None:
            if self._last_frame_at is not None and now - self._last_frame_at >= NO_FRAME_GRACE_SECONDS:
                log.warning("photo: no camera picture for %.1f s", now - self._last_frame_at)
                self.go(S.CAMERA_FAULT)
            return
        self._last_frame_at = now
        self.guidance = self.guide.update(image, now)
        if self.guidance.capture:
            self._capture()
        else:
            self._stay(self.error_key)  # why the last still was refused, until the next capture

    def _capture(self) -> None:
        self.go(S.CHECKING)
        try:
            still = self.ctx.camera().capture_still()
        except DeviceError as error:
            log.warning("photo: capture failed: %s (%s)", error.message_key, error.detail)
            self.go(S.CAMERA_FAULT)
            return
        self.attempts += 1
        result = self.pipeline.finalize(still)
        if result.ok and result.jpeg is not None:
            self._keep_photo(result.jpeg)
            self.go(S.REVIEW)
        elif self.attempts >= self.retakes_limit:
            self.go(S.RETAKES_EXHAUSTED)
        else:
            self._start_live(result.message_key)

    def _wait_for_camera(self) -> None:
        if self._latest_image() is not None:
            log.info("photo: camera is back")
            self._start_live()

    def _keep_photo(self, jpeg: bytes) -> None:
        self._jpeg = jpeg
        self._photo_path = self.ctx.session.temp_dir / PHOTO_FILE
        self._photo_path.write_bytes(jpeg)

    def _forget_photo(self) -> None:
        self._jpeg = None
        if self._photo_path is not None:
            self._photo_path.unlink(missing_ok=True)
            self._photo_path = None

    # ----- upload and receipt -----
    def _upload(self) -> None:
        person = self.gate.person
        assert person is not None and self._jpeg is not None
        if self.txn_id is None:
            self.txn_id = self.ctx.journal.open_transaction(FLOW_NAME, {"bytes": len(self._jpeg)})
        self.go(S.UPLOADING)
        request_id = self.ctx.journal.before(self.txn_id, UPLOAD_STEP)
        try:
            receipt = self.ctx.backend.upload_photo(person.id_number, self._jpeg, request_id)
        except backend_errors.BackendError as error:
            self.ctx.journal.failed(self.txn_id, UPLOAD_STEP, {"reason": error.message_key})
            if error.final:
                self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"refused: {error.message_key}")
                self.go(S.REFUSED, error.message_key)
            else:
                self.go(S.UPLOAD_FAILED, error.message_key)
            return
        self.ctx.journal.after(self.txn_id, UPLOAD_STEP, {"receipt_number": receipt.receipt_number})
        self.receipt = receipt
        self.ctx.session.data[PHOTO_RECEIPT_KEY] = receipt.receipt_number
        self.go(S.PRINTING)
        problem = print_journalled(self.ctx, self.txn_id, self._receipt())
        self.ctx.journal.close_transaction(self.txn_id, TxnStatus.COMPLETED,
                                           "" if problem is None else f"receipt not printed: {problem}")
        self.go(S.DONE if problem is None else S.DONE_NOT_PRINTED, problem)

    def _receipt(self) -> Receipt:
        assert self.receipt is not None and self.gate.person is not None
        number = self.receipt.receipt_number
        receipt = receipt_header(self.ctx, N_("photo_flow.receipt.title"))
        return receipt.add(
            KeyValue(tr(self.ctx, N_("photo_flow.receipt.number")), number),
            KeyValue(tr(self.ctx, N_("photo_flow.receipt.name")), mask_name(self.gate.person.name)),
            KeyValue(tr(self.ctx, N_("photo_flow.receipt.size")),
                     f"{self.receipt.width_px} x {self.receipt.height_px} px, {self.receipt.size_bytes // 1024} KB"),
            QrCode(number),
            ChineseText(tr(self.ctx, N_("photo_flow.receipt.hint")), align=Align.CENTER),
            Cut())

    # ----- leaving -----
    def on_cancel(self, reason: str) -> None:
        if self.state in (S.CHECKING, S.UPLOADING, S.PRINTING):
            return  # under way; the flow finishes it first
        if self.txn_id is not None:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, f"left: {reason}")
        self._forget_photo()
        self.go(S.CANCELLED)


    # ----- view -----
    @property
    def retakes_left(self) -> int:
        return max(self.retakes_limit - self.attempts, 0)

    def actions(self) -> tuple[str, ...]:
        if self.state is S.REVIEW:
            return ("accept", "retake") if self.retakes_left > 0 else ("accept",)
        if self.state is S.UPLOAD_FAILED:
            return ("retry",)
        return ()

    def view(self) -> FlowView:
        """In the preview, the one instruction on screen is the guidance of the moment."""
        view = super().view()
        if self.state is S.LIVE and self.guidance is not None:
            return dataclasses.replace(view, message_key=self.guidance.message_key)
        return view

    def view_data(self) -> Mapping[str, Any]:
        if self.state is S.FACE:
            return {"face_tries_left": self._tries_left}
        if self.state is S.LIVE:
            return self._live_data()
        if self.state is S.REVIEW:
            return {"photo_path": str(self._photo_path), "attempts": self.attempts, "retakes_left": self.retakes_left}
        if self.state in (S.DONE, S.DONE_NOT_PRINTED) and self.receipt is not None:
            return {"receipt_number": self.receipt.receipt_number, "counter_hint": counter_hint(self.ctx)}
        if self.state in (S.REFUSED, S.RETAKES_EXHAUSTED, S.CAMERA_FAULT):
            return {"counter_hint": counter_hint(self.ctx)}
        return {}

    def _live_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"attempts": self.attempts, "retakes_left": self.retakes_left}
        if self.guidance is not None:
            face = self.guidance.face
            data.update(guide_state=self.guidance.state.value, seconds_left=self.guidance.seconds_left,
                        message_values=self.guidance.message_values,
                        face_box=None if face is None else [face.x, face.y, face.w, face.h])
        return data
