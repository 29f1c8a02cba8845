"""The six services the home screen offers, and why one may be unavailable right now.

A service is offered when its flow is built, the devices it needs are ready and the back end
answers. An unavailable service is shown greyed with a one-line reason, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from kiosk.i18n import N_


@dataclass(frozen=True)
class Service:
    id: str
    title_key: str
    icon: str  # file name under assets/images/


SERVICES: tuple[Service, ...] = (
    Service("application_form", N_("service.application_form"), "form.png"),
    Service("id_photo", N_("service.id_photo"), "photo.png"),
    Service("endorsement", N_("service.endorsement"), "endorsement.png"),
    Service("traffic_fines", N_("service.traffic_fines"), "fines.png"),
    Service("progress", N_("service.progress"), "progress.png"),
    Service("appointment", N_("service.appointment"), "appointment.png"),
)

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
