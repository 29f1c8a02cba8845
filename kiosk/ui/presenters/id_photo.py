"""Screens of the ID photo (flows/id_photo.py), one per flow state.

The live preview carries the guidance of the moment as its one instruction (the flow swaps
it in, countdown seconds included); the captured photo is shown large with "Use this photo"
and, while retakes are left, "Retake", and which photo of how many the limit allows it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Row, ScreenModel, Text
from kiosk.ui.presenters import generic
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import counter_hint_row, instruction, literal

# The words the flow's instruction quotes ("touch Use this photo, or Retake").
MSG_ACCEPT = N_("screen.photo.use_photo")
MSG_RETAKE = N_("screen.photo.retake_photo")
MSG_PHOTO = N_("screen.photo.row.photo")
MSG_PHOTO_OF = N_("screen.photo.photo_of")  # "{attempt} of {limit}"
MSG_RECEIPT_NUMBER = N_("screen.photo.row.receipt_number")
MSG_PRINTED_QR = N_("screen.photo.row.printed_qr")
MSG_QR_CARRIES_NUMBER = N_("screen.photo.printed_qr_carries_number")


def present(view: FlowView) -> ScreenModel:
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


def live(view: FlowView) -> ScreenModel:
    """The mirror preview with the face outline; the guidance (and its countdown) as instruction.
    After a refused still, the banner says why until the next capture."""
    data = view.data
    return p.screen(view, "camera", instruction=instruction(view, **data.get("message_values", {})),
                    rows=_attempt_rows(data) if data.get("attempts") else ())


def review(view: FlowView) -> ScreenModel:
    """The captured photo, large: use it (the primary action, alone in the bottom bar so its
    words fit in large text), or retake while the limit allows (beside which photo this is)."""
    data = view.data
    retake = Action("retake", Text(MSG_RETAKE)) if "retake" in view.actions else None
    return p.screen(view, "camera", picture=data["photo_path"], rows=_attempt_rows(data, retake),
                    actions=(Action("accept", Text(MSG_ACCEPT), primary=True),))


def _attempt_rows(data: Mapping[str, Any], retake: Action | None = None) -> tuple[Row, ...]:
    attempts = data["attempts"]
    limit = attempts + data["retakes_left"]
    return (Row(Text(MSG_PHOTO), Text(MSG_PHOTO_OF, {"attempt": attempts, "limit": limit}), retake),)


def camera_fault(view: FlowView) -> ScreenModel:
    """No button: the preview resumes by itself when the camera is back; cancel stays."""
    return p.screen(view, "problem", rows=counter_hint_row(view.data))


def _receipt_row(data: Mapping[str, Any]) -> Row:
    return Row(Text(MSG_RECEIPT_NUMBER), literal(data["receipt_number"]), large=True)


def done(view: FlowView) -> ScreenModel:
    return p.ended_well(view, (_receipt_row(view.data), Row(Text(MSG_PRINTED_QR), Text(MSG_QR_CARRIES_NUMBER))))


def done_not_printed(view: FlowView) -> ScreenModel:
    return p.done_not_printed(view, (_receipt_row(view.data),))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "card": p.identity_screen,
    "face": p.identity_screen,
    "live": live,
    "checking": p.working,
    "camera_fault": camera_fault,
    "review": review,
    "uploading": p.working,
    "upload_failed": p.retry_problem,
    "printing": p.working,
    "done": done,
    "done_not_printed": done_not_printed,
    "retakes_exhausted": p.ended_badly,
    "refused": p.ended_badly,
    "cancelled": p.cancelled,
}
