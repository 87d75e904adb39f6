"""Rule data of the EPC layer: TARGET2 closing days and the SEPA country list.

Both are facts decided outside remu (by the ECB and the EPC) and change by decision. The TARGET2
calendar lives in a dated YAML file next to this module, with its source; the SEPA country list
is the rules' dated parameter ``sepa.countries`` (one list for the whole project). This module
picks the version in force and computes Easter (for Good Friday and Easter Monday).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from rules import default_store
from rules.reference_data import DatedVersion, load_versions, read_resource, version_in_force

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
_COUNTRIES_PARAMETER = "sepa.countries"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class _FixedDay(_Frozen):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    label: str


class _EasterOffset(_Frozen):
    days: int
    label: str


class _CalendarVersion(DatedVersion):
    model_config = ConfigDict(strict=True)

    weekends_closed: bool
    fixed_days: tuple[_FixedDay, ...]
    easter_offsets: tuple[_EasterOffset, ...]


@cache
def _calendar() -> tuple[_CalendarVersion, ...]:
    raw = read_resource(__package__, _TARGET2_FILE)
    return load_versions(_CalendarVersion, raw, where=_TARGET2_FILE, strict=False)


def _in_force(versions: tuple[_CalendarVersion, ...], day: date) -> _CalendarVersion:
    return version_in_force(versions, day, where=_TARGET2_FILE)


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
        for version in _calendar()
        for d in _closing_days(version, year)
        if d >= version.in_force_from and _in_force(_calendar(), d) == version
    )


def is_target2_business_day(day: date) -> bool:
    """True when TARGET2 settles on ``day``: a SEPA transfer can be executed that day."""
    version = _in_force(_calendar(), day)
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
    """ISO country codes (as they start an IBAN) in the SEPA scope on the given date: the rules'
    dated parameter ``sepa.countries``."""
    return frozenset(default_store().at(_COUNTRIES_PARAMETER, on).codes)


def is_sepa_country(country_code: str, on: date) -> bool:
    return country_code in sepa_countries(on)
