"""The simulation panel on screen (only when devices are simulated): buttons grouped by device."""

from __future__ import annotations

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from terminal.simulation_panel import SimulationPanel


class SimPanelView(ModalView):
    message = StringProperty("")

    def on_kv_post(self, base_widget: object) -> None:
        app = App.get_running_app()
        runtime = app.backstage.runtime
        self.panel = SimulationPanel(runtime.simulators if runtime else {},
                                     lambda: app.flow_host.model.qr_payload if app.flow_host.model else None)
        grid = self.ids.grid
        group = None
        for action in self.panel.actions():
            if action.group != group:
                group = action.group
                grid.add_widget(Factory.MaintLabel(text=f"— {group} —", bold=True))
            button = Factory.KioskButton(text=action.label, height=app.u * 90)
            button.bind(on_release=lambda _b, a=action: self._run(a))
            grid.add_widget(button)

    def _run(self, action) -> None:
        self.message = self.panel.run(action) or f"✓ {action.label}"
