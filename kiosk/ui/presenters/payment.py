"""The QR payment step on screen, shared by the services that take money (flows/payment.py).

Paying: the amount, the QR code, the countdown to the code's expiry and Cancel; no "I have
paid" button (UX.md): the flow moves on by itself when the back end says it is paid.
Not paid (declined, expired): what happened in the banner, the amount, and "pay again" while
the flow still allows another attempt; Cancel otherwise.

Pay by bank card (issue 21): side by side, the phone paying by the code (its picture above the
code) and the bank card (the terminal's picture above its button) while the flow offers it, the
amount and the order above both; once the card is chosen, the picture of the card going into
the terminal, the amount and the order, and Cancel (the terminal heeds it until the card is read).
"""

from __future__ import annotations

from core.i18n import N_
from flows.card_payment import MSG_PRESENT_CARD
from flows.engine import FlowView
from flows.paid_service import PAY_BY_CARD_ACTION
from kiosk.ui.model import Action, Row, ScreenModel, Text
from kiosk.ui.presenters import pictures
from kiosk.ui.presenters.common import accepts, frame, instruction, literal, money

RETRY = "retry"
MSG_PAY_AGAIN = N_("screen.payment.pay_again")
MSG_AMOUNT = N_("screen.payment.amount")
MSG_ATTEMPT_LABEL = N_("screen.payment.attempt_label")
MSG_ATTEMPT = N_("screen.payment.attempt")
MSG_PAY_BY_CARD = N_("screen.payment.pay_by_card")
MSG_ORDER = N_("screen.payment.order")


def paying_screen(view: FlowView, *rows: Row) -> ScreenModel:
    """Amount, QR code and countdown (the view's deadline is the code's expiry), and the card
    beside it; or, once the card was chosen, the card terminal's picture."""
    amount = str(view.data.get("amount", ""))
    order = (Row(Text(MSG_ORDER), literal(view.data.get("order_id"))),) if view.data.get("order_id") else ()
    if view.data.get("method") == "card":
        return frame(view, "device_action", instruction=Text(MSG_PRESENT_CARD), picture=pictures.PAY_WITH_CARD,
                     rows=(Row(Text(MSG_AMOUNT), money(amount)), *order, *rows))
    card = Action(PAY_BY_CARD_ACTION, Text(MSG_PAY_BY_CARD), primary=True) if accepts(view, PAY_BY_CARD_ACTION) \
        else None
    attempt = view.data.get("attempt")
    tries = (Row(Text(MSG_ATTEMPT_LABEL), Text(MSG_ATTEMPT, {"attempt": attempt})),) \
        if isinstance(attempt, int) and attempt > 1 else ()
    return frame(view, "payment", instruction=instruction(view, amount=amount), amount=amount,
                 qr_payload=str(view.data.get("qr", "")), picture=pictures.PAY_WITH_PHONE, rows=(*order, *rows, *tries),
                 card=card, card_picture=pictures.PAY_WITH_CARD if card is not None else "")


def payment_failed_screen(view: FlowView, amount: str, *rows: Row) -> ScreenModel:
    """The code was declined or ran out: pay again (a new code) or leave."""
    actions = (Action(RETRY, Text(MSG_PAY_AGAIN, {"amount": amount}), primary=True),) if accepts(view, RETRY) else ()
    return frame(view, "problem", rows=(Row(Text(MSG_AMOUNT), money(amount)), *rows), actions=actions)
