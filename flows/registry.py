"""The services the kiosk offers: service id -> title, flow class and the devices it needs.

The one list of services: the home screen draws one tile per entry, in this order, asks which
devices each needs (a tile greys when one is down), and starts the flow; the self-test
(terminal/selftest.py) has a scenario for each. Entries name the class as a "module:Class"
string, imported only when used, so drawing the tiles does not import OpenCV.

Adding a service is one `FlowEntry` line in FLOWS (and its scenario in terminal/selftest.py):
- `title_key`: the tile's message key;
- `flow`: the flow class, constructed as `cls(ctx: FlowContext)`; it starts in its first state;
- `devices`: the device kinds the flow cannot start without (devices/factory.py BUILDERS keys).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.i18n import N_
from devices.base import DeviceStatus

if TYPE_CHECKING:
    from flows.engine import Flow


@dataclass(frozen=True)
class FlowEntry:
    service_id: str
    title_key: str
    flow: str  # "module:Class"
    devices: tuple[str, ...]

    def load_flow(self) -> type[Flow]:
        return load_reference(self.flow)


FLOWS: tuple[FlowEntry, ...] = (
    FlowEntry("application_form", N_("service.application_form"),
              "flows.application_form:ApplicationFormFlow", ("idcard", "camera", "printer")),
    FlowEntry("id_photo", N_("service.id_photo"),
              "flows.id_photo:IdPhotoFlow", ("idcard", "camera", "printer")),
    FlowEntry("endorsement", N_("service.endorsement"),
              "flows.endorsement:EndorsementFlow", ("idcard", "camera", "permit", "printer")),
    FlowEntry("traffic_fines", N_("service.traffic_fines"),
              "flows.fines:FinesFlow", ("idcard", "camera", "printer")),
    # "Not my car / not me" (issue 20): the fines flow listing the cases to appeal.
    FlowEntry("fine_appeal", N_("service.fine_appeal"),
              "flows.fine_appeal:FineAppealFlow", ("idcard", "camera", "printer")),
    FlowEntry("progress", N_("service.progress"),
              "flows.progress:ProgressFlow", ("idcard", "camera", "scanner")),
    FlowEntry("appointment", N_("service.appointment"),
              "flows.appointment:AppointmentFlow", ("scanner", "printer")),
    # The list on screen is the service, the slip a copy: a printer out of paper does not grey it.
    FlowEntry("endorsement_enquiry", N_("service.endorsement_enquiry"),
              "flows.endorsement_enquiry:EndorsementEnquiryFlow", ("idcard", "camera", "permit")),
    # Self-service acceptance (issue 12): the form, photo receipt, fingerprints, signature, fees.
    FlowEntry("acceptance", N_("service.acceptance"),
              "flows.acceptance:AcceptanceFlow", ("idcard", "camera", "fingerprint", "printer")),
    # The documents are the service, the slip a copy: a printer out of paper does not grey it.
    FlowEntry("collection", N_("service.collection"),
              "flows.collection:CollectionFlow", ("idcard", "camera", "dispenser")),
    # Issue 20. A booking's code is on screen and in the text message: the printer does not grey it.
    FlowEntry("appointment_booking", N_("service.appointment_booking"),
              "flows.appointment_booking:AppointmentBookingFlow", ("idcard", "camera")),
    # The printed ticket is the service (the card is only for the priority groups).
    FlowEntry("queue_ticket", N_("service.queue_ticket"), "flows.queue_ticket:QueueTicketFlow", ("printer",)),
    # The information and the 24-hour phone need no device; the request reads the ID card.
    FlowEntry("urgent", N_("service.urgent"), "flows.urgent:UrgentFlow", ()),
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


def load_reference(reference: str) -> Any:
    """What a "module:attribute" reference names, imported only now."""
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
