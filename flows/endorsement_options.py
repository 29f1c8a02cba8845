"""What the endorsement flow offers and writes, without the flow: the back end's options as the
citizen chooses among them, as the screen shows them, and as the chip stores them.

Pure code (no device, no back end, no journal), so flows/endorsement.py keeps only the
machine: what happens on which event, in which state.
"""

from __future__ import annotations

import datetime as dt
import enum
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backend_client.models import Destination, EndorsementChoice, EndorsementOption, OrderItem, Trips
from devices.permit.records import Destination as CardDestination
from devices.permit.records import Endorsement, PermitCard
from devices.permit.records import EndorsementType as CardType
from devices.permit.records import Trips as CardTrips

# ----- the contract's words and the chip's -----
_CARD_DESTINATION = {Destination.HONG_KONG: CardDestination.HONG_KONG, Destination.MACAU: CardDestination.MACAU}
_CARD_TRIPS = {Trips.SINGLE: CardTrips.ONE, Trips.DOUBLE: CardTrips.TWO, Trips.MULTIPLE: CardTrips.MULTIPLE}
# A month, in days, to tell which validity the newest endorsement on a card had.
DAYS_PER_MONTH = 30.44

# The levels of a choice, in the order the citizen is asked.
LEVELS = ("destination", "type", "trips", "validity_months")
VALIDITY_LEVEL = "validity_months"


def record_id_for(endorsement_number: str) -> int:
    """The chip record id of an issued endorsement: derived from its number, so a retried
    write is the same record (the module treats an identical record as already written) and
    recovery can look for it on the card."""
    return zlib.crc32(endorsement_number.encode("ascii")) or 1


def record_for(item: OrderItem, issuing_office: str) -> Endorsement:
    """The chip record of one PAID order item."""
    assert item.endorsement_number and item.valid_from and item.valid_to, "item not issued yet"
    return Endorsement(record_id_for(item.endorsement_number), _CARD_DESTINATION[item.destination],
                       CardType(item.type.value), _CARD_TRIPS[item.trips], item.valid_from, item.valid_to,
                       issuing_office)


def option_key(option: EndorsementOption | EndorsementChoice) -> tuple[str, str, str, int]:
    return (option.destination.value, option.type.value, option.trips.value, option.validity_months)


def replaced_on_chip(card: PermitCard, basket: Iterable[EndorsementOption], today: dt.date) -> list[dict[str, str]]:
    """The still-valid endorsements on the chip that a new one for the same destination replaces
    (issue 22: it was replaced without a word): shown on the review, before the citizen pays."""
    replaced = []
    for option in basket:
        destination = _CARD_DESTINATION[option.destination]
        valid = [e for e in card.endorsements if e.destination is destination and e.valid_until >= today]
        if valid:
            newest = max(valid, key=lambda e: e.valid_until)
            replaced.append({"destination": option.destination.value, "valid_until": newest.valid_until.isoformat()})
    return replaced


def last_endorsement_offer(card: PermitCard, options: tuple[EndorsementOption, ...]) -> EndorsementOption | None:
    """The option that repeats the newest endorsement on the card, if the back end offers it."""
    newest = card.newest_endorsement
    if newest is None:
        return None
    destination = next(d for d, c in _CARD_DESTINATION.items() if c is newest.destination)
    trips = next(t for t, c in _CARD_TRIPS.items() if c is newest.trips)
    months = round((newest.valid_until - newest.valid_from).days / DAYS_PER_MONTH)
    same_kind = [o for o in options if (o.destination, o.type.value, o.trips) ==
                 (destination, newest.type.value, trips)]
    if not same_kind:
        return None
    return min(same_kind, key=lambda o: abs(o.validity_months - months))


# ----- as the screen and the receipt show them -----
def option_data(option: EndorsementOption | OrderItem) -> dict[str, Any]:
    """An option or order item as plain data for the screen (labels are message keys)."""
    return {"destination": option.destination.value, "type": option.type.value, "trips": option.trips.value,
            "validity_months": option.validity_months, "max_stay_days": option.max_stay_days,
            "fee": str(option.fee),
            "labels": {"destination": f"endorsement.destination.{option.destination.value.lower()}",
                       "type": f"endorsement.type.{option.type.value.lower()}",
                       "trips": f"endorsement.trips.{option.trips.value.lower()}"}}


def issued_item_data(item: OrderItem) -> dict[str, Any]:
    """An order item after payment: the option with its endorsement number and validity."""
    return dict(option_data(item), endorsement_number=item.endorsement_number,
                valid_from=iso_day(item.valid_from), valid_to=iso_day(item.valid_to))


def total_fee(options: Iterable[EndorsementOption]) -> Decimal:
    return sum((o.fee for o in options), start=Decimal(0))


def iso_day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# ----- choosing -----
@dataclass(frozen=True)
class _Pick:
    level: str
    value: Any
    by_citizen: bool  # False: the only value there was, picked for them


class Choosing:
    """The citizen's basket (one option per destination) and the picks towards the next option.

    Levels with a single value left are picked for the citizen (fewer touches); "back" undoes
    the citizen's last pick with the automatic ones after it.
    """

    def __init__(self, options: tuple[EndorsementOption, ...], offer: EndorsementOption | None) -> None:
        self.options = options
        self.offer = offer  # the last endorsement on the card, offered first
        self.picks: list[_Pick] = []
        self.basket: list[EndorsementOption] = []

    @property
    def offering(self) -> bool:
        """The offer is what to show first: there is one and the basket is still empty."""
        return self.offer is not None and not self.basket

    @property
    def can_go_back(self) -> bool:
        return any(p.by_citizen for p in self.picks) or self.offer is not None

    def candidates(self) -> list[EndorsementOption]:
        """Options that fit the picks so far and a destination not yet in the basket."""
        taken = {o.destination for o in self.basket}
        picked = {p.level: p.value for p in self.picks}
        return [o for o in self.options if o.destination not in taken
                and all(level_value(o, level) == value for level, value in picked.items())]

    def choices(self, level: str) -> list[Any]:
        return distinct(level_value(o, level) for o in self.candidates())

    def next_level(self) -> str | None:
        """The first level not yet picked that offers a real choice; None when every level is
        picked, and then the one option left is in the basket."""
        picked = {p.level for p in self.picks}
        for level in LEVELS:
            if level in picked:
                continue
            values = self.choices(level)
            if len(values) == 1:
                self.picks.append(_Pick(level, values[0], by_citizen=False))
                continue
            return level
        candidates = self.candidates()
        assert len(candidates) == 1, "every level picked leaves exactly one option"
        self.basket.append(candidates[0])
        self.picks = []
        return None

    def pick(self, level: str, shown_value: Any) -> bool:
        """The citizen's touch at `level`; False when the value is not one offered."""
        value = parse_level_value(level, shown_value)
        if value not in {level_value(o, level) for o in self.candidates()}:
            return False
        self.picks.append(_Pick(level, value, by_citizen=True))
        return True

    def clear_picks(self) -> None:
        """Start the next option from its first level (the basket stays)."""
        self.picks = []

    def clear(self) -> None:
        """Start over: an empty basket, nothing picked."""
        self.basket, self.picks = [], []

    def take_offer(self) -> None:
        assert self.offer is not None
        self.basket.append(self.offer)

    def back(self) -> bool:
        """Undo the citizen's last pick (and the automatic picks after it); True when nothing
        the citizen picked is left and the offer is to be shown again."""
        while self.picks:
            if self.picks.pop().by_citizen:
                break
        if not any(p.by_citizen for p in self.picks) and self.offering:
            self.picks = []
            return True
        return False

    def other_destinations(self) -> bool:
        """The basket holds one destination and the other one is also offered."""
        if not self.basket:
            return False
        taken = {o.destination for o in self.basket}
        return any(o.destination not in taken for o in self.options)

    def total(self) -> Decimal:
        return total_fee(self.basket)


def distinct(values: Iterable[Any]) -> list[Any]:
    """Each value once, in the back end's order (its catalogue order is the order shown)."""
    return list(dict.fromkeys(values))


def level_value(option: EndorsementOption, level: str) -> Any:
    value = getattr(option, level)
    return value.value if isinstance(value, enum.Enum) else value


def parse_level_value(level: str, value: Any) -> Any:
    """A touch carries the value as shown (an enum value string, or the months as a number)."""
    if level == VALIDITY_LEVEL:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, enum.Enum):
        return value.value
    return value
