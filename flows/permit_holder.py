"""Is the permit card in the slot the verified citizen's own card?

The back end links a permit NUMBER to an ID number, but the card in the slot is a piece of
plastic whose chip names its holder: a relative's card taken by mistake, a wrongly personalised
chip or an altered card all carry a number the back end may accept. Writing an endorsement onto
such a card puts a travel right on someone else's document, so before any payment and any
write the chip's holder is compared with the person this session verified (ID card read by the
SAM, face matched against the photo on file).

Compared: the name in Chinese characters, the sex and the birth date, which every permit chip
carries (devices/permit/records.py PermitCard). The chip record of this kiosk's module carries
no ID number, so there is nothing to compare it with; the back end's permit-to-ID-number link
stands in for it.

Only the NAMES of the fields that differ leave this module: they are safe for the journal and
the log, which hold no personal data.
"""

from __future__ import annotations

import unicodedata

from devices.idcard.records import IdCardRecord
from devices.permit.records import PermitCard

FIELD_NAME = "name"
FIELD_SEX = "sex"
FIELD_BIRTH_DATE = "birth_date"

# Separators printed inside minority names (阿依古丽·买买提艾力): readers, chips and keyboards
# produce different code points for the same middle dot, so all of them count as one.
NAME_DOTS = frozenset("·•・‧･.．")
CANONICAL_DOT = "·"


def normalised_name(name: str) -> str:
    """The name as compared: compatibility forms folded (full-width letters), spaces dropped
    (chips pad with them, the ID card text block is space-padded), one middle dot."""
    folded = unicodedata.normalize("NFKC", name)
    return "".join(CANONICAL_DOT if ch in NAME_DOTS else ch for ch in folded if not ch.isspace())


def holder_mismatches(chip: PermitCard, card: IdCardRecord) -> tuple[str, ...]:
    """The fields in which the chip's holder differs from the ID card read this session, in a
    fixed order; empty when the permit is the citizen's own."""
    differing: list[str] = []
    if normalised_name(chip.name_zh) != normalised_name(card.display_name):
        differing.append(FIELD_NAME)
    # The two devices code sex differently (chip M/F, ID card GB/T 2261.1 1/2): same member names.
    if chip.sex.name != card.sex.name:
        differing.append(FIELD_SEX)
    if chip.birth_date != card.birth_date:
        differing.append(FIELD_BIRTH_DATE)
    return tuple(differing)
