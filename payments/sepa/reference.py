"""Rule data of the EPC layer: TARGET2 closing days and the SEPA country list.

Both are facts decided outside remu (by the ECB and the EPC) and change by decision, so they
live in dated YAML files next to this module, each with its source; this module only loads
them, picks the version in force and computes Easter (for Good Friday and Easter Monday).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "easter_sunday",
    "is_sepa_country",
    "is_target2_business_day",
    "next_target2_business_day",
    "sepa_countries",
    "target2_business_day_on_or_after",
    "target2_closing_days",
]

_TARGET2_FILE = "target2_closing_days.yaml"
_COUNTRIES_FILE = "sepa_countries.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _FixedDay(_Frozen):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    label: str


class _EasterOffset(_Frozen):
    days: int
    label: str


class _CalendarVersion(_Frozen):
    in_force_from: date
    source: str = Field(min_length=1)
    weekends_closed: bool
    fixed_days: tuple[_FixedDay, ...]
    easter_offsets: tuple[_EasterOffset, ...]

    @field_validator("in_force_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return date.fromisoformat(str(value))


class _CountryVersion(_Frozen):
    in_force_from: date
    source: str = Field(min_length=1)
    countries: frozenset[str]

    @field_validator("in_force_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return date.fromisoformat(str(value))

    @field_validator("countries", mode="before")
    @classmethod
    def _codes(cls, value: object) -> frozenset[str]:
        if not isinstance(value, list) or len(set(value)) != len(value):
            raise ValueError("countries must be a list without duplicates")
        return frozenset(str(code) for code in value)


class _Calendar(_Frozen):
    source: str = Field(min_length=1)
    versions: tuple[_CalendarVersion, ...] = Field(min_length=1)


class _Countries(_Frozen):
    source: str = Field(min_length=1)
    versions: tuple[_CountryVersion, ...] = Field(min_length=1)


def _read_yaml(name: str) -> object:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _check_sorted(dates: list[date], name: str) -> None:
    if dates != sorted(set(dates)):
        raise ValueError(f"{name}: versions must be sorted by date, without duplicates")


@cache
def _calendar() -> _Calendar:
    calendar = _Calendar.model_validate(_read_yaml(_TARGET2_FILE), strict=False)
    _check_sorted([v.in_force_from for v in calendar.versions], _TARGET2_FILE)
    return calendar


@cache
def _countries() -> _Countries:
    countries = _Countries.model_validate(_read_yaml(_COUNTRIES_FILE), strict=False)
    _check_sorted([v.in_force_from for v in countries.versions], _COUNTRIES_FILE)
    return countries


_V = TypeVar("_V", _CalendarVersion, _CountryVersion)


def _in_force(versions: tuple[_V, ...], day: date) -> _V:
    current = [v for v in versions if v.in_force_from <= day]
    if not current:
        raise LookupError(f"no rule data in force on {day.isoformat()}")
    return current[-1]


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def _closing_days(version: _CalendarVersion, year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    fixed = {date(year, f.month, f.day) for f in version.fixed_days}
    moving = {easter + timedelta(days=o.days) for o in version.easter_offsets}
    return frozenset(fixed | moving)


def target2_closing_days(year: int) -> frozenset[date]:
    """The public TARGET2 closing days of ``year`` (weekends not included)."""
    return frozenset(
        d
        for version in _calendar().versions
        for d in _closing_days(version, year)
        if d >= version.in_force_from and _in_force(_calendar().versions, d) == version
    )


def is_target2_business_day(day: date) -> bool:
    """True when TARGET2 settles on ``day``: a SEPA transfer can be executed that day."""
    version = _in_force(_calendar().versions, day)
    if version.weekends_closed and day.weekday() >= 5:
        return False
    return day not in _closing_days(version, day.year)


def target2_business_day_on_or_after(day: date) -> date:
    """``day`` itself when it is a business day, otherwise the next one."""
    while not is_target2_business_day(day):
        day += timedelta(days=1)
    return day


def next_target2_business_day(day: date) -> date:
    """The first TARGET2 business day strictly after ``day``."""
    return target2_business_day_on_or_after(day + timedelta(days=1))


def sepa_countries(on: date) -> frozenset[str]:
    """ISO country codes (as they start an IBAN) in the SEPA scope on the given date."""
    return _in_force(_countries().versions, on).countries


def is_sepa_country(country_code: str, on: date) -> bool:
    return country_code in sepa_countries(on)
