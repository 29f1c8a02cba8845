"""Self-test scenarios of the rest of the visit (issue 20): booking an appointment, a walk-in
queue ticket and the urgent path (flows/appointment_booking.py, queue_ticket.py, urgent.py).

Each plays demo citizens (backend/seed.py) and checks what a hall would check: the booking's
slip with its code, then the same booking cancelled (so the scenario can run again on a kept
back end: a second booking for the same service would be refused); a walk-in ticket and an
elderly priority ticket printed with the people ahead; the urgent information with the hall's
phone, then an urgent request giving an urgent ticket and a case number on the slip.
"""

from __future__ import annotations

from flows.demo_cards import card_for
from flows.engine import FlowView
from flows.pump import FlowPump, ScenarioFailed
from terminal.scenarios import RECEIPT_WAIT_SECONDS, identify
from terminal.simulation import printed_since

BOOKING_CITIZEN = "non_local_hukou"
BOOKING_SERVICE = "HK_MACAU_PERMIT"
BOOKING_HALL = "CS-MAIN"
ELDERLY_CITIZEN = "long_term_id"  # born 1956
URGENT_CITIZEN = "points_near_limit"


def _printed(pump: FlowPump, count_before: int, text: str) -> None:
    if printed_since(pump.simulators["printer"], count_before, text, RECEIPT_WAIT_SECONDS) is None:
        raise ScenarioFailed(f"no slip showing {text} came out of the printer")


def appointment_booking(pump: FlowPump) -> None:
    from flows.appointment_booking import AppointmentBookingFlow

    def come(first: str) -> FlowView:
        pump.ctx.session.wipe("selftest: a new visit")
        pump.simulators["idcard"].remove_card()
        pump.start(AppointmentBookingFlow)
        view = identify(pump, BOOKING_CITIZEN, first)
        return view

    try:
        pump.start(AppointmentBookingFlow)
        pump.simulators["idcard"].insert_card(card_for(BOOKING_CITIZEN))
        view = pump.tick_until(lambda v: v.state in ("service", "bookings", "refused"), "the services")
        while view.state == "bookings":  # left by an earlier run on a kept back end: cancelled first
            pump.touch("cancel_booking", view.data["bookings"][0]["code"])
            pump.touch("confirm")
            view = come("service") if len(view.data["bookings"]) == 1 else come("bookings")
        if view.state != "service":
            raise ScenarioFailed(f"booking starts in {view.state} ({view.error_key})")
        pump.touch("service", BOOKING_SERVICE)
        view = pump.touch("hall", BOOKING_HALL)
        if view.state != "day":
            raise ScenarioFailed(f"no free time at {BOOKING_HALL}: {view.state}")
        view = pump.touch("day", view.data["days"][0]["value"])
        pump.touch("time", view.data["times"][0]["value"])
        pump.touch("mobile", "13800138000")
        printed = len(pump.simulators["printer"].receipts)
        view = pump.touch("confirm")
        if view.state != "booked" or not view.data.get("text_message"):
            raise ScenarioFailed(f"booking ended in {view.state} ({view.error_key})")
        code = view.data["booking"]["code"]
        _printed(pump, printed, code)
        # The citizen comes back and cancels it (asked once more): the next run starts clean.
        view = come("bookings")
        if [b["code"] for b in view.data["bookings"]] != [code]:
            raise ScenarioFailed("the new booking is not listed when the citizen comes back")
        pump.touch("cancel_booking", code)
        view = pump.touch("confirm")
        if view.state != "booking_cancelled":
            raise ScenarioFailed(f"cancelling ended in {view.state} ({view.error_key})")
    finally:
        pump.simulators["idcard"].remove_card()


def queue_ticket(pump: FlowPump) -> None:
    from flows.queue_ticket import QueueTicketFlow

    pump.start(QueueTicketFlow)
    printed = len(pump.simulators["printer"].receipts)
    view = pump.touch("service", "PASSPORT")
    if view.state != "done":
        raise ScenarioFailed(f"walk-in ticket ended in {view.state} ({view.error_key})")
    _printed(pump, printed, view.data["ticket_number"])
    pump.start(QueueTicketFlow)
    pump.touch("priority")
    try:
        view = identify(pump, ELDERLY_CITIZEN, "group")
        if not next(g["enabled"] for g in view.data["groups"] if g["value"] == "ELDERLY"):
            raise ScenarioFailed("the elderly group is not offered to a citizen born in 1956")
        pump.touch("group", "ELDERLY")
        printed = len(pump.simulators["printer"].receipts)
        view = pump.touch("service", "ENDORSEMENT")
        if view.state != "done" or view.data.get("group_key") != "queue.group.elderly":
            raise ScenarioFailed(f"elderly ticket ended in {view.state} ({view.error_key})")
        _printed(pump, printed, view.data["ticket_number"])
    finally:
        pump.simulators["idcard"].remove_card()


def urgent(pump: FlowPump) -> None:
    from flows.urgent import UrgentFlow

    view = pump.start(UrgentFlow)
    if not view.data.get("phone") or len(view.data.get("reasons", ())) != 4:
        raise ScenarioFailed("the urgent information lacks the phone or the four cases")
    pump.touch("request")
    try:
        identify(pump, URGENT_CITIZEN, "reason")
        pump.touch("reason", "FUNERAL")
        pump.touch("service", "PASSPORT")
        pump.touch("travel", "tomorrow")
        printed = len(pump.simulators["printer"].receipts)
        view = pump.touch("confirm")
        if view.state != "done" or not view.data.get("ticket_number"):
            raise ScenarioFailed(f"urgent request ended in {view.state} ({view.error_key})")
        _printed(pump, printed, view.data["case_number"])
    finally:
        pump.simulators["idcard"].remove_card()
