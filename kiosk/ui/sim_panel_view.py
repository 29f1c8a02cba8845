"""The simulation panel on screen (only when devices are simulated): buttons grouped by device."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from kiosk.ui.presenters import pictures
from terminal.simulation_panel import SimulationPanel

# The device a step's picture asks the citizen to use: the panel's group for it.
DEVICE_OF_PICTURE = {pictures.PLACE_ID_CARD: "idcard", pictures.INSERT_PERMIT: "permit",
                     pictures.SCAN_QR: "scanner", pictures.PAY_WITH_CARD: "card_terminal"}


def asked_for(model) -> str | None:
    """The panel group the screen waits on: payment while a code is shown, else by the picture."""
    if model is None:
        return None
    if model.qr_payload:
        return "payment"
    return DEVICE_OF_PICTURE.get(Path(model.picture).name) if model.picture else None


class SimPanelView(ModalView):
    message = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        app = App.get_running_app()
        runtime = app.backstage.runtime
        self.panel = SimulationPanel(runtime.simulators if runtime else {},
                                     lambda: app.flow_host.model.qr_payload if app.flow_host.model else None)
        grid = self.ids.grid
        group = None
        actions = self.panel.actions()
        groups = [action.group for action in actions]
        wanted = asked_for(app.flow_host.model if app.flow_host.active else None)
        # The device the screen asks for comes first (not below some seventy controls), and taking
        # a card away, done after every service, first in its group above the demo people.
        actions.sort(key=lambda action: (action.group != wanted, groups.index(action.group),
                                         not self._takes_card_away(action)))
        for action in actions:
            if action.group != group:
                group = action.group
                grid.add_widget(Factory.MaintLabel(text=f"— {group} —", bold=True))
            button = Factory.KioskButton(text=action.label, height=app.u * 90)
            button.bind(on_release=lambda _b, a=action: self._run(a))
            grid.add_widget(button)

    def _takes_card_away(self, action) -> bool:
        simulator = self.panel.simulators.get(action.group)
        return action.run == getattr(simulator, "remove_card", None)

    def _run(self, action) -> None:
        self.message = self.panel.run(action) or f"✓ {action.label}"
