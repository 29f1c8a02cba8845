"""Before each service: what to bring and how long it usually takes (issue 14, item 5).

One table, plain data (no Kivy): for every service on the home screen, the things the citizen
needs (a message key in both catalogues, and the picture of it from assets/images/) and the
minutes the service usually takes at the kiosk. The screen that shows it (kiosk/ui/prepare.py)
comes after a service's tile is touched and before its first device step; a service started by
a card placed on the attract screen skips it (the citizen has already begun).
tests/kiosk/test_preparation.py fails when a service on the home screen has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_
from kiosk.ui.presenters import pictures


@dataclass(frozen=True)
class Thing:
    """One thing to bring: its words (a message key) and its picture ("" when none)."""

    key: str
    picture: str = ""


ID_CARD = Thing(N_("prepare.thing.id_card"), pictures.PLACE_ID_CARD)
PERMIT = Thing(N_("prepare.thing.permit"), pictures.INSERT_PERMIT)
PAY = Thing(N_("prepare.thing.pay"), pictures.PAY_WITH_PHONE)
PHOTO_RECEIPT = Thing(N_("prepare.thing.photo_receipt"), pictures.SCAN_QR)
MOBILE = Thing(N_("prepare.thing.mobile"))
APPOINTMENT_CODE = Thing(N_("prepare.thing.appointment_code"), pictures.SCAN_QR)
APPLICATION_NUMBER = Thing(N_("prepare.thing.application_number"), pictures.SCAN_QR)
PRIORITY_ID_CARD = Thing(N_("prepare.thing.priority_id_card"), pictures.PLACE_ID_CARD)
URGENT_ID_CARD = Thing(N_("prepare.thing.urgent_id_card"), pictures.PLACE_ID_CARD)
FINGERS = Thing(N_("prepare.thing.fingers"), pictures.FINGER_PLACE)


@dataclass(frozen=True)
class Preparation:
    things: tuple[Thing, ...]
    minutes: int  # what the service usually takes at the kiosk, rounded up


PREPARATIONS: dict[str, Preparation] = {
    "application_form": Preparation((ID_CARD, MOBILE), 10),
    "id_photo": Preparation((ID_CARD,), 5),
    "endorsement": Preparation((ID_CARD, PERMIT, PAY), 5),
    "traffic_fines": Preparation((ID_CARD, PAY), 5),
    "fine_appeal": Preparation((ID_CARD,), 5),
    "progress": Preparation((ID_CARD, APPLICATION_NUMBER), 2),
    "appointment": Preparation((APPOINTMENT_CODE,), 2),
    "endorsement_enquiry": Preparation((ID_CARD, PERMIT), 2),
    "acceptance": Preparation((ID_CARD, PHOTO_RECEIPT, MOBILE, FINGERS, PAY), 15),
    "collection": Preparation((ID_CARD,), 3),
    "appointment_booking": Preparation((ID_CARD, MOBILE), 3),
    "queue_ticket": Preparation((PRIORITY_ID_CARD,), 1),
    "urgent": Preparation((URGENT_ID_CARD,), 3),
}

MSG_HEADING = N_("prepare.heading")
MSG_MINUTES = N_("prepare.minutes")
MSG_START = N_("prepare.start")
MSG_BACK = N_("prepare.back")


def preparation(service_id: str) -> Preparation:
    """The entry of `service_id`; KeyError names the services that have one."""
    try:
        return PREPARATIONS[service_id]
    except KeyError:
        raise KeyError(f"no 'what to bring' entry for {service_id!r}; entries: {', '.join(PREPARATIONS)}") from None
