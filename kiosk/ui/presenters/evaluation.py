"""The evaluation step (好差评, flows/evaluation.py) on screen.

ask: the five levels as big tiles, best first, the 12345 hotline in a row, one "skip" button and
the step's countdown; reasons: the level chosen, a tile per reason (ticked ones marked), the
optional comment on the pinyin keypad, "send" and "skip"; the end: thanks (or nothing to say)
until home comes by itself.
"""

from __future__ import annotations

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, InputField, Option, Row, ScreenModel, Text
from kiosk.ui.presenters.common import frame, literal

MSG_HOTLINE = N_("screen.evaluation.hotline")
MSG_LEVEL = N_("screen.evaluation.level")
MSG_COMMENT = N_("screen.evaluation.comment")
MSG_SKIP = N_("evaluation.skip")
MSG_SEND = N_("evaluation.send")


def present(view: FlowView) -> ScreenModel:
    data = view.data
    hotline = Row(Text(MSG_HOTLINE), literal(data.get("hotline", "")))
    skip = Action("skip", Text(MSG_SKIP))
    if view.state == "ask":
        options = tuple(Option("level", level["value"], Text(level["key"])) for level in data.get("levels", ()))
        return frame(view, "choice", rows=(hotline,), options=options, actions=(skip,), can_cancel=False)
    if view.state == "reasons":
        level = data.get("level") or {}
        options = tuple(Option("reason", r["value"], Text(r["key"]), selected=r["selected"])
                        for r in data.get("reasons", ()))
        comment = InputField("comment", Text(MSG_COMMENT), data.get("comment", ""), "pinyin", "comment",
                             required=False, value_only=True)
        return frame(view, "form", rows=(Row(Text(MSG_LEVEL), Text(level.get("key", ""))), hotline),
                     options=options, fields=(comment,), can_cancel=False,
                     actions=(Action("send", Text(MSG_SEND), primary=True), skip))
    return frame(view, "result", rows=(hotline,), can_cancel=False)
