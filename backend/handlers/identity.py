"""Identity: verify a person by ID number and name; compare a live face with the photo on file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from backend import messages as m
from backend.faults import NotFound
from backend.handlers import proofs
from backend.handlers.common import CallEnv, find_person, require_valid_id_number, same_name
from backend.timeutil import parse_day


def verify_identity(env: CallEnv, req: Any) -> m.Identity:
    require_valid_id_number(req.idNumber)
    # A wrong name is answered exactly as an unknown ID number: no oracle for names.
    row = env.db.execute("SELECT * FROM persons WHERE id_number = ?", (req.idNumber,)).fetchone()
    if row is None or not same_name(row["name"], req.name) or not proofs.card_read(env, row, req.cardValidFrom):
        raise NotFound("PERSON", "no person with this ID number and name")
    return m.Identity(
        idNumber=row["id_number"], name=row["name"], namePinyin=row["name_pinyin"], sex=row["sex"],
        ethnicityCode=row["ethnicity_code"], birthDate=parse_day(row["birth_date"]),
        documentKind=row["document_kind"], hukouRegionCode=row["hukou_region_code"],
        hukouRegionName=row["hukou_region_name"], idValidFrom=parse_day(row["id_valid_from"]),
        idValidTo=parse_day(row["id_valid_to"]), idLongTerm=row["id_valid_to"] is None,
        photo=row["photo"], birthPlace=row["birth_place"] or None)


def compare_face(env: CallEnv, req: Any) -> m.FaceComparison:
    require_valid_id_number(req.idNumber)
    row = find_person(env.db, req.idNumber)
    result = env.face.compare(binary(req.faceImage), row["photo"])
    return m.FaceComparison(match=result.match, score=Decimal(result.score), threshold=result.threshold,
                            matchToken=proofs.issue(env, req.terminalId, req.idNumber) if result.match else None)


def binary(value: Any) -> bytes:
    """spyne hands base64Binary over as a sequence of byte chunks."""
    return value if isinstance(value, bytes) else b"".join(value or ())
