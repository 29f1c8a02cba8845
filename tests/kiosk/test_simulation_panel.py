"""The simulation panel drives the real simulators: a demo card put on the reader is read by the
real driver; paper pulled is seen by the real printer driver; a scan arrives at the scanner."""

from __future__ import annotations

import pytest

from devices.base import DeviceStatus
from devices.idcard.contract import ReadOutcome
from terminal.runtime import start_runtime
from terminal.scratch import scratch_config
from terminal.simulation_panel import SimulationPanel


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    rt = start_runtime(scratch_config(tmp_path_factory.mktemp("panel")))
    yield rt
    rt.close()


def action(panel: SimulationPanel, label_part: str):
    return next(a for a in panel.actions() if label_part in a.label)


def test_demo_card_reaches_the_real_driver(runtime):
    panel = SimulationPanel(runtime.simulators, lambda: None)
    assert panel.run(action(panel, "(local_adult)")) is None
    read = runtime.devices.get("idcard").read_card()
    assert read.outcome is ReadOutcome.CARD and read.record.display_name == "张伟"
    panel.run(action(panel, "remove ID card"))


def test_paper_out_is_seen_by_the_printer_driver(runtime):
    panel = SimulationPanel(runtime.simulators, lambda: None)
    panel.run(action(panel, "paper out"))
    assert runtime.devices.get("printer").status() is DeviceStatus.NO_PAPER
    panel.run(action(panel, "paper in"))
    assert runtime.devices.get("printer").status() is DeviceStatus.READY


def test_scan_arrives_at_the_scanner(runtime):
    panel = SimulationPanel(runtime.simulators, lambda: None)
    scanner = runtime.devices.get("scanner")
    scanner.discard_pending()
    chosen = next(a for a in panel.actions() if a.group == "scanner")
    panel.run(chosen)
    scan = scanner.read_scan(timeout=2)
    assert scan is not None and scan.text in chosen.label


def test_paying_with_no_payment_waiting_is_a_message_not_a_crash(runtime):
    panel = SimulationPanel(runtime.simulators, lambda: None)
    problem = panel.run(action(panel, "pay"))
    assert problem is not None and "no payment" in problem


def test_the_last_booking_slip_is_scanned_and_a_missing_one_is_a_message(runtime):
    """Issue 20: the code of a slip booked at the kiosk, scanned as the check-in would."""
    from backend_client import models as mo
    from backend_client import new_request_id
    from devices.printer.receipt import Cut, QrCode, Receipt, Text

    panel = SimulationPanel(runtime.simulators, lambda: None)
    scan_slip = action(panel, "last booking slip")
    assert "no booking slip" in (panel.run(scan_slip) or "")  # nothing booked here yet: a message, no crash
    slots = runtime.backend.list_appointment_slots("430102198503120018", mo.AppointmentService.OTHER, "CS-MAIN")
    code = runtime.backend.book_appointment("430102198503120018", mo.AppointmentService.OTHER, "CS-MAIN",
                                            slots.slots[0].start, new_request_id()).appointment_code
    printer = runtime.simulators["printer"]
    before = len(printer.receipts)
    runtime.devices.get("printer").print_receipt(Receipt().add(Text(code), QrCode(code), Cut()))
    printer.wait_for_receipts(before + 1, 5)
    scanner = runtime.devices.get("scanner")
    scanner.discard_pending()
    assert panel.run(scan_slip) is None
    scan = scanner.read_scan(timeout=2)
    assert scan is not None and scan.text == code


def test_an_ejected_card_left_at_the_slot_is_seen_by_the_driver_until_removed(runtime):
    """Issue 14: the panel leaves the card at the opening after an eject; 'remove' takes it."""
    from devices.permit.protocol import SlotState

    panel = SimulationPanel(runtime.simulators, lambda: None)
    permit = runtime.devices.get("permit")
    panel.run(action(panel, "leave ejected card at the slot"))
    panel.run(action(panel, "permit C12345678"))
    permit.eject()
    assert permit.slot_state() == SlotState(card_present=False, at_opening=True)
    panel.run(action(panel, "remove permit"))
    assert permit.slot_state() == SlotState(card_present=False, at_opening=False)
    panel.run(action(panel, "take ejected card at once"))
