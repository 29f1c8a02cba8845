"""Why a service cannot start right now, from the flow registry, device states and the back end.

One rule for every tile: not built -> "not offered here"; kiosk still starting -> "starting";
back end down -> "service temporarily unavailable"; a device it needs down -> which device.
The other services keep working.
"""

from __future__ import annotations

from typing import Callable, Mapping

from devices.base import DeviceStatus
from flows import registry
from kiosk.i18n import N_
from kiosk.services import REASON_NOT_BUILT, SERVICES, ServiceBoard

REASON_STARTING = N_("service.reason.starting")
REASON_BACKEND_DOWN = N_("service.reason.backend_down")
REASON_DEVICE = {
    "idcard": N_("service.reason.device.idcard"),
    "permit": N_("service.reason.device.permit"),
    "camera": N_("service.reason.device.camera"),
    "printer": N_("service.reason.device.printer"),
    "scanner": N_("service.reason.device.scanner"),
}


def reason_for(service_id: str, ready: bool, backend_up: bool | None,
               device_states: Mapping[str, DeviceStatus]) -> str | None:
    if service_id not in registry.built_services():
        return REASON_NOT_BUILT
    if not ready or backend_up is None:
        return REASON_STARTING
    if not backend_up:
        return REASON_BACKEND_DOWN
    down = registry.unusable_devices(service_id, device_states)
    if down:
        return REASON_DEVICE.get(down[0], N_("device.unavailable"))
    return None


def service_board(ready: Callable[[], bool], backend_up: Callable[[], bool | None],
                  device_states: Callable[[], Mapping[str, DeviceStatus]]) -> ServiceBoard:
    board = ServiceBoard()
    for service in SERVICES:
        board.register(service.id, lambda sid=service.id: reason_for(sid, ready(), backend_up(), device_states()))
    return board
