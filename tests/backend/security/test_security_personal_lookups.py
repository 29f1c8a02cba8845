"""Attack: learn about a person from the back end with only part of what the kiosk proves.
VerifyIdentity answers a wrong name exactly as an unknown ID number (no name oracle) and needs
the card's first day of validity read from its chip besides number and name, and
application progress needs the application number and the applicant's ID number, answering
the same for a wrong pairing as for a number that does not exist."""

from __future__ import annotations

import pytest
from lxml import etree

from backend import seed
from backend_client import errors as e

from .conftest import KIOSK_A, envelope, fault_of, security_header

local = seed.person("local_adult")
UNKNOWN_ID = "11010519491231002X"  # valid check digit, nobody on file


def refusal(call) -> tuple[object, str, str]:
    with pytest.raises(e.NotFoundError) as caught:
        call()
    return caught.value.entity, caught.value.fault_code, caught.value.fault_message


def test_a_wrong_name_is_answered_as_no_such_person(hall):
    kiosk = hall.client(KIOSK_A)
    card = local.id_valid_from
    assert refusal(lambda: kiosk.verify_identity(local.id_number, "张三", card)) \
        == refusal(lambda: kiosk.verify_identity(UNKNOWN_ID, "张三", card))
    assert kiosk.verify_identity(local.id_number, local.name, card).name == local.name


def test_the_number_and_name_alone_are_not_the_card(hall):
    """ID numbers and names leak together; the chip's first day of validity is the card read."""
    kiosk = hall.client(KIOSK_A)
    unknown = refusal(lambda: kiosk.verify_identity(UNKNOWN_ID, local.name, local.id_valid_from))
    assert refusal(lambda: kiosk.verify_identity(local.id_number, local.name)) == unknown
    wrong_day = local.id_valid_from.replace(year=local.id_valid_from.year - 1)
    assert refusal(lambda: kiosk.verify_identity(local.id_number, local.name, wrong_day)) == unknown


def test_the_raw_answers_are_byte_for_byte_the_same(hall):
    """Not only the typed error: the whole fault a script would read."""
    def raw(id_number: str) -> bytes:
        body = (f"<tns:VerifyIdentityRequest><tns:terminalId>{KIOSK_A}</tns:terminalId>"
                f"<tns:idNumber>{id_number}</tns:idNumber><tns:name>张三</tns:name>"
                f"<tns:cardValidFrom>{local.id_valid_from.isoformat()}</tns:cardValidFrom></tns:VerifyIdentityRequest>")
        status, answer = hall.post(envelope(body, security_header(KIOSK_A, hall.password(KIOSK_A))))
        assert status == 500 and fault_of(answer) is not None
        return etree.tostring(answer, method="c14n")

    assert raw(local.id_number) == raw(UNKNOWN_ID)


def test_progress_needs_the_number_and_the_applicants_id(hall):
    kiosk = hall.client(KIOSK_A)
    applicant = seed.person("minority_name")
    assert kiosk.get_application_progress("AP-DEMO-0003", applicant.id_number).application_number == "AP-DEMO-0003"
    assert refusal(lambda: kiosk.get_application_progress("AP-DEMO-0003", local.id_number)) \
        == refusal(lambda: kiosk.get_application_progress("AP-DEMO-9999", local.id_number))


def test_nothing_personal_without_a_credential(hall):
    """No token, no answer at all: the look-ups are behind the terminal's credential first."""
    body = (f"<tns:ListViolationsRequest><tns:terminalId>{KIOSK_A}</tns:terminalId>"
            f"<tns:idNumber>{local.id_number}</tns:idNumber></tns:ListViolationsRequest>")
    status, answer = hall.post(envelope(body))
    assert status == 500 and fault_of(answer)[0].endswith("Client.Authentication")
    assert local.id_number.encode() not in etree.tostring(answer)
