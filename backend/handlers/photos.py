"""Photo upload: a compliant ID photo in, a photo receipt number out (the counter fetches the photo by it)."""

from __future__ import annotations

from typing import Any

from backend import messages as m
from backend.handlers.common import CallEnv, find_person, require_valid_id_number
from backend.handlers.identity import binary
from backend.rules.photos import check_photo
from backend.timeutil import iso


def upload_photo(env: CallEnv, req: Any) -> m.PhotoReceipt:
    require_valid_id_number(req.idNumber)
    find_person(env.db, req.idNumber)
    photo = binary(req.photo)
    facts = check_photo(photo)
    number = env.new_reference("PH")
    env.db.execute("INSERT INTO photos VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (number, req.idNumber, req.terminalId, photo, facts.width, facts.height, facts.size,
                    iso(env.now)))
    return m.PhotoReceipt(receiptNumber=number, acceptedAt=env.now, widthPx=facts.width,
                          heightPx=facts.height, sizeBytes=facts.size)
