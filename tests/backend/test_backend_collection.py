"""Self-service collection on the reference back end (issue 13), over real HTTP: what is ready
at which terminal, NOT_COLLECTED keeps a document ready, COLLECTED closes it and its
application, and the seeded documents are the simulated dispenser's stock."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import errors as e
from backend_client import models as mo
from devices.dispenser.stock import DEMO_STOCK

local = seed.person("local_adult")
minority = seed.person("minority_name")
resident = seed.person("residence_permit_holder")
other_terminal_person = seed.person("long_term_id")


@pytest.fixture(scope="module")
def kiosk(server) -> BackendClient:
    """The terminal whose dispenser holds the demo stock."""
    made = BackendClient(ClientSettings(server.url, seed.DEMO_TERMINAL_ID, retries=0))
    yield made
    made.close()


def test_the_ready_documents_are_the_simulated_dispensers_stock():
    assert {(d.number, d.slot, d.holder, d.kind) for d in seed.READY_DOCUMENTS} == \
           {(d.document_id, d.slot, d.holder, d.kind) for d in DEMO_STOCK}


def test_ready_documents_name_kind_slot_and_masked_number(kiosk):
    ready = kiosk.list_ready_documents(local.id_number)
    assert [(d.document_number, d.masked_number, d.kind, d.slot, d.overdue) for d in ready.documents] == [
        ("E61234501", "E******01", mo.DocumentType.PASSPORT, 1, False)]
    # The passport's own application is ready here, so it is not among those still to come.
    assert [p.application_number for p in ready.pending] == ["AP-DEMO-0001"]
    assert ready.pending[0].status is mo.ApplicationStatus.UNDER_REVIEW


def test_a_document_waiting_past_the_halls_limit_is_overdue(kiosk):
    (document,) = kiosk.list_ready_documents(resident.id_number).documents
    assert document.overdue is True and document.slot == 5


def test_nothing_ready_lists_the_posted_application_with_its_tracking_number(kiosk, server):
    posted = kiosk.list_ready_documents(minority.id_number).pending
    assert ("AP-DEMO-0003", mo.ApplicationStatus.POSTED, "SF1234567890") in \
           {(p.application_number, p.status, p.tracking_number) for p in posted}


def test_not_collected_keeps_it_ready_then_collected_closes_it(kiosk, server):
    person = other_terminal_person  # 欧阳秀英's permit, slot 2, application AP-DEMO-0002
    first = kiosk.confirm_collection("C30000002", mo.CollectionOutcome.NOT_COLLECTED, new_request_id(),
                                     reason="not taken within 30 s: retracted")
    assert (first.status, first.not_collected_count, first.collected_at) == (mo.ReadyDocumentStatus.READY, 1, None)
    assert [d.document_number for d in kiosk.list_ready_documents(person.id_number).documents] == ["C30000002"]

    collected = kiosk.confirm_collection("C30000002", mo.CollectionOutcome.COLLECTED,
                                         new_request_id())
    assert collected.status is mo.ReadyDocumentStatus.COLLECTED and collected.collected_at is not None
    ready = kiosk.list_ready_documents(person.id_number)
    assert ready.documents == () and "AP-DEMO-0002" not in {p.application_number for p in ready.pending}
    progress = kiosk.get_application_progress("AP-DEMO-0002", person.id_number)
    assert progress.status is mo.ApplicationStatus.COLLECTED

    # The tray saw it taken: a late NOT_COLLECTED (a retry of an older report) cannot undo that.
    later = kiosk.confirm_collection("C30000002", mo.CollectionOutcome.NOT_COLLECTED,
                                     new_request_id())
    assert later.status is mo.ReadyDocumentStatus.COLLECTED and later.not_collected_count == 1


def test_a_document_of_an_application_not_on_file_is_collected(kiosk):
    # 张伟's passport names AP-DEMO-0101, filed before the demo's records: nothing else to update.
    record = kiosk.confirm_collection("E61234501", mo.CollectionOutcome.COLLECTED, new_request_id())
    assert record.status is mo.ReadyDocumentStatus.COLLECTED
    assert kiosk.list_ready_documents(local.id_number).documents == ()


def test_another_terminal_finds_neither_the_document_nor_a_way_to_confirm_it(server, kiosk):
    elsewhere = BackendClient(ClientSettings(server.url, "HALL9-K09", retries=0))
    assert elsewhere.list_ready_documents(minority.id_number).documents == ()
    with pytest.raises(e.NotFoundError) as caught:
        elsewhere.confirm_collection("E61234503", mo.CollectionOutcome.COLLECTED, new_request_id())
    assert caught.value.entity is mo.NotFoundEntity.DOCUMENT
    assert [d.slot for d in kiosk.list_ready_documents(minority.id_number).documents] == [3]


def test_a_number_not_loaded_here_is_not_found(kiosk):
    with pytest.raises(e.NotFoundError) as caught:
        kiosk.confirm_collection("E99999999", mo.CollectionOutcome.COLLECTED, new_request_id())
    assert caught.value.entity is mo.NotFoundEntity.DOCUMENT
