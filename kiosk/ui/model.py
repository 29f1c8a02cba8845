"""What a flow screen shows, as plain data: the bridge between a flow's view and Kivy.

A presenter (kiosk/ui/presenters/<flow>.py) turns a FlowView into a ScreenModel; a screen
(kiosk/ui/screens/*.py + .kv) draws a ScreenModel and sends the citizen's touches back as
flow actions. Presenters import no Kivy, so every flow's screens are testable as data, and
the screens hold no business rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

# The screen kinds every flow composes its steps from (one .kv and one class each).
SCREEN_KINDS = ("device_action", "camera", "choice", "form", "review", "payment", "working",
                "result", "problem", "signature")


@dataclass(frozen=True)
class Text:
    """A message key with its placeholder values, or literal text (a name, a number)."""

    key: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    literal: str | None = None


@dataclass(frozen=True)
class Action:
    """A button: pressing it sends Touch(action, value) to the flow."""

    action: str
    label: Text
    value: Any = None
    primary: bool = False
    enabled: bool = True


@dataclass(frozen=True)
class Option:
    """One tile of a choice screen (a document, a reason, an endorsement, a violation)."""

    action: str
    value: Any
    label: Text
    detail: Text | None = None       # fee, dates, or why it cannot be chosen
    selected: bool = False
    enabled: bool = True
    group: Text | None = None        # heading shared by consecutive options (per document, per destination)


@dataclass(frozen=True)
class InputField:
    name: str
    label: Text
    value: str
    keypad: str                      # "numeric" | "pinyin" | "latin" | "code" (letters, digits, dash)
    action: str                      # Touch(action, (name, value)) when the citizen confirms it
    error: Text | None = None
    required: bool = True
    value_only: bool = False         # Touch(action, value) instead: for actions that take only the text


@dataclass(frozen=True)
class Row:
    label: Text
    value: Text
    edit: Action | None = None       # "change" next to a review row
    large: bool = False              # the number the citizen must note (ticket, application number)


@dataclass(frozen=True)
class ScreenModel:
    kind: str                        # one of SCREEN_KINDS
    instruction: Text
    step: int = 0
    steps: int = 0
    error: Text | None = None        # shown in a banner with an icon, never by colour alone
    picture: str = ""                # file under assets/images/ showing the action to do
    rows: tuple[Row, ...] = ()
    options: tuple[Option, ...] = ()
    fields: tuple[InputField, ...] = ()
    actions: tuple[Action, ...] = ()  # bottom bar; the primary one is drawn biggest
    back: Action | None = None
    deadline: float | None = None    # monotonic time a countdown ends
    amount: str = ""                 # payment: "30.00"
    qr_payload: str = ""
    card: Action | None = None       # payment: the bank card offered beside the code (issue 21)
    card_picture: str = ""           # payment: the card terminal's picture above that button
    can_cancel: bool = True
    finished: bool = False

    def __post_init__(self) -> None:
        if self.kind not in SCREEN_KINDS:
            raise ValueError(f"unknown screen kind {self.kind!r}")
