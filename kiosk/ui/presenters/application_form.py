"""Screens of the application form (flows/application_form.py), one per flow state.

Documents, endorsement wishes and reasons are tiles (several documents at once; one wish per
destination; one reason per document, grouped under the document). Typed details open the
kiosk's keypads as the flow's typed fields say (digits for phones and postcodes, pinyin for
Chinese names and addresses); occupation and relationship are tiles on the same page. The
review lists everything with a 'change' per section and lets the citizen correct the name in
pinyin (polyphonic characters: the readings offered, or typed in Latin letters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from backend_client.models import Destination
from core.i18n import N_
from flows import form_fields as ff
from flows.application_draft import WISHES_BY_VALUE
from flows.application_form import MSG_FIX_FIELDS
from flows.engine import FlowView
from kiosk.ui.model import Action, InputField, Option, Row, ScreenModel, Text
from kiosk.ui.presenters import generic
from kiosk.ui.presenters import parts as p
from kiosk.ui.presenters.common import literal

DESTINATION_HEADINGS = {
    Destination.HONG_KONG: N_("screen.form.endorsements_hong_kong"),
    Destination.MACAU: N_("screen.form.endorsements_macau"),
}
# The declaration a replacement reason stands for (flows/application_draft.py), shown with the tile.
STATEMENT_KEYS = {
    "lost": N_("screen.form.statement_lost"),
    "stolen": N_("screen.form.statement_stolen"),
    "damaged": N_("screen.form.statement_damaged"),
}
# Headings of the choice groups on the details page: plain, and when the citizen went on without one.
CHOICE_HEADINGS = {
    "occupation": (N_("screen.form.occupation"), N_("screen.form.occupation_missing")),
    "relationship": (N_("screen.form.relationship"), N_("screen.form.relationship_missing")),
}
SEX_KEYS = {"男": N_("screen.sex.male"), "女": N_("screen.sex.female")}
MSG_CHANGE = N_("screen.action.change")
MSG_SUBMIT = N_("screen.form.submit")
MSG_SURNAME = N_("screen.form.surname_pinyin")
MSG_GIVEN_NAME = N_("screen.form.given_name_pinyin")
MSG_SURNAME_CHOICES = N_("screen.form.surname_choices")
MSG_GIVEN_NAME_CHOICES = N_("screen.form.given_name_choices")
ROW = {
    "name": N_("screen.form.row.name"),
    "sex": N_("screen.form.row.sex"),
    "ethnicity": N_("screen.form.row.ethnicity"),
    "birth_date": N_("screen.form.row.birth_date"),
    "birth_place": N_("screen.form.row.birth_place"),
    "id_number": N_("screen.form.row.id_number"),
    "hukou_address": N_("screen.form.row.hukou_address"),
    "endorsement": N_("screen.form.row.endorsement"),
    "photo_receipt": N_("screen.form.row.photo_receipt"),
    "occupation": N_("screen.form.row.occupation"),
    "relationship": N_("screen.form.row.relationship"),
    "delivery": N_("screen.form.row.delivery"),
    "application_number": N_("screen.form.row.application_number"),
    "expected_ready_on": N_("screen.form.row.expected_ready_on"),
    "printed_qr": N_("screen.form.row.printed_qr"),
}
MSG_PRINTED_QR = N_("screen.form.printed_qr_carries_number")
MSG_NOT_GIVEN = N_("screen.form.not_given")
MSG_DRAFT_NUMBER = N_("screen.form.draft_number")  # a draft filled in online or at the form service


def present(view: FlowView) -> ScreenModel:
    build = STATES.get(view.state)
    return build(view) if build is not None else generic(view)


# ----- choosing -----
def documents(view: FlowView) -> ScreenModel:
    """The documents, and below them the number of a draft filled in before the visit (typed on
    the code keypad; scanning its QR code does the same): Touch("draft", number)."""
    chosen = set(view.data["chosen"])
    options = tuple(Option("toggle_document", value, Text(label), selected=value in chosen)
                    for value, label in view.data["choices"])
    draft = InputField("draft", Text(MSG_DRAFT_NUMBER), view.data.get("draft_number") or "", "code", "draft",
                       value_only=True, required=False)
    return p.screen(view, "choice", options=options, fields=(draft,), actions=(p.next_action(),))


def endorsements(view: FlowView) -> ScreenModel:
    """The wishes the back end offers, then those it does not, greyed, each with the rule's reason."""
    chosen = set(view.data["chosen"])
    tiles = [(value, label, None) for value, label in view.data["choices"]]
    tiles += list(view.data.get("not_offered", ()))
    order = list(WISHES_BY_VALUE)
    tiles.sort(key=lambda tile: (WISHES_BY_VALUE[tile[0]].choice.destination != Destination.HONG_KONG,
                                 tile[2] is not None, order.index(tile[0])))
    options = tuple(Option("toggle_endorsement", value, Text(label), selected=value in chosen,
                           detail=Text(reason) if reason else None, enabled=reason is None,
                           group=Text(DESTINATION_HEADINGS[WISHES_BY_VALUE[value].choice.destination]))
                    for value, label, reason in tiles)
    return p.screen(view, "choice", options=options, actions=(p.next_action(),))


def reasons(view: FlowView) -> ScreenModel:
    chosen: Mapping[str, str] = view.data["chosen"]
    options = tuple(
        Option("reason", (document, reason), Text(label), selected=chosen.get(document) == reason,
               detail=Text(STATEMENT_KEYS[reason]) if reason in STATEMENT_KEYS else None,
               group=Text(_label(ff.DOCUMENTS, document)))
        for document in view.data["documents"] for reason, label in view.data["choices"])
    return p.screen(view, "choice", options=options, actions=(p.next_action(),))


# ----- typing -----
def details(view: FlowView) -> ScreenModel:
    data = view.data
    problems = _problems_to_mark(view)
    options = (_choice_group("occupation", data["occupations"], data["occupation"], problems)
               + _choice_group("relationship", data["relationships"], data["relationship"], problems))
    return p.screen(view, "form", options=options, fields=_fields(data["fields"], problems),
                    actions=(p.next_action(),))


def delivery(view: FlowView) -> ScreenModel:
    data = view.data
    options = tuple(Option("delivery", value, Text(label), selected=value == data["delivery"])
                    for value, label in data["choices"])
    return p.screen(view, "form", options=options, fields=_fields(data["fields"], _problems_to_mark(view)),
                    actions=(p.next_action(),))


def _problems_to_mark(view: FlowView) -> Mapping[str, str]:
    """Every missing entry is marked once the citizen pressed Next on an incomplete page, not
    before (a fresh page all in red would read as a telling-off)."""
    return view.data.get("problems", {}) if view.error_key == MSG_FIX_FIELDS else {}


def _fields(rows: Iterable[Mapping[str, Any]], problems: Mapping[str, str]) -> tuple[InputField, ...]:
    """The flow's typed fields as the form screen's fields: Touch("field", (name, text)) on OK."""
    fields = []
    for row in rows:
        error_key = row["error_key"] or problems.get(row["name"])
        fields.append(InputField(row["name"], Text(row["label_key"]), row["value"], row["keypad"], "field",
                                 error=Text(error_key) if error_key else None, required=row["required"]))
    return tuple(fields)


def _choice_group(name: str, choices: Iterable[tuple[str, str]], current: str | None,
                  problems: Mapping[str, str]) -> tuple[Option, ...]:
    plain, missing = CHOICE_HEADINGS[name]
    heading = Text(missing if name in problems else plain)
    return tuple(Option(name, value, Text(label), selected=value == current, group=heading)
                 for value, label in choices)


# ----- review -----
def review(view: FlowView) -> ScreenModel:
    data = view.data
    rows = _identity_rows(data) + _document_rows(data) + _detail_rows(data) + _delivery_rows(data)
    options = (_pinyin_choices("surname", data["surname_choices"], data["surname_pinyin"], MSG_SURNAME_CHOICES)
               + _pinyin_choices("given_name", data["given_name_choices"], data["given_name_pinyin"],
                                 MSG_GIVEN_NAME_CHOICES))
    fields = (InputField("surname", Text(MSG_SURNAME), data["surname_pinyin"], "latin", "surname", value_only=True),
              InputField("given_name", Text(MSG_GIVEN_NAME), data["given_name_pinyin"], "latin", "given_name",
                         value_only=True))
    return p.screen(view, "review", rows=rows, options=options, fields=fields,
                    actions=(Action("submit", Text(MSG_SUBMIT), primary=True),))


def _pinyin_choices(part: str, choices: list[str], current: str, heading: str) -> tuple[Option, ...]:
    """Readings to pick from, only when the name has more than one (polyphonic characters)."""
    if len(choices) < 2:
        return ()
    return tuple(Option(part, choice, literal(choice), selected=choice == current, group=Text(heading))
                 for choice in choices)


def _identity_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    """What the ID card says: shown for checking, never changed here."""
    sex = data["sex"]
    return (
        Row(Text(ROW["name"]), literal(data["name"])),
        Row(Text(ROW["sex"]), Text(SEX_KEYS[sex]) if sex in SEX_KEYS else literal(sex)),
        Row(Text(ROW["ethnicity"]), literal(data["ethnicity"])),
        Row(Text(ROW["birth_date"]), literal(data["birth_date"])),
        Row(Text(ROW["birth_place"]), literal(data["birth_place"])),
        Row(Text(ROW["id_number"]), literal(data["id_number"])),
        Row(Text(ROW["hukou_address"]), literal(data["hukou_address"])),
    )


def _document_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = [Row(Text(_label(ff.DOCUMENTS, d["document"])), Text(_label(ff.REASONS, d["reason"])))
            for d in data["documents"]]
    rows += [Row(Text(ROW["endorsement"]), Text(WISHES_BY_VALUE[value].label_key)) for value in data["endorsements"]]
    if data.get("photo_receipt_number"):
        rows.append(Row(Text(ROW["photo_receipt"]), literal(data["photo_receipt_number"])))
    return _with_change(rows, "documents")


def _detail_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    typed = data["typed"]
    names = ("mobile", "current_address", "employer")
    rows = [_typed_row(name, typed) for name in names]
    rows.append(Row(Text(ROW["occupation"]), _choice_text(ff.OCCUPATIONS, data["occupation"])))
    rows += [_typed_row("emergency_name", typed),
             Row(Text(ROW["relationship"]), _choice_text(ff.RELATIONSHIPS, data["relationship"])),
             _typed_row("emergency_phone", typed)]
    if typed.get("former_name"):
        rows.append(Row(Text(N_("form.field.former_name")), literal(typed["former_name"])))
    return _with_change(rows, "details")


def _delivery_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    rows = [Row(Text(ROW["delivery"]), _choice_text(ff.DELIVERY, data["delivery"]))]
    if data["delivery"] == "post":
        rows += [_typed_row("postal_address", data["typed"]), _typed_row("postcode", data["typed"])]
    return _with_change(rows, "delivery")


def _typed_row(name: str, typed: Mapping[str, str]) -> Row:
    value = typed.get(name, "")
    return Row(Text(ff.typed_field(name).label_key), literal(value) if value else Text(MSG_NOT_GIVEN))


def _choice_text(choices: tuple[ff.Choice, ...], value: str | None) -> Text:
    return Text(_label(choices, value)) if value else Text(MSG_NOT_GIVEN)


def _with_change(rows: list[Row], section: str) -> tuple[Row, ...]:
    """One 'change' per section, on its first row: it opens that page of the form again."""
    if not rows:
        return ()
    first = rows[0]
    return (Row(first.label, first.value, Action("edit", Text(MSG_CHANGE), section)), *rows[1:])


def _label(choices: tuple[ff.Choice, ...], value: str) -> str:
    return next(c.label_key for c in choices if c.value == value)


# ----- the end -----
def _number_rows(data: Mapping[str, Any]) -> tuple[Row, ...]:
    return (Row(Text(ROW["application_number"]), literal(data["application_number"]), large=True),
            Row(Text(ROW["expected_ready_on"]), literal(data["expected_ready_on"])))


def done(view: FlowView) -> ScreenModel:
    """The number on screen, and that the QR code on the printed summary carries it."""
    return p.ended_well(view, _number_rows(view.data) + (Row(Text(ROW["printed_qr"]), Text(MSG_PRINTED_QR)),))


def done_not_printed(view: FlowView) -> ScreenModel:
    """Submitted but no summary: the number stays on screen to note, and where to go with it."""
    return p.done_not_printed(view, _number_rows(view.data))


STATES: dict[str, Callable[[FlowView], ScreenModel]] = {
    "card": p.identity_screen,
    "face": p.identity_screen,
    "documents": documents,
    "endorsements": endorsements,
    "reasons": reasons,
    "details": details,
    "delivery": delivery,
    "review": review,
    "submitting": p.working,
    "submit_failed": p.retry_problem,
    "printing": p.working,
    "done": done,
    "done_not_printed": done_not_printed,
    "refused": p.ended_badly,
    "cancelled": p.cancelled,
}
