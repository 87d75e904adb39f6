"""Guards for instants: every instant of the case queue is timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime

from .errors import CalendarError

__all__ = ["require_aware", "to_utc"]


def require_aware(instant: datetime, what: str = "l'instant") -> datetime:
    """Refuse a naive datetime: without its offset an instant is ambiguous around DST changes."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise CalendarError(
            f"{what[:1].upper()}{what[1:]} ({instant.isoformat()}) "
            "doit préciser son fuseau horaire."
        )
    return instant


def to_utc(instant: datetime, what: str = "l'instant") -> datetime:
    """The same instant in UTC, where subtracting two instants gives the real elapsed time."""
    return require_aware(instant, what).astimezone(UTC)
