"""Attack: a terminal's credential (a stolen secret file, a rogue script on a kiosk) used to read
any driver's plates, places and points by ID number. A hall's back end answers ListViolations
and AcceptViolation only with the match token CompareFace gave this terminal for this person;
without it, or with another terminal's or another person's, the answer is the one for a driver
who does not exist."""

from __future__ import annotations

import pytest

from backend import seed
from backend_client import errors as e
from backend_client import new_request_id

from .conftest import KIOSK_A, KIOSK_B

driver = seed.person("local_adult")
other = seed.person("points_near_limit")
NO_LICENCE = seed.person("long_term_id")  # on file, no driving licence


def refusal(call) -> tuple[object, str, str]:
    with pytest.raises(e.NotFoundError) as caught:
        call()
    return caught.value.entity, caught.value.fault_code, caught.value.fault_message


@pytest.fixture(scope="module")
def proofs(hall, face_image):
    return {(terminal, person.id_number): hall.client(terminal).compare_face(person.id_number, face_image).match_token
            for terminal in (KIOSK_A, KIOSK_B) for person in (driver, other)}


def test_the_face_match_gives_a_proof_and_a_mismatch_none(hall, face_image, proofs):
    assert all(len(token) == 32 for token in proofs.values()) and len(set(proofs.values())) == 4
    mismatch = hall.client(KIOSK_A).compare_face(seed.person("face_mismatch").id_number, face_image)
    assert mismatch.match is False and mismatch.match_token is None


def test_with_the_proof_the_driver_is_answered(hall, proofs):
    listed = hall.client(KIOSK_A).list_violations(driver.id_number, proofs[(KIOSK_A, driver.id_number)])
    assert listed.violations and listed.licence_number == driver.id_number


@pytest.mark.parametrize("token_of", [None, (KIOSK_B, driver.id_number), (KIOSK_A, other.id_number),
                                      "ffffffffffffffffffffffffffffffff"])
def test_without_this_terminals_proof_for_this_person_it_is_no_such_driver(hall, proofs, token_of):
    token = proofs[token_of] if isinstance(token_of, tuple) else token_of
    kiosk = hall.client(KIOSK_A)
    unknown = refusal(lambda: kiosk.list_violations(NO_LICENCE.id_number, token))
    assert refusal(lambda: kiosk.list_violations(driver.id_number, token)) == unknown
    assert refusal(lambda: kiosk.accept_violation(driver.id_number, "WF-DEMO-0001", new_request_id(),
                                                  match_token=token))[0] == unknown[0]
