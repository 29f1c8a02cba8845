"""A permit card left untaken after a service (issue 14): the hall is told, as for 'call staff'.

The kiosk does not go home while the card lies at the slot's opening (flows/take_watch.py);
after `[flows] take_alert_seconds` the flow says so and the kiosk raises the terminal alert
``card_untaken`` (terminal/alerts.py, riding the heartbeat to the hall dashboard like
``staff_call``): the service, how long, and whether the module took the card back into its
capture bin. No permit number, no name. The alert ends with the session.
"""

from __future__ import annotations

from terminal.alerts import TerminalAlerts

CARD_UNTAKEN = "card_untaken"


def untaken_detail(service: str, seconds: float, retracted: bool) -> str:
    where = "retracted into the permit module: give it back to its holder" if retracted \
        else "still at the permit slot: please go to the kiosk"
    return f"permit card not taken {seconds:.0f} s after {service or 'a service'} ended, {where}"


class TakeAlert:
    """Raised once per session when the flow says the card is overdue; cleared when it ends."""

    def __init__(self, alerts: TerminalAlerts) -> None:
        self._alerts = alerts
        self.raised = False

    def raise_for(self, service: str, seconds: float, retracted: bool) -> str:
        detail = untaken_detail(service, seconds, retracted)
        self._alerts.raise_alert(CARD_UNTAKEN, detail)
        self.raised = True
        return detail

    def clear(self) -> None:
        if self.raised:
            self._alerts.clear(CARD_UNTAKEN)
            self.raised = False
