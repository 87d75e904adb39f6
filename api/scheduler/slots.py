"""When a job is due: the slots of a schedule, computed in Europe/Paris from the schedule alone.

Pure functions of their arguments (no clock): the runner, the catch-up after downtime, the
simulation and `remu jobs list` all ask these functions, so they agree with each other. APScheduler
only wakes the process up; which slot is due is decided here.

Daylight saving (Europe/Paris): a local time that does not exist (the spring change, 02:00 →
03:00) is read with the offset in force before the change (PEP 495, ``fold=0``), so a 02:30 job
runs at 03:30 summer time that day; a local time that happens twice (the autumn change) is taken
at its first occurrence. Either way each local slot of a day gives exactly one instant, and
instants are de-duplicated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from remuneration.domain.timezone import PARIS, paris_day

__all__ = [
    "CronSchedule",
    "MonthlyBusinessDaySchedule",
    "Schedule",
    "due_slots",
    "local_instant",
    "next_slot",
    "slots_between",
]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/([0-9]+))?$")


def _value(text: str, low: int, high: int, names: tuple[str, ...]) -> int:
    number = names.index(text) + low if text in names else int(text)
    if not low <= number <= high:
        raise ValueError(f"{text} is outside {low}-{high}")
    return number


def _parse_field(spec: str, low: int, high: int, names: tuple[str, ...] = ()) -> frozenset[int]:
    """A cron field (``*``, ``*/n``, ``a``, ``a-b``, ``a-b/n``, comma lists) → its values."""
    values: set[int] = set()
    for part in spec.lower().split(","):
        match = _RANGE.match(part.strip())
        if match is None:
            raise ValueError(f"invalid cron field: {spec!r}")
        span, step = match.group(1), int(match.group(2) or 1)
        if span == "*":
            first, last = low, high
        elif "-" in span:
            start, end = span.split("-")
            first, last = _value(start, low, high, names), _value(end, low, high, names)
        else:
            first = last = _value(span, low, high, names)
        if step < 1 or first > last:
            raise ValueError(f"invalid cron field: {spec!r}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


def local_instant(day: date, at: time, zone: ZoneInfo = PARIS) -> datetime:
    """The UTC instant of a local wall time (gap: offset before the change; repeat: first)."""
    wall = datetime.combine(day, at.replace(tzinfo=None)).replace(tzinfo=zone, fold=0)
    return wall.astimezone(UTC)


class Schedule:
    """What every schedule offers: its slots on a local day and the fields of a cron trigger."""

    def slots_on(self, day: date) -> list[datetime]:
        """The UTC instants of the slots of local day `day`, sorted."""
        raise NotImplementedError

    def trigger_fields(self) -> dict[str, str]:
        """Keyword arguments of a cron trigger that wakes the scheduler at least at every slot."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short French description for operators."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class CronSchedule(Schedule):
    """Cron fields in Europe/Paris, as APScheduler spells them (day_of_week 0 = Monday)."""

    minute: str = "0"
    hour: str = "*"
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"
    _minutes: frozenset[int] = field(init=False, repr=False, compare=False)
    _hours: frozenset[int] = field(init=False, repr=False, compare=False)
    _days: frozenset[int] = field(init=False, repr=False, compare=False)
    _months: frozenset[int] = field(init=False, repr=False, compare=False)
    _weekdays: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parsed = {
            "_minutes": _parse_field(self.minute, 0, 59),
            "_hours": _parse_field(self.hour, 0, 23),
            "_days": _parse_field(self.day, 1, 31),
            "_months": _parse_field(self.month, 1, 12),
            "_weekdays": _parse_field(self.day_of_week, 0, 6, _WEEKDAYS),
        }
        for name, values in parsed.items():
            object.__setattr__(self, name, values)

    def runs_on(self, day: date) -> bool:
        """Whether local day `day` has slots (day of month, month and weekday all match)."""
        return (
            day.day in self._days and day.month in self._months and day.weekday() in self._weekdays
        )

    def slots_on(self, day: date) -> list[datetime]:
        if not self.runs_on(day):
            return []
        instants = {
            local_instant(day, time(hour, minute))
            for hour in self._hours
            for minute in self._minutes
        }
        return sorted(instants)

    def trigger_fields(self) -> dict[str, str]:
        return {
            "minute": self.minute,
            "hour": self.hour,
            "day": self.day,
            "month": self.month,
            "day_of_week": self.day_of_week,
        }

    def describe(self) -> str:
        return (
            f"cron « {self.minute} {self.hour} {self.day} {self.month} {self.day_of_week} » "
            "(Europe/Paris)"
        )


@dataclass(frozen=True, slots=True)
class MonthlyBusinessDaySchedule(Schedule):
    """Once a month, at local time `at`, on the day `run_date(year, month)` computes."""

    at: time
    run_date: Callable[[int, int], date]

    def slots_on(self, day: date) -> list[datetime]:
        if self.run_date(day.year, day.month) != day:
            return []
        return [local_instant(day, self.at)]

    def trigger_fields(self) -> dict[str, str]:
        return {"minute": str(self.at.minute), "hour": str(self.at.hour)}

    def describe(self) -> str:
        return f"mensuel, jour ouvré calculé, à {self.at:%H:%M} (Europe/Paris)"


def _local_days(start: datetime, end: datetime) -> Iterator[date]:
    day = paris_day(start) - timedelta(days=1)
    last = paris_day(end) + timedelta(days=1)
    while day <= last:
        yield day
        day += timedelta(days=1)


def slots_between(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Every slot with ``start <= slot <= end`` (aware instants), sorted, in UTC."""
    found = {
        slot
        for day in _local_days(start, end)
        for slot in schedule.slots_on(day)
        if start <= slot <= end
    }
    return sorted(found)


def due_slots(schedule: Schedule, *, now: datetime, grace: timedelta) -> list[datetime]:
    """The slots a runner may still run at `now`: those of the last `grace` (misfire window)."""
    return slots_between(schedule, now - grace, now)


def next_slot(schedule: Schedule, *, after: datetime, horizon_days: int = 400) -> datetime | None:
    """The first slot strictly after `after` within `horizon_days`, or None."""
    day = paris_day(after)
    for offset in range(horizon_days + 1):
        for slot in schedule.slots_on(day + timedelta(days=offset)):
            if slot > after:
                return slot
    return None
