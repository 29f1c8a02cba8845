"""The text-message consent (flows/notices.py) on a screen that asks for a mobile number: a tile
to tick (off by default) and, once ticked, the number on the digit keypad; after filing, one row
saying whether the texts were set up. For the presenters of flows that plug the piece in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.i18n import N_
from kiosk.ui.model import InputField, Option, Row, Text

MSG_TEXT_MESSAGES = N_("screen.notices.text_messages")


def consent_option(notices: Mapping[str, Any]) -> Option:
    return Option("notices_consent", True, Text(notices["label_key"]), selected=bool(notices.get("ticked")))


def mobile_field(notices: Mapping[str, Any]) -> tuple[InputField, ...]:
    if not notices.get("ticked"):
        return ()
    return (InputField("notices_mobile", Text(notices["mobile_key"]), notices.get("mobile", ""), "numeric",
                       "notices_mobile", value_only=True),)


def outcome_row(outcome: Mapping[str, Any]) -> tuple[Row, ...]:
    if not outcome:
        return ()
    return (Row(Text(MSG_TEXT_MESSAGES), Text(outcome["message_key"], {"mobile": outcome.get("masked_mobile", "")})),)
