"""Calendar months and day counts of the prorata rules (``d / D``, docs/rules.md section 3)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

__all__ = ["MONTH_NAMES", "Month", "age_on", "days_between_inclusive", "month_ordinal"]

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, the period of a payment line."""

    year: int
    month: int
    _first: date = field(init=False, compare=False, repr=False)
    _last: date = field(init=False, compare=False, repr=False)
    _days: int = field(init=False, compare=False, repr=False)
    ordinal: int = field(init=False, compare=False, repr=False)
    """Months since the start of year 1: one integer that sorts as the months do."""

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and self.year >= 1):
            raise ValueError(f"ce mois n'existe pas : {self.year:04d}-{self.month:02d}")
        days = calendar.monthrange(self.year, self.month)[1]
        object.__setattr__(self, "_first", date(self.year, self.month, 1))
        object.__setattr__(self, "_last", date(self.year, self.month, days))
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "ordinal", month_ordinal(self._first))

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``; raises ``ValueError`` otherwise."""
        if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
            raise ValueError(text)
        year, number = int(text[:4]), int(text[5:])
        if not 1 <= number <= 12 or year < 1:
            raise ValueError(text)
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return self._first

    @property
    def last_day(self) -> date:
        return self._last

    @property
    def days(self) -> int:
        """``D``: the number of calendar days of the month."""
        return self._days

    def days_within(self, first: date, last: date) -> int:
        """``d``: days of this month between ``first`` and ``last``, both included."""
        start = first if first > self._first else self._first
        end = last if last < self._last else self._last
        return (end - start).days + 1 if end >= start else 0

    def overlaps(self, first: date, last: date) -> bool:
        return self.days_within(first, last) > 0

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def following(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @classmethod
    def spanning(cls, first: date, last: date) -> Iterator[Month]:
        """The months from ``first``'s to ``last``'s, both included (none when ``last`` is
        before ``first``)."""
        month, end = cls.of(first), cls.of(last)
        while month <= end:
            yield month
            month = month.following

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def french(self) -> str:
        """``mars 2024``: how a trainee reads the month."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


def month_ordinal(day: date) -> int:
    """``Month.ordinal`` of the day's month, without building the month."""
    return day.year * 12 + day.month - 1


def days_between_inclusive(first: date, last: date) -> int:
    return (last - first).days + 1


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years on ``day`` (docs/rules.md section 2: one less before the birthday)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
