"""The ID photo taken inside the acceptance (issue 12): the photo service's own parts (the live
guide of photo/guidance.py, the pipeline of photo/pipeline.py, UploadPhoto journalled under the
photo service's name and step) driven from the acceptance's states, so a citizen without a photo
receipt does not leave the service to get one.

One camera frame is judged per tick; the guide captures by itself when the face is right; the
pipeline finalizes the still to the photo spec or says what to change; the citizen keeps the
photo or retakes it (at most [photo] retakes_limit stills). The JPEG stays in the session's
temporary folder (the review screen shows it) and in memory, both erased when the session is
wiped; the back end's receipt number is what the application carries.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend_client import errors as backend_errors
from devices.base import DeviceError
from flows.common_steps import PHOTO_RECEIPT_KEY
from flows.context import FlowContext
from flows.id_photo import FLOW_NAME as PHOTO_FLOW_NAME
from flows.id_photo import NO_FRAME_GRACE_SECONDS, UPLOAD_STEP
from flows.journal import TxnStatus
from photo.guidance import Guidance, LiveGuide
from photo.pipeline import PhotoPipeline
from photo.spec import PhotoSettings

log = logging.getLogger(__name__)

PHOTO_FILE = "acceptance-photo.jpg"


class Shot(enum.Enum):
    """What one look at the camera gave."""

    WAITING = "waiting"  # guidance shown, no capture yet
    TAKEN = "taken"  # a still that meets the spec: the citizen reviews it
    REFUSED = "refused"  # a still that does not: `message_key` says what to change
    EXHAUSTED = "exhausted"  # no retake left
    NO_CAMERA = "no_camera"  # no picture for NO_FRAME_GRACE_SECONDS, or the capture failed


@dataclass(frozen=True)
class ShotResult:
    shot: Shot
    message_key: str | None = None


class PhotoTaker:
    def __init__(self, ctx: FlowContext) -> None:
        self.ctx = ctx
        settings = PhotoSettings.from_config(ctx.config["photo"])
        self.retakes_limit = settings.retakes_limit
        self._settings = settings
        self._guide: LiveGuide | None = None
        self._pipeline: PhotoPipeline | None = None
        self.guidance: Guidance | None = None
        self.attempts = 0
        self.txn_id: str | None = None
        self._jpeg: bytes | None = None
        self._path: Path | None = None
        self._last_frame_at: float | None = None
        ctx.session.on_wipe(self.forget)

    @property
    def retakes_left(self) -> int:
        return max(self.retakes_limit - self.attempts, 0)

    def start(self) -> None:
        """A fresh preview: the guide's countdown starts again."""
        if self._guide is None:  # built on first use: a citizen with a receipt never loads them
            self._guide = LiveGuide.from_settings(self._settings)
            self._pipeline = PhotoPipeline.from_settings(self._settings)
        self._guide.reset()
        self.guidance = None
        self._last_frame_at = self.ctx.now()

    def look(self) -> ShotResult:
        assert self._guide is not None and self._pipeline is not None, "start() first"
        image = self._latest_image()
        now = self.ctx.now()
        if image is None:
            if self._last_frame_at is not None and now - self._last_frame_at >= NO_FRAME_GRACE_SECONDS:
                return ShotResult(Shot.NO_CAMERA)
            return ShotResult(Shot.WAITING)
        self._last_frame_at = now
        self.guidance = self._guide.update(image, now)
        if not self.guidance.capture:
            return ShotResult(Shot.WAITING)
        try:
            still = self.ctx.camera().capture_still()
        except DeviceError as error:
            log.warning("acceptance photo: capture failed: %s (%s)", error.message_key, error.detail)
            return ShotResult(Shot.NO_CAMERA)
        self.attempts += 1
        result = self._pipeline.finalize(still)
        if result.ok and result.jpeg is not None:
            self._keep(result.jpeg)
            return ShotResult(Shot.TAKEN)
        if self.retakes_left <= 0:
            return ShotResult(Shot.EXHAUSTED, result.message_key)
        self.start()
        return ShotResult(Shot.REFUSED, result.message_key)

    def _latest_image(self) -> Any:
        try:
            frame = self.ctx.camera().latest_frame()
        except DeviceError:
            return None
        return None if frame is None else frame.image

    def _keep(self, jpeg: bytes) -> None:
        self._jpeg = jpeg
        self._path = self.ctx.session.temp_dir / PHOTO_FILE
        self._path.write_bytes(jpeg)

    def forget(self) -> None:
        self._jpeg = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None

    def upload(self, id_number: str) -> str:
        """UploadPhoto, journalled as the photo service journals it (one request id for every try
        of this photo); the receipt number. Raises BackendError when the back end did not take it."""
        assert self._jpeg is not None, "no photo to upload"
        journal = self.ctx.journal
        if self.txn_id is None:
            self.txn_id = journal.open_transaction(PHOTO_FLOW_NAME, {"bytes": len(self._jpeg), "within": "acceptance"})
        request_id = journal.before(self.txn_id, UPLOAD_STEP)
        try:
            receipt = self.ctx.backend.upload_photo(id_number, self._jpeg, request_id)
        except backend_errors.BackendError as error:
            journal.failed(self.txn_id, UPLOAD_STEP, {"reason": error.message_key})
            if error.final:
                self.close(f"refused: {error.message_key}")
            raise
        journal.after(self.txn_id, UPLOAD_STEP, {"receipt_number": receipt.receipt_number})
        journal.close_transaction(self.txn_id, TxnStatus.COMPLETED, "taken within the acceptance")
        self.txn_id = None
        self.ctx.session.data[PHOTO_RECEIPT_KEY] = receipt.receipt_number
        return receipt.receipt_number

    def close(self, note: str) -> None:
        """The photo is given up (the citizen left or retook it): an unfinished upload is closed."""
        if self.txn_id is not None:
            self.ctx.journal.close_transaction(self.txn_id, TxnStatus.CANCELLED, note)
            self.txn_id = None

    def live_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"attempts": self.attempts, "retakes_left": self.retakes_left}
        if self.guidance is not None:
            face = self.guidance.face
            data.update(guide_state=self.guidance.state.value, seconds_left=self.guidance.seconds_left,
                        message_values=self.guidance.message_values,
                        face_box=None if face is None else [face.x, face.y, face.w, face.h])
        return data

    def review_data(self) -> dict[str, Any]:
        return {"photo_path": str(self._path), "attempts": self.attempts, "retakes_left": self.retakes_left}
