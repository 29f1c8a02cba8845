"""The demo people of the reference back end (backend/seed.py) as ID card records.

The self-test, the flow benchmarks and the flow tests put these on the simulated reader, so
the card that is read and the person the back end knows are the same person, exactly as in
a hall. The chip photo is the simulator's stand-in bytes (the back end compares live faces
with its own photo on file, never with the chip's).
"""

from __future__ import annotations

from backend import seed
from devices.idcard.records import (
    ETHNICITIES,
    CardPhoto,
    IdCardRecord,
    ResidencePermitCard,
    ResidentIdCard,
    Sex,
    Validity,
)
from devices.idcard.simulator import sample_photo

RESIDENT_ID_CARD = "RESIDENT_ID_CARD"


def card_for(key: str) -> IdCardRecord:
    """The card of the demo person `key` (e.g. "local_adult", "minor", "hk_resident")."""
    person = seed.person(key)
    sex = Sex.MALE if person.sex == "MALE" else Sex.FEMALE
    validity = Validity(person.id_valid_from, person.id_valid_to)
    photo = CardPhoto(sample_photo(person.key))
    if person.document_kind == RESIDENT_ID_CARD:
        assert person.ethnicity_code is not None, f"{key}: a resident card names the ethnicity"
        return ResidentIdCard(
            name=person.name, sex=sex, ethnicity=ETHNICITIES[person.ethnicity_code],
            birth_date=person.birth_date, address=person.address, id_number=person.id_number,
            issuing_authority=person.issuing_authority, validity=validity, photo=photo)
    assert person.travel_document_number is not None and person.permit_issue_count is not None
    return ResidencePermitCard(
        name=person.name, sex=sex, birth_date=person.birth_date, address=person.address,
        id_number=person.id_number, issuing_authority=person.issuing_authority, validity=validity,
        permit_number=person.travel_document_number, issue_count=person.permit_issue_count, photo=photo)
