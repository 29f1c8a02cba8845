"""Time as the back end keeps it: UTC on the wire and in the database, hall days in China Standard Time."""

from __future__ import annotations

import datetime as dt

# Mainland China has one time zone and no daylight saving: a hall day is a UTC+8 day.
HALL_TIMEZONE = dt.timezone(dt.timedelta(hours=8), "CST")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def hall_day(moment: dt.datetime) -> dt.date:
    """The hall's calendar day at `moment` (an aware datetime)."""
    return moment.astimezone(HALL_TIMEZONE).date()


def hall_moment(day: dt.date, at: dt.time) -> dt.datetime:
    """A wall-clock time in the hall, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, HALL_TIMEZONE).astimezone(dt.timezone.utc)


def hall_day_bounds(day: dt.date) -> tuple[str, str]:
    """ISO UTC strings [start, end) of a hall day, for range queries on stored timestamps."""
    start = hall_moment(day, dt.time(0, 0))
    return iso(start), iso(start + dt.timedelta(days=1))


def iso(moment: dt.datetime) -> str:
    """Stored form of a moment: ISO 8601 in UTC, sortable as text."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def parse_day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
