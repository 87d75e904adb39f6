"""The one place for the Region's time zone and for UTC instants.

Instants are stored and compared in UTC; days, months and deadlines are those of Paris (a
trainee's day, a payment date, a service level). SQLite hands back naive datetimes: they were
stored in UTC, and ``as_utc`` says so. Pure: no clock is read here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

__all__ = ["PARIS", "as_utc", "as_utc_or_none", "aware_utc", "paris_day", "paris_midnight"]

PARIS = ZoneInfo("Europe/Paris")
"""The Region's time zone."""


def as_utc(moment: datetime) -> datetime:
    """The instant in UTC; a naive datetime is one stored in UTC (SQLite forgets the offset)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def as_utc_or_none(moment: datetime | None) -> datetime | None:
    """``as_utc`` of an instant that may be unknown."""
    return None if moment is None else as_utc(moment)


def aware_utc(moment: datetime) -> datetime:
    """The instant in UTC; a naive datetime is refused (``ValueError``): where an instant comes
    from the clock, a missing offset is a bug, not a stored value."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("aware datetimes only")
    return moment.astimezone(UTC)


def paris_day(moment: datetime) -> date:
    """The Paris date of an instant (a naive one being UTC, as stored)."""
    return as_utc(moment).astimezone(PARIS).date()


def paris_midnight(day: date) -> datetime:
    """The instant a Paris day begins, in UTC."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC)
