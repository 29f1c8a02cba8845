"""The kiosk starts the simulated card terminal by default (`python main.py` builds every configured
device; [devices.card_terminal] driver = "simulator" in config/default.toml), and the simulation
panel's card actions reach the real driver the flows use."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from devices.base import DeviceStatus
from devices.card_terminal.contract import CardTransaction, DeclineReason
from terminal.runtime import Runtime, start_runtime
from terminal.scratch import scratch_config
from terminal.simulation_panel import PanelAction, SimulationPanel


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = start_runtime(scratch_config(tmp_path_factory.mktemp("card-terminal-panel")), start_fleet=False,
                       device_kinds=("card_terminal",))
    yield rt
    rt.close()


def action(panel: SimulationPanel, label_part: str) -> PanelAction:
    return next(a for a in panel.actions() if label_part in a.label)


def sale_while(runtime: Runtime, do: Callable[[], None], reference: str) -> CardTransaction:
    """Start a sale as the payment step would, then let the panel act while the terminal waits."""
    results: list[CardTransaction] = []
    worker = threading.Thread(target=lambda: results.append(runtime.devices.get("card_terminal").sale(1250, reference)))
    worker.start()
    time.sleep(0.2)
    do()
    worker.join(10)
    assert results, "the sale did not end"
    return results[0]


def test_the_kiosk_starts_the_card_terminal_simulator(runtime: Runtime) -> None:
    assert runtime.devices.states()["card_terminal"] is DeviceStatus.READY
    assert "card_terminal" in runtime.simulators
    assert {a.group for a in SimulationPanel(runtime.simulators, lambda: None).actions()} >= {"card_terminal"}


def test_inserting_a_card_from_the_panel_pays(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    txn = sale_while(runtime, lambda: panel.run(action(panel, "insert bank card")), "PANEL-1")
    assert txn.approved and txn.masked_pan.startswith("622202")


def test_a_card_without_funds_from_the_panel_is_declined(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    txn = sale_while(runtime, lambda: panel.run(action(panel, "card without funds")), "PANEL-2")
    assert txn.decline_reason is DeclineReason.INSUFFICIENT_FUNDS


def test_a_wrong_pin_from_the_panel_is_declined(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    txn = sale_while(runtime, lambda: panel.run(action(panel, "wrong PIN")), "PANEL-3")
    assert txn.decline_reason is DeclineReason.WRONG_PIN
