"""An application moved along its statuses by staff, as the bureau's back office moves it.

The reference back end has no back office: an application accepted at a kiosk stays ACCEPTED
unless someone moves it. Staff (or a trainer showing the whole visit) move it with
`python main.py backend applications advance NUMBER STATUS`. Each move is a step of the
progress query's timeline, and a move that reaches a milestone (ready for collection, posted)
records that milestone's text for every citizen who asked for it (backend/handlers/notices.py),
exactly as a move made during a SOAP call would.

Moves go forward only: accepted, under review, approved, in production, then ready for
collection or posted, then collected; refused (REJECTED) at any point before the document is
made. Posting needs the courier's tracking number; ready needs a place to collect it, given
here or already on the application.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from backend.handlers import notices
from backend.timeutil import iso

FORWARD = ("ACCEPTED", "UNDER_REVIEW", "APPROVED", "IN_PRODUCTION", "READY_FOR_COLLECTION", "POSTED", "COLLECTED")
REJECTED = "REJECTED"
STATUSES = (*FORWARD, REJECTED)
# Ready and posted are two ends of production, not one after the other.
ALTERNATIVE_ENDS = {"READY_FOR_COLLECTION": "POSTED", "POSTED": "READY_FOR_COLLECTION"}
REJECTABLE = ("ACCEPTED", "UNDER_REVIEW", "APPROVED")
MILESTONE_OF_STATUS = {status: milestone for milestone, status in notices.STATUS_OF_MILESTONE.items()}


class MoveRefused(ValueError):
    """The move is not one an application can make; the message says why, for the staff member."""


def advance(db: sqlite3.Connection, number: str, status: str, now: dt.datetime,
            tracking_number: str | None = None, collection_place: str | None = None) -> int:
    """Move application `number` to `status` inside the caller's transaction; the count of texts
    recorded for the citizens who asked for this milestone."""
    row = db.execute("SELECT * FROM applications WHERE application_number = ?", (number,)).fetchone()
    if row is None:
        raise MoveRefused(f"no application {number} on file")
    _check_move(row["status"], status)
    place = collection_place or row["collection_place"]
    if status == "POSTED" and not tracking_number:
        raise MoveRefused("posting needs the courier's tracking number (--tracking)")
    if status == "READY_FOR_COLLECTION" and not place:
        raise MoveRefused("ready for collection needs the place to collect it (--place)")
    db.execute("UPDATE applications SET status = ?, tracking_number = COALESCE(?, tracking_number), "
               "collection_place = ? WHERE application_number = ?", (status, tracking_number, place, number))
    db.execute("INSERT INTO application_steps VALUES (?, ?, ?)", (number, status, iso(now)))
    milestone = MILESTONE_OF_STATUS.get(status)
    if milestone is None:
        return 0
    moved = db.execute("SELECT * FROM applications WHERE application_number = ?", (number,)).fetchone()
    return notices.record_milestone_at(db, now, moved, milestone)


def _check_move(current: str, wanted: str) -> None:
    if wanted not in STATUSES:
        raise MoveRefused(f"unknown status {wanted!r}; one of {', '.join(STATUSES)}")
    if current in (REJECTED, "COLLECTED"):
        raise MoveRefused(f"the application is {current.lower()}: it moves no further")
    if wanted == REJECTED:
        if current not in REJECTABLE:
            raise MoveRefused(f"an application {current.lower()} can no longer be refused")
        return
    if wanted == ALTERNATIVE_ENDS.get(current):
        raise MoveRefused(f"the application is already {current.lower()}")
    if current not in FORWARD or FORWARD.index(wanted) <= FORWARD.index(current):
        raise MoveRefused(f"{wanted.lower()} does not come after {current.lower()}")
