"""The staff side of the dispenser on the reference back end (issue 13), over real HTTP:
a finished document awaiting loading is loaded into a slot and becomes ready there (and only
there) naming its application; a taken slot, a number awaiting no loading and a slot out of
range are refused; unloading takes a ready document out for a counter (listed nowhere, loadable
again); ListStock is what the terminal's dispenser should hold, overdue ones marked."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import BackendClient, ClientSettings, new_request_id
from backend_client import errors as e
from backend_client import models as mo

local = seed.person("local_adult")


@pytest.fixture(scope="module")
def demo_kiosk(server) -> BackendClient:
    made = BackendClient(ClientSettings(server.url, seed.DEMO_TERMINAL_ID, retries=0))
    yield made
    made.close()


@pytest.fixture(scope="module")
def other_kiosk(server) -> BackendClient:
    made = BackendClient(ClientSettings(server.url, "HALL01-T09", retries=0))
    yield made
    made.close()


def test_the_demo_stock_lists_by_slot_with_the_overdue_one(demo_kiosk):
    stock = demo_kiosk.list_stock()
    assert [(d.slot, d.masked_number, d.overdue) for d in stock.documents] == [
        (1, "E******01", False), (2, "C******02", False), (3, "E******03", False), (4, "E******04", False),
        (5, "C******06", True)]


def test_a_loaded_document_is_ready_in_that_terminal_only(demo_kiosk, other_kiosk):
    record = other_kiosk.load_document("E61234507", 3, new_request_id())
    assert (record.application_number, record.kind, record.masked_number, record.status, record.slot) == (
        "AP-DEMO-0107", mo.DocumentType.PASSPORT, "E******07", mo.StockStatus.READY, 3)
    assert [d.document_number for d in other_kiosk.list_stock().documents] == ["E61234507"]
    assert "E61234507" not in [d.document_number for d in demo_kiosk.list_stock().documents]
    with pytest.raises(e.NotFoundError):  # ready in another terminal: nothing to load here
        demo_kiosk.load_document("E61234507", 9, new_request_id())

    # Scanned again into another slot of the same terminal (the module refused the first): moved.
    assert other_kiosk.load_document("E61234507", 4, new_request_id()).slot == 4

    unloaded = other_kiosk.unload_document("E61234507", new_request_id(), "uncollected for 30 days")
    assert (unloaded.status, unloaded.slot) == (mo.StockStatus.UNLOADED, None)
    assert other_kiosk.list_stock().documents == ()
    assert other_kiosk.load_document("E61234507", 4, new_request_id()).status is mo.StockStatus.READY  # loadable again


def test_refusals(demo_kiosk, other_kiosk):
    with pytest.raises(e.NotFoundError) as unknown:
        other_kiosk.load_document("E99999999", 1, new_request_id())
    assert unknown.value.entity is mo.NotFoundEntity.DOCUMENT
    with pytest.raises(e.InvalidInputError) as taken:  # slot 1 holds 张伟's passport
        demo_kiosk.load_document("C30000008", 1, new_request_id())
    assert taken.value.field == "slot"
    with pytest.raises(e.InvalidInputError) as out_of_range:
        demo_kiosk.load_document("C30000008", 251, new_request_id())
    assert out_of_range.value.field == "slot"
    with pytest.raises(e.NotFoundError):  # another terminal's document
        other_kiosk.unload_document("C30000006", new_request_id())
