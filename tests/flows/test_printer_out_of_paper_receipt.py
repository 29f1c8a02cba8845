"""The printer runs out of paper at the end: what was done stays done (the application is
submitted, the photo uploaded, the citizen checked in), the screen shows the number that was
to be printed and says where to go, and the journal records the unprinted receipt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend import seed
from devices.printer.status import PaperLevel
from flows.appointment import AppointmentFlow
from flows.id_photo import IdPhotoFlow
from flows.journal import Phase, TxnStatus
from terminal.scenarios import fill_application_form, identify


@pytest.fixture()
def no_paper(runtime) -> Iterator[None]:
    printer = runtime.simulators["printer"]
    printer.set_paper(PaperLevel.OUT)
    yield
    printer.set_paper(PaperLevel.PRESENT)


def test_form_submitted_but_summary_not_printed(pump, runtime, no_paper) -> None:
    fill_application_form(pump, "non_local_hukou")
    printed = len(runtime.simulators["printer"].receipts)

    view = pump.touch("submit")

    assert (view.state, view.error_key) == ("done_not_printed", "printer.no_paper")
    assert view.message_key == "form.done_not_printed" and view.finished
    number = view.data["application_number"]
    assert number and view.data["counter_hint"]["zh_CN"] == runtime.config["terminal"]["counter_hint_zh"]
    assert len(runtime.simulators["printer"].receipts) == printed
    progress = runtime.backend.get_application_progress(number, seed.person("non_local_hukou").id_number)
    assert progress.application_number == number  # submitted all the same
    record = runtime.journal.get(pump.flow.txn_id)
    assert record.status is TxnStatus.COMPLETED and "printer.no_paper" in record.note
    assert record.last("print").phase is Phase.FAILED


def test_photo_uploaded_but_receipt_not_printed(pump, runtime, no_paper) -> None:
    pump.start(IdPhotoFlow)
    identify(pump, "local_adult", "review")
    view = pump.touch("accept")
    assert (view.state, view.error_key) == ("done_not_printed", "printer.no_paper")
    assert view.data["receipt_number"].startswith("PH-")


def test_checked_in_but_ticket_not_printed(pump, no_paper) -> None:
    pump.start(AppointmentFlow)
    view = pump.touch("code", "YY-DEMO-01")
    assert (view.state, view.error_key) == ("done_not_printed", "printer.no_paper")
    assert view.data["ticket_number"]
