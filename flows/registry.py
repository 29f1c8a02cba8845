"""Which services are built: service id -> flow class, the devices it needs, its self-test scenario.

The home screen asks this table which tiles are live and which devices each one needs;
`python main.py selftest` runs every entry's scenario. Entries name the class and the
scenario as "module:attribute" strings, imported only when used, so drawing six tiles does
not import OpenCV.

Adding a service is one `FlowEntry` line in FLOWS (each engineer edits only their own lines):
- `flow`: the flow class, constructed as `cls(ctx: FlowContext)`; it starts in its first state.
- `devices`: the device kinds the flow cannot start without (devices/factory.py BUILDERS keys).
- `scenario`: a function `scenario(driver: flows.selftest.FlowDriver) -> None` that drives the
  flow end to end on the simulators and the demo data (backend/seed.py), and raises
  `flows.selftest.ScenarioFailed` (or AssertionError) when it does not end as it should.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.base import DeviceStatus

if TYPE_CHECKING:
    from flows.engine import Flow
    from flows.selftest import FlowDriver


@dataclass(frozen=True)
class FlowEntry:
    service_id: str  # as in kiosk/services.py SERVICES
    flow: str  # "module:Class"
    devices: tuple[str, ...]
    scenario: str  # "module:function"

    def load_flow(self) -> type[Flow]:
        return _load(self.flow)

    def load_scenario(self) -> Callable[[FlowDriver], None]:
        return _load(self.scenario)


FLOWS: tuple[FlowEntry, ...] = (
    FlowEntry("application_form", "flows.application_form:ApplicationFormFlow",
              ("idcard", "camera", "printer"), "flows.scenarios:application_form"),
    FlowEntry("id_photo", "flows.id_photo:IdPhotoFlow",
              ("idcard", "camera", "printer"), "flows.scenarios:id_photo"),
    FlowEntry("progress", "flows.progress:ProgressFlow",
              ("idcard", "camera", "scanner"), "flows.scenarios:progress"),
    FlowEntry("appointment", "flows.appointment:AppointmentFlow",
              ("scanner", "printer"), "flows.scenarios:appointment"),
    FlowEntry("endorsement", "flows.endorsement:EndorsementFlow",
              ("idcard", "camera", "permit", "printer"), "flows.scenarios_payments:endorsement"),
    FlowEntry("traffic_fines", "flows.fines:FinesFlow",
              ("idcard", "camera", "printer"), "flows.scenarios_payments:traffic_fines"),
)


def entry(service_id: str) -> FlowEntry:
    """The entry of a built service; KeyError names the built ones."""
    for candidate in FLOWS:
        if candidate.service_id == service_id:
            return candidate
    raise KeyError(f"service {service_id!r} is not built; built: {', '.join(built_services())}")


def built_services() -> tuple[str, ...]:
    return tuple(e.service_id for e in FLOWS)


def unusable_devices(service_id: str, states: Mapping[str, DeviceStatus]) -> tuple[str, ...]:
    """The devices `service_id` needs that are missing or not usable now (home screen: grey the
    tile and say which). `states` is the device manager's kind -> status."""
    needed = entry(service_id).devices
    return tuple(kind for kind in needed if kind not in states or not states[kind].usable)


def _load(reference: str) -> Any:
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
