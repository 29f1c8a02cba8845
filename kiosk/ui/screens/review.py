"""Check what will be submitted: every row shown, with a 'change' per section; what may be
corrected on this screen itself (the name in pinyin) comes first, as fields and choices.

The money rows (each fee, the total, the endorsement's "other place") are drawn apart from the
details, where no scrolling hides them (review.kv); each is marked `must_show` for the layout
audit (kiosk/ui/audit.py), which reports one out of sight."""

import dataclasses

from kiosk.ui.model import Row, ScreenModel
from kiosk.ui.presenters import acceptance, endorsement, fines
from kiosk.ui.screens.device_action import fill_rows
from kiosk.ui.screens.flow_screen import FlowScreen
from kiosk.ui.screens.sections import fill_fields, fill_option_groups, scroll_to_top_on_new_page

# The label keys of the rows a citizen must see before paying.
PINNED_KEYS = frozenset({
    endorsement.MSG_FEE, endorsement.MSG_TOTAL, endorsement.MSG_ADD_DESTINATION_LABEL,
    acceptance.MSG_TOTAL,
    fines.MSG_FINE, fines.MSG_LATE_FEE, fines.MSG_AMOUNT_DUE,
})


def pinned(row: Row) -> bool:
    return row.label.key in PINNED_KEYS


class ReviewScreen(FlowScreen):
    BODY = "ReviewBody"

    def draw_content(self, model: ScreenModel, lang: str) -> None:
        editable = self.body.ids.editable
        editable.clear_widgets()
        fill_fields(editable, model.fields, lang)
        fill_option_groups(editable, model.options, lang)
        fill_rows(self.body.ids.rows, dataclasses.replace(model, rows=tuple(r for r in model.rows if not pinned(r))), lang)
        fees = self.body.ids.fees
        fill_rows(fees, dataclasses.replace(model, rows=tuple(r for r in model.rows if pinned(r))), lang)
        for row in fees.children:
            row.must_show = True
        scroll_to_top_on_new_page(self, self.body.ids.scroller, model)
