"""Why a service cannot start right now, from the flow registry, device states and the back end.

One rule for every tile: not built -> "not offered here"; kiosk still starting (devices, journal)
-> "starting"; back end down -> "service temporarily unavailable"; a device it needs down -> which
device. A back end not asked yet does not hold a service back (its calls wait for the link).
The other services keep working.
"""

from __future__ import annotations

from typing import Callable, Mapping

from core.i18n import N_
from devices.base import DeviceStatus
from flows import registry

REASON_NOT_BUILT = N_("service.reason.not_built")

# Asks whether a built service can run now; returns None when it can, else a reason key.
AvailabilityCheck = Callable[[], "str | None"]


class ServiceBoard:
    """Answers, for each service, whether the citizen may start it and if not, why."""

    def __init__(self, checks: Mapping[str, AvailabilityCheck] | None = None) -> None:
        self._checks = dict(checks or {})

    def register(self, service_id: str, check: AvailabilityCheck) -> None:
        """A flow that is built registers its check (devices it needs, back end up)."""
        self._checks[service_id] = check

    def unavailable_reason(self, service_id: str) -> str | None:
        check = self._checks.get(service_id)
        if check is None:
            return REASON_NOT_BUILT
        return check()


REASON_STARTING = N_("service.reason.starting")
REASON_BACKEND_DOWN = N_("service.reason.backend_down")
REASON_DEVICE = {
    "idcard": N_("service.reason.device.idcard"),
    "permit": N_("service.reason.device.permit"),
    "camera": N_("service.reason.device.camera"),
    "printer": N_("service.reason.device.printer"),
    "scanner": N_("service.reason.device.scanner"),
    "fingerprint": N_("service.reason.device.fingerprint"),
    "dispenser": N_("service.reason.device.dispenser"),
    "card_terminal": N_("service.reason.device.card_terminal"),
}


def reason_for(service_id: str, ready: bool, backend_up: bool | None,
               device_states: Mapping[str, DeviceStatus]) -> str | None:
    if service_id not in registry.built_services():
        return REASON_NOT_BUILT
    if not ready:
        return REASON_STARTING
    # backend_up None: the back end has not answered yet (its link may still be opening). The service
    # is offered all the same (issue 23): it begins with a card read on a device, and its first
    # back-end call waits for the link; only a back end that did not answer greys it.
    if backend_up is False:
        return REASON_BACKEND_DOWN
    down = registry.unusable_devices(service_id, device_states)
    if down:
        return REASON_DEVICE.get(down[0], N_("device.unavailable"))
    return None


def service_board(ready: Callable[[], bool], backend_up: Callable[[], bool | None],
                  device_states: Callable[[], Mapping[str, DeviceStatus]]) -> ServiceBoard:
    board = ServiceBoard()
    for service in registry.FLOWS:
        board.register(service.service_id, lambda sid=service.service_id: reason_for(sid, ready(), backend_up(), device_states()))
    return board
