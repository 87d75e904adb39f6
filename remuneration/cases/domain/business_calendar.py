"""Business time: the opening hours of the relation-usagers service, in Europe/Paris.

Service levels count only the time the service is open: opening hours per weekday, minus French
public holidays (the ``holidays`` package) and, only for the départements 57, 67 and 68, the
Alsace-Moselle extra days (Good Friday, 26 December). All arithmetic is done on UTC instants,
because subtracting two aware datetimes that share a ``ZoneInfo`` ignores a DST change in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

from ._instants import require_aware, to_utc
from .errors import CalendarError

__all__ = [
    "MINUTES_PER_DAY",
    "BusinessCalendar",
    "OpeningInterval",
]

MINUTES_PER_DAY = 24 * 60
_SEARCH_HORIZON_DAYS = 3660
"""A guard, not a rule: no real deadline lies ten years ahead, so a longer search is a bug."""

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class OpeningInterval:
    """One opening period of a weekday, in minutes after local midnight (1440 is 24:00)."""

    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_minute < self.end_minute <= MINUTES_PER_DAY:
            raise CalendarError(
                "Une plage d'ouverture doit commencer avant de finir, entre 00:00 et 24:00 "
                f"(reçu : {self.start_minute} à {self.end_minute} minutes)."
            )


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours and holidays of one service; pure and hashable (its windows are cached).

    ``weekly_hours`` has seven entries, Monday first, each a sorted tuple of disjoint intervals.
    ``holiday_subdivision`` is the ``holidays`` subdivision code (``"57"``, ``"6AE"``) or None for
    the national list.
    """

    timezone: ZoneInfo
    weekly_hours: tuple[tuple[OpeningInterval, ...], ...]
    country: str = "FR"
    holiday_subdivision: str | None = None
    departement: str | None = None

    def __post_init__(self) -> None:
        if len(self.weekly_hours) != 7:
            raise CalendarError(
                "Les horaires d'ouverture doivent couvrir les 7 jours de la semaine."
            )
        if not any(self.weekly_hours):
            raise CalendarError("Le service doit être ouvert au moins un jour par semaine.")
        for intervals in self.weekly_hours:
            for before, after in pairwise(intervals):
                if after.start_minute < before.end_minute:
                    raise CalendarError(
                        "Les plages d'ouverture d'un même jour doivent être triées et disjointes."
                    )

    def holiday_dates(self, year: int) -> frozenset[date]:
        """The public holidays of ``year`` for this calendar's country and subdivision."""
        return _holiday_dates(self.country, self.holiday_subdivision, year)

    def is_holiday(self, day: date) -> bool:
        """True on a public holiday (the service is then closed all day)."""
        return day in self.holiday_dates(day.year)

    def is_business_day(self, day: date) -> bool:
        """True on a day with opening hours that is not a public holiday."""
        return bool(self.weekly_hours[day.weekday()]) and not self.is_holiday(day)

    def local_date(self, instant: datetime) -> date:
        """The calendar date of ``instant`` in the service's time zone."""
        return require_aware(instant).astimezone(self.timezone).date()

    def opening_windows(self, day: date) -> tuple[Window, ...]:
        """The opening periods of ``day`` as UTC instants (empty on holidays and closed days)."""
        return _windows(self, day)

    def is_open(self, instant: datetime) -> bool:
        """True when the service is open at ``instant`` (start included, end excluded)."""
        moment = to_utc(instant)
        windows = self.opening_windows(self.local_date(instant))
        return any(start <= moment < end for start, end in windows)

    def next_opening(self, instant: datetime) -> datetime:
        """``instant`` itself when open, else the start of the next opening period (local time)."""
        moment = to_utc(instant)
        day = self.local_date(instant)
        for _ in range(_SEARCH_HORIZON_DAYS):
            for start, end in self.opening_windows(day):
                if end > moment:
                    return max(start, moment).astimezone(self.timezone)
            day += timedelta(days=1)
        raise _horizon_error()

    def add_business_duration(self, start: datetime, duration: timedelta) -> datetime:
        """The first instant at which ``duration`` of opening time has elapsed since ``start``.

        A start outside opening hours counts from the next opening; a result that falls exactly
        on a closing time stays there (the deadline is 17:00, not the next morning at 09:00).
        The result is expressed in the calendar's time zone.
        """
        if duration < timedelta(0):
            raise CalendarError("Une durée ouvrée à ajouter ne peut pas être négative.")
        cursor = to_utc(start, "le début du délai")
        if not duration:
            return cursor.astimezone(self.timezone)
        remaining = duration
        day = self.local_date(start)
        for _ in range(_SEARCH_HORIZON_DAYS):
            for window_start, window_end in self.opening_windows(day):
                if window_end <= cursor:
                    continue
                begin = max(window_start, cursor)
                available = window_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(self.timezone)
                remaining -= available
            day += timedelta(days=1)
        raise _horizon_error()

    def business_duration_between(self, start: datetime, end: datetime) -> timedelta:
        """Opening time between two instants; negative when ``end`` is before ``start``."""
        begin = to_utc(start, "le début de la période")
        finish = to_utc(end, "la fin de la période")
        if finish < begin:
            return -self.business_duration_between(end, start)
        total = timedelta(0)
        day, last_day = self.local_date(begin), self.local_date(finish)
        while day <= last_day:
            for window_start, window_end in self.opening_windows(day):
                low, high = max(window_start, begin), min(window_end, finish)
                if high > low:
                    total += high - low
            day += timedelta(days=1)
        return total

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself when ``count`` is 0).

        Used by rules stated in whole days ("N business days after the training start").
        """
        if count < 0:
            raise CalendarError("Un nombre de jours ouvrés ne peut pas être négatif.")
        current, found = day, 0
        for _ in range(_SEARCH_HORIZON_DAYS):
            if found == count:
                return current
            current += timedelta(days=1)
            if self.is_business_day(current):
                found += 1
        raise _horizon_error()


@lru_cache(maxsize=128)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(calendar.keys())


@lru_cache(maxsize=4096)
def _windows(calendar: BusinessCalendar, day: date) -> tuple[Window, ...]:
    if calendar.is_holiday(day):
        return ()
    midnight = datetime.combine(day, time.min, tzinfo=calendar.timezone)
    windows: list[Window] = []
    for interval in calendar.weekly_hours[day.weekday()]:
        start = _wall_clock(midnight, interval.start_minute)
        end = _wall_clock(midnight, interval.end_minute)
        if end > start:
            windows.append((start, end))
    return tuple(windows)


def _wall_clock(midnight: datetime, minutes: int) -> datetime:
    """The UTC instant of a local wall-clock time (aware + timedelta is wall-clock arithmetic)."""
    return (midnight + timedelta(minutes=minutes)).astimezone(UTC)


def _horizon_error() -> CalendarError:
    return CalendarError(
        "Aucune plage d'ouverture trouvée dans les dix ans : vérifiez le calendrier du service."
    )
