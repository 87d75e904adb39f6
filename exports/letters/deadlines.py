"""The dated delays letters announce (the waiver request deadline), read from a data file.

A delay written in a letter is a business rule: it comes from ``data/letter_rules.yaml`` with the
date it is in force from and its source, so that a change of policy is a data change, dated,
and a letter written on a given day gives the delay in force that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exports.letters.templates import DATA_DIRECTORY
from rules.reference_data import check_dates, in_force, parse_date, read_yaml

__all__ = ["LetterRules", "letter_rules", "new_rib_deadline", "waiver_deadline"]

_FILE = "letter_rules.yaml"


@dataclass(frozen=True, slots=True)
class LetterRules:
    """The values in force on one date, with their source."""

    in_force_from: date
    source: str
    waiver_request_days: int
    new_rib_days: int


class _Version(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    in_force_from: date
    source: str = Field(min_length=1)
    waiver_request_days: int = Field(ge=1, le=3650)
    new_rib_days: int = Field(ge=1, le=365)

    @field_validator("in_force_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return parse_date(value, where="in_force_from")


class _File(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(min_length=1)
    versions: tuple[_Version, ...] = Field(min_length=1)


@cache
def _versions() -> tuple[_Version, ...]:
    versions = _File.model_validate(read_yaml(DATA_DIRECTORY / _FILE)).versions
    check_dates([v.in_force_from for v in versions], where=f"{_FILE} versions")
    return versions


def letter_rules(on: date) -> LetterRules:
    """The values in force on ``on`` (an error before the first version, never a default)."""
    found = in_force(_versions(), on, start=lambda v: v.in_force_from, where=_FILE)
    return LetterRules(
        found.in_force_from, found.source, found.waiver_request_days, found.new_rib_days
    )


def waiver_deadline(letter_date: date) -> date:
    """The last day to ask for a waiver of an overpayment notified on ``letter_date``."""
    return letter_date + timedelta(days=letter_rules(letter_date).waiver_request_days)


def new_rib_deadline(letter_date: date) -> date:
    """The day by which a trainee whose transfer came back should send a new RIB."""
    return letter_date + timedelta(days=letter_rules(letter_date).new_rib_days)
