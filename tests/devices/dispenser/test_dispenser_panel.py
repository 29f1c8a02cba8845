"""The simulation panel drives the dispenser simulator the kiosk starts by default (`python main.py`
builds every configured device; [devices.dispenser] driver = "simulator" in config/default.toml):
the real driver sees the document taken, left, or the picker jammed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.base import DeviceStatus
from devices.dispenser.contract import DispenserError, Fault, Location, TakeOutcome
from devices.dispenser.stock import DEMO_STOCK
from terminal.runtime import Runtime, start_runtime
from terminal.scratch import scratch_config
from terminal.simulation_panel import PanelAction, SimulationPanel


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = start_runtime(scratch_config(tmp_path_factory.mktemp("dispenser-panel")), start_fleet=False,
                       device_kinds=("dispenser",))
    yield rt
    rt.close()


def action(panel: SimulationPanel, label_part: str) -> PanelAction:
    return next(a for a in panel.actions() if label_part in a.label)


def test_the_kiosk_starts_the_dispenser_simulator_with_the_demo_stock(runtime: Runtime) -> None:
    dispenser = runtime.devices.get("dispenser")
    assert runtime.devices.states()["dispenser"] is DeviceStatus.READY
    assert "dispenser" in runtime.simulators
    loaded = {s.number: s.document_id for s in dispenser.slots() if s.document_id}
    assert loaded == {d.slot: d.document_id for d in DEMO_STOCK}


def test_take_and_leave_reach_the_real_driver(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    dispenser = runtime.devices.get("dispenser")
    first, second = DEMO_STOCK[0], DEMO_STOCK[1]
    dispenser.dispense(first.slot, first.document_id)
    assert panel.run(action(panel, "take the document")) is None
    assert dispenser.wait_taken(1.0) is TakeOutcome.TAKEN
    assert panel.run(action(panel, "leave it")) is None
    dispenser.dispense(second.slot, second.document_id)
    assert dispenser.wait_taken(0.3) is TakeOutcome.NOT_TAKEN
    assert dispenser.retract() == second.document_id
    assert dispenser.where_is(second.document_id).location is Location.REJECT_BIN


def test_jam_the_picker_from_the_panel(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    dispenser = runtime.devices.get("dispenser")
    panel.run(action(panel, "jam the picker"))
    assert dispenser.status() is DeviceStatus.ERROR
    with pytest.raises(DispenserError) as caught:
        dispenser.dispense(DEMO_STOCK[2].slot, DEMO_STOCK[2].document_id)
    assert caught.value.fault is Fault.JAMMED
    panel.run(action(panel, "clear the jam"))
    assert dispenser.status() is DeviceStatus.READY


def test_every_dispenser_action_runs_without_a_problem(runtime: Runtime) -> None:
    panel = SimulationPanel(runtime.simulators, lambda: None)
    actions = [a for a in panel.actions() if a.group == "dispenser"]
    assert len(actions) >= 10
    for chosen in actions:
        assert panel.run(chosen) is None, chosen.label
    assert runtime.devices.get("dispenser").status() is DeviceStatus.READY
