"""Attack: a terminal's credential used to list who has a passport waiting, or to mark one
collected. A hall's back end answers ListReadyDocuments only with the match token CompareFace
gave this terminal for this person (else: no such person), and lists and confirms only
documents loaded in this terminal (else: no such document)."""

from __future__ import annotations

import datetime as dt

import pytest

from backend import seed
from backend.timeutil import iso
from backend_client import errors as e
from backend_client import models as mo
from backend_client import new_request_id

from .conftest import KIOSK_A, KIOSK_B

holder = seed.person("non_local_hukou")
NOBODY = "11010519491231002X"  # a valid ID number nobody on file has


@pytest.fixture(scope="module")
def loaded(hall):
    """One passport loaded into KIOSK_A's dispenser, slot 7."""
    now = iso(dt.datetime.now(dt.timezone.utc))
    with hall.server.backend.store.write() as db:
        db.execute("INSERT INTO ready_documents (document_number, application_number, id_number, kind, terminal_id, "
                   "slot, loaded_at, status, updated_at) VALUES ('E70000007', 'AP-DEMO-0104', ?, 'PASSPORT', ?, 7, "
                   "?, 'READY', ?)", (holder.id_number, KIOSK_A, now, now))
    return "E70000007"


def refusal(call) -> tuple[object, str, str]:
    with pytest.raises(e.NotFoundError) as caught:
        call()
    return caught.value.entity, caught.value.fault_code, caught.value.fault_message


def test_with_this_terminals_proof_the_document_is_listed_and_confirmed(hall, face_image, loaded):
    kiosk = hall.client(KIOSK_A)
    token = kiosk.compare_face(holder.id_number, face_image).match_token
    assert [d.document_number for d in kiosk.list_ready_documents(holder.id_number, token).documents] == [loaded]
    record = kiosk.confirm_collection(loaded, mo.CollectionOutcome.NOT_COLLECTED, new_request_id())
    assert record.not_collected_count == 1


@pytest.mark.parametrize("token_of", [None, KIOSK_B, "ffffffffffffffffffffffffffffffff"])
def test_without_this_terminals_proof_it_is_no_such_person(hall, face_image, loaded, token_of):
    token = (hall.client(KIOSK_B).compare_face(holder.id_number, face_image).match_token
             if token_of == KIOSK_B else token_of)
    kiosk = hall.client(KIOSK_A)
    unknown = refusal(lambda: kiosk.list_ready_documents(NOBODY, token))
    assert refusal(lambda: kiosk.list_ready_documents(holder.id_number, token)) == unknown


def test_another_terminal_with_its_own_proof_finds_no_document(hall, face_image, loaded):
    other = hall.client(KIOSK_B)
    token = other.compare_face(holder.id_number, face_image).match_token
    assert other.list_ready_documents(holder.id_number, token).documents == ()
    entity, _, _ = refusal(lambda: other.confirm_collection(loaded, mo.CollectionOutcome.COLLECTED,
                                                            new_request_id()))
    assert entity is mo.NotFoundEntity.DOCUMENT
