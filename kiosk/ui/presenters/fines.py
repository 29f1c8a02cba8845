"""Traffic fines on screen (flows/fines.py), state by state.

identity -> the list: a tile per violation, the ones the kiosk may settle first (date, place,
fine, late fee, points), the others greyed with why and, once, where to go -> one violation
in detail with the amount before the citizen accepts or pays -> QR payment -> printing ->
settled (another, or done).

Place names and descriptions come from the back end in Chinese: in English the description
comes from the kiosk's code catalogue and the place is spelled in pinyin (presenters/violations.py);
everything the kiosk says around them is in the citizen's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from core.i18n import N_
from flows.engine import FlowView
from kiosk.ui.model import Action, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import pictures, violations
from kiosk.ui.presenters.common import accepts, counter_hint_text, frame, literal, money
from kiosk.ui.presenters.identity import identity_screen, refusal_screen
from kiosk.ui.presenters.payment import paying_screen, payment_failed_screen

ZERO = "0.00"
# The contract's handling of a case the kiosk may settle (flows/fines.py violation_data).
ACCEPT_AND_PAY = "ACCEPT_AND_PAY"

MSG_POINTS_LABEL = N_("screen.fines.points_label")
MSG_POINTS_IN_CYCLE = N_("screen.fines.points_in_cycle")
MSG_COUNTER_CASES = N_("screen.fines.counter_cases")
MSG_TILE_FINE = N_("screen.fines.tile_fine")
MSG_TILE_FINE_LATE = N_("screen.fines.tile_fine_late")
MSG_TILE_WARNING = N_("screen.fines.tile_warning")
MSG_I_AM_DONE = N_("screen.fines.i_am_done")
# Detail rows.
MSG_TIME = N_("screen.fines.time")
MSG_PLACE = N_("screen.fines.place")
MSG_PLATE = N_("screen.fines.plate")
MSG_OFFENCE = N_("screen.fines.offence")
MSG_POINTS = N_("screen.fines.points")
MSG_POINTS_VALUE = N_("screen.fines.points_value")
MSG_POINTS_AFTER = N_("screen.fines.points_after")
MSG_FINE = N_("screen.fines.fine")
MSG_LATE_FEE = N_("screen.fines.late_fee")
MSG_AMOUNT_DUE = N_("screen.fines.amount_due")
MSG_DECISION = N_("screen.fines.decision_number")
MSG_VIOLATION = N_("screen.fines.violation_number")
MSG_PAID = N_("screen.fines.paid")
MSG_ACCEPT_PAY = N_("screen.fines.accept_and_pay")
MSG_ACCEPT = N_("screen.fines.accept")
MSG_PAY = N_("screen.fines.pay")
MSG_ANOTHER = N_("screen.fines.another")
# "Not my car / not me" (issue 20): the appeal.
MSG_NOT_MINE = N_("screen.fines.not_mine")
MSG_APPEAL_NUMBER = N_("screen.fines.appeal_number")
MSG_APPEAL_REASON = N_("screen.fines.appeal_reason")
MSG_ANSWER_BY = N_("screen.fines.answer_by")
MSG_HELD = N_("screen.fines.held")
MSG_APPEAL_ANOTHER = N_("screen.fines.appeal_another")


def present(view: FlowView) -> ScreenModel:
    return identity_screen(view) or _BY_STATE[view.state](view)


# ----- the list -----
def _list(view: FlowView) -> ScreenModel:
    data = view.data
    if data.get("appeal_only"):
        return _appeal_list(view)
    settleable: Sequence[Mapping[str, Any]] = data.get("settleable", ())
    counter_only: Sequence[Mapping[str, Any]] = data.get("counter_only", ())
    selectable = accepts(view, "select")
    options = tuple(Option("select", v["number"], _title(v), tile_detail(v), enabled=selectable) for v in settleable)
    options += tuple(Option("select", v["number"], _title(v), Text(v.get("reason_key") or N_("fines.counter.other")),
                            enabled=False) for v in counter_only)
    rows = [Row(Text(MSG_POINTS_LABEL), Text(MSG_POINTS_IN_CYCLE, {"points": data.get("points_in_cycle", 0)}))]
    hint = counter_hint_text(data)
    if counter_only and hint is not None:
        rows.append(Row(Text(MSG_COUNTER_CASES), hint))
    # With nothing to settle here, leaving is the one thing left to do: make it the primary.
    actions = (Action("finish", Text(MSG_I_AM_DONE), primary=not settleable),) if accepts(view, "finish") else ()
    return frame(view, "choice", rows=tuple(rows), options=options, actions=actions)


def _title(violation: Mapping[str, Any]) -> Text:
    return violations.title(violation)  # the description in English from the code catalogue


def tile_detail(violation: Mapping[str, Any]) -> Text:
    """When and where, and what it costs: the fine, the late fee when there is one, the points."""
    values = {key: violation.get(key, "") for key in ("occurred_at", "place", "fine", "late_fee", "amount_due", "points")}
    values["place"] = violations.place(values["place"])  # in pinyin in English
    if violation.get("amount_due") == ZERO:
        return Text(MSG_TILE_WARNING, values)
    return Text(MSG_TILE_FINE if violation.get("late_fee") == ZERO else MSG_TILE_FINE_LATE, values)


# ----- one violation -----
def _detail(view: FlowView) -> ScreenModel:
    """The case and the amount before the citizen commits (accept records the points)."""
    violation: Mapping[str, Any] = view.data.get("violation", {})
    amount = str(violation.get("amount_due", ""))
    actions: list[Action] = []
    if accepts(view, "accept"):
        actions.append(Action("accept", Text(MSG_ACCEPT if amount == ZERO else MSG_ACCEPT_PAY, {"amount": amount}),
                              primary=True))
    if accepts(view, "pay"):
        actions.append(Action("pay", Text(MSG_PAY, {"amount": amount}), primary=True))
    if accepts(view, "appeal"):
        actions.append(Action("appeal", Text(MSG_NOT_MINE)))
    return frame(view, "review", rows=violation_rows(violation), actions=tuple(actions))


def violation_rows(v: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = [Row(Text(MSG_TIME), literal(v.get("occurred_at"))), Row(Text(MSG_PLACE), violations.place(v.get("place"))),
            Row(Text(MSG_PLATE), literal(v.get("plate"))),
            Row(Text(MSG_OFFENCE), violations.offence(v)),
            Row(Text(MSG_POINTS), _points(v)), Row(Text(MSG_FINE), money(v.get("fine", "")))]
    if v.get("late_fee") not in (None, ZERO):
        rows.append(Row(Text(MSG_LATE_FEE), money(v["late_fee"])))
    rows.append(Row(Text(MSG_AMOUNT_DUE), money(v.get("amount_due", ""))))
    if v.get("decision_number"):
        rows.append(Row(Text(MSG_DECISION), literal(v["decision_number"])))
    return tuple(rows)


def _points(v: Mapping[str, Any]) -> Text:
    """Accepting records the points: say where that leaves the driver in the 12-point cycle."""
    if v.get("handling") == ACCEPT_AND_PAY and v.get("points"):
        return Text(MSG_POINTS_AFTER, {"points": v.get("points"), "after": v.get("points_after", "")})
    return Text(MSG_POINTS_VALUE, {"points": v.get("points", 0)})


# ----- payment -----
def _paying(view: FlowView) -> ScreenModel:
    violation = view.data.get("violation", {})
    return paying_screen(view, Row(Text(MSG_VIOLATION), literal(violation.get("number"))))


def _payment_failed(view: FlowView) -> ScreenModel:
    return payment_failed_screen(view, str(view.data.get("violation", {}).get("amount_due", "")))


def _printing(view: FlowView) -> ScreenModel:
    return frame(view, "working", picture=pictures.PRINTING)  # the receipt coming out (issue 14)


# ----- settled, done -----
def _settled(view: FlowView) -> ScreenModel:
    """The case just settled; another one, or done (both buttons are the flow's)."""
    settled = view.data.get("settled") or [{}]
    actions = []
    if accepts(view, "another"):
        actions.append(Action("another", Text(MSG_ANOTHER)))
    if accepts(view, "finish"):
        actions.append(Action("finish", Text(MSG_I_AM_DONE), primary=True))
    return frame(view, "result", rows=settled_rows(settled[-1]), actions=tuple(actions), picture=pictures.TAKE_RECEIPT)


def _done(view: FlowView) -> ScreenModel:
    """Everything settled and appealed this visit (nothing, when the citizen left the list at once)."""
    rows = tuple(row for case in view.data.get("settled", ()) for row in settled_rows(case))
    rows += tuple(row for appeal in view.data.get("appeals", ()) for row in appeal_rows(appeal))
    return frame(view, "result", rows=rows)


def settled_rows(case: Mapping[str, Any]) -> tuple[Row, ...]:
    if not case:
        return ()
    rows = [Row(Text(MSG_VIOLATION), literal(case.get("violation")))]
    if case.get("decision_number"):
        rows.append(Row(Text(MSG_DECISION), literal(case["decision_number"])))
    rows.append(Row(Text(MSG_PAID), money(case.get("amount_paid", ZERO))))
    if case.get("points"):
        rows.append(Row(Text(MSG_POINTS), Text(MSG_POINTS_VALUE, {"points": case["points"]})))
    return tuple(rows)


# ----- "not my car / not me" (issue 20) -----
def _appeal_list(view: FlowView) -> ScreenModel:
    """The fine_appeal service's list: every case that can be appealed, one touch each."""
    cases: Sequence[Mapping[str, Any]] = view.data.get("appealable", ())
    options = tuple(Option("appeal", v["number"], _title(v), tile_detail(v)) for v in cases)
    actions = (Action("finish", Text(MSG_I_AM_DONE), primary=not cases),) if accepts(view, "finish") else ()
    return frame(view, "choice", options=options, actions=actions)


def _appeal(view: FlowView) -> ScreenModel:
    """The case, and the reasons as tiles: touching one makes the appeal."""
    options = tuple(Option("reason", r["value"], Text(r["key"])) for r in view.data.get("reasons", ()))
    return frame(view, "choice", rows=violation_rows(view.data.get("violation", {})), options=options)


def _appealed(view: FlowView) -> ScreenModel:
    appeals = view.data.get("appeals") or [{}]
    actions = []
    if accepts(view, "another"):
        actions.append(Action("another", Text(MSG_APPEAL_ANOTHER)))
    if accepts(view, "finish"):
        actions.append(Action("finish", Text(MSG_I_AM_DONE), primary=True))
    return frame(view, "result", rows=appeal_rows(appeals[-1]), actions=tuple(actions), picture=pictures.TAKE_RECEIPT)


def appeal_rows(appeal: Mapping[str, Any]) -> tuple[Row, ...]:
    if not appeal:
        return ()
    return (Row(Text(MSG_APPEAL_NUMBER), literal(appeal.get("appeal_number")), large=True),
            Row(Text(MSG_VIOLATION), literal(appeal.get("violation"))),
            Row(Text(MSG_APPEAL_REASON), Text(appeal.get("reason_key", ""))),
            Row(Text(MSG_ANSWER_BY), literal(appeal.get("answer_by"))),
            Row(Text(MSG_HELD), Text(N_("screen.fines.held_value"))))


def _ended(view: FlowView) -> ScreenModel:
    """No violations, or cancelled: nothing went wrong, one button to finish."""
    return frame(view, "problem" if view.error_key else "result")


def _unavailable(view: FlowView) -> ScreenModel:
    return refusal_screen(view)


_BY_STATE: Mapping[str, Callable[[FlowView], ScreenModel]] = {
    "list": _list, "detail": _detail, "paying": _paying, "payment_failed": _payment_failed,
    "printing": _printing, "settled": _settled, "done": _done, "no_violations": _ended,
    "cancelled": _ended, "unavailable": _unavailable, "appeal": _appeal, "appeal_printing": _printing,
    "appealed": _appealed,
}
