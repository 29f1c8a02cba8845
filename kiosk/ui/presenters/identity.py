"""The identity step on screen, the same in every service (UX.md: identity first, once).

Every flow that starts with identity (flows/common_steps.py IdentityGate) shows it the same
way, so each presenter hands these states to `identity_screen`:

- the card state ("id_card" or "card"): a device-action screen with the picture of the ID
  card on the reader; it moves on by itself when the card is read, with no button;
- the face state ("face"): the camera screen with the live preview and its face outline;
  after a comparison that did not match, the flow's retry message and the tries left;
- a refusal (the flow ended "refused"): the problem screen with the flow's sentence, the
  reason in the error banner, and where to go (the terminal's counter hint).

A reader or camera fault while waiting is the flow's error key: shown in the banner of the
same screen, which stays up (the flow retries by itself).
"""

from __future__ import annotations

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Row, ScreenModel, Text
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.common import counter_hint_row, frame

# State names the flows use for the two identity steps and for a refusal.
CARD_STATES = frozenset({"id_card", "card"})
FACE_STATES = frozenset({"face"})
REFUSED_STATES = frozenset({"refused"})

MSG_TRIES_LEFT_LABEL = N_("screen.identity.tries_left_label")
MSG_TRIES_LEFT = N_("screen.identity.tries_left")


def identity_screen(view: FlowView) -> ScreenModel | None:
    """The screen of an identity state or a refusal; None for any other state."""
    if view.state in CARD_STATES:
        return place_card_screen(view)
    if view.state in FACE_STATES:
        return face_screen(view)
    if view.state in REFUSED_STATES and view.finished:
        return refusal_screen(view)
    return None


def place_card_screen(view: FlowView) -> ScreenModel:
    """'Please place your ID card on the reader', with the picture of it; no button to press."""
    return frame(view, "device_action", picture=pictures.PLACE_ID_CARD)


def face_screen(view: FlowView) -> ScreenModel:
    """The live preview; after a failed comparison, how many tries are left."""
    rows: tuple[Row, ...] = ()
    tries = view.data.get("face_tries_left")
    if view.error_key and isinstance(tries, int) and tries > 0:
        rows = (Row(Text(MSG_TRIES_LEFT_LABEL), Text(MSG_TRIES_LEFT, {"tries": tries})),)
    return frame(view, "camera", rows=rows)


def refusal_screen(view: FlowView, *extra_rows: Row) -> ScreenModel:
    """Why the kiosk cannot go on (the banner) and where to go instead (a row)."""
    return frame(view, "problem", rows=(*extra_rows, *counter_hint_row(view.data)))
