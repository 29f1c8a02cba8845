"""No automatic return while the permit card is still to be taken (issue 14).

When a service that uses the permit module ends, the card may still be in the slot (its eject
runs beside the end, flows/endorsement_card.py CardReturn) or lying at the slot's opening,
ejected and not taken. A module with the opening sensor says so in STATUS
(docs/protocols/permit-card.md); while it does, the finished flow says `awaiting_take` in its
view and the kiosk does not count down to home. After `[flows] take_alert_seconds` the flow
says `take_overdue` (the kiosk alerts the hall) and retracts the card when the module can.

The receipt is not watched: the ESC/POS real-time status (DLE EOT 1-4) the kiosk's printers
speak has no presenter bit (docs/hall.md says what a printer would need).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from devices.base import DeviceError

if TYPE_CHECKING:
    from flows.context import FlowContext

log = logging.getLogger(__name__)

CARD = "card"
# [flows] take_alert_seconds when a context does not set it (the shipped default)
TAKE_ALERT_SECONDS = 120.0


def uses_permit(flow: Any) -> bool:
    """The flow is a service that takes the permit card (its registry entry needs the module),
    or the evaluation step that follows one (the citizen touched Finish before taking the card)."""
    from flows.registry import FLOWS

    reference = f"{type(flow).__module__}:{type(flow).__qualname__}"
    evaluated = getattr(flow, "evaluated_service", None)  # flows/evaluation.py
    return any("permit" in entry.devices and (entry.flow == reference or entry.service_id == evaluated)
               for entry in FLOWS)


class TakeWatch:
    """Asks the permit module, at the end of a service and on each tick after it, whether the
    citizen still has the card to take; the flow puts the answer in its view."""

    def __init__(self, ctx: FlowContext, limit_seconds: float) -> None:
        self._ctx = ctx
        self._limit = limit_seconds
        self.untaken: tuple[str, ...] = ()
        self.overdue = False
        self.retracted = False
        self._since: float | None = None

    def check(self, now: float) -> bool:
        """Ask again; True when what the view says changed."""
        before = (self.untaken, self.overdue, self.retracted)
        self.untaken = self._ask()
        if self.untaken and self._since is None:
            self._since = now
        if self.untaken and not self.overdue and now - self._since >= self._limit:
            self.overdue = True
            log.warning("permit card not taken %.0f s after the service ended", now - self._since)
            self.retracted = self._retract()
            if self.retracted:
                self.untaken = ()
        if self.overdue and not self.retracted and self._slot() is None:
            self.untaken = ()  # the module cannot be asked any more: staff have been alerted
        return (self.untaken, self.overdue, self.retracted) != before

    def _permit(self) -> Any:
        try:
            return self._ctx.permit()
        except DeviceError:
            return None

    def _slot(self) -> Any:
        permit = self._permit()
        reader = getattr(permit, "slot_state", None)
        return reader() if reader is not None else None

    def _ask(self) -> tuple[str, ...]:
        state = self._slot()
        if state is None:  # busy ejecting, or not answering: as it was (at the end: to be taken)
            return self.untaken if self._since is not None else (CARD,) if self._permit() is not None else ()
        return (CARD,) if state.card_present or state.at_opening else ()

    def _retract(self) -> bool:
        retract = getattr(self._permit(), "retract", None)
        if retract is None:
            return False
        try:
            return bool(retract())
        except DeviceError as error:
            log.warning("permit card could not be retracted: %s", error)
            return False
