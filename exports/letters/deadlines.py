"""The dated delays letters announce (the waiver request deadline), read from a data file.

A delay written in a letter is a business rule: it comes from ``data/letter_rules.yaml`` with the
date it is in force from and its source, so that a change of policy is a data change, dated,
and a letter written on a given day gives the delay in force that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from pydantic import ConfigDict, Field

from exports.letters.templates import DATA_DIRECTORY
from rules.reference_data import DatedVersion, load_versions, read_yaml, version_in_force

__all__ = ["LetterRules", "letter_rules", "new_rib_deadline", "waiver_deadline"]

_FILE = "letter_rules.yaml"


@dataclass(frozen=True, slots=True)
class LetterRules:
    """The values in force on one date, with their source."""

    in_force_from: date
    source: str
    waiver_request_days: int
    new_rib_days: int


class _Version(DatedVersion):
    model_config = ConfigDict(strict=True)

    waiver_request_days: int = Field(ge=1, le=3650)
    new_rib_days: int = Field(ge=1, le=365)


@cache
def _versions() -> tuple[_Version, ...]:
    return load_versions(_Version, read_yaml(DATA_DIRECTORY / _FILE), where=_FILE)


def letter_rules(on: date) -> LetterRules:
    """The values in force on ``on`` (an error before the first version, never a default)."""
    found = version_in_force(_versions(), on, where=_FILE)
    return LetterRules(
        found.in_force_from, found.source, found.waiver_request_days, found.new_rib_days
    )


def waiver_deadline(letter_date: date) -> date:
    """The last day to ask for a waiver of an overpayment notified on ``letter_date``."""
    return letter_date + timedelta(days=letter_rules(letter_date).waiver_request_days)


def new_rib_deadline(letter_date: date) -> date:
    """The day by which a trainee whose transfer came back should send a new RIB."""
    return letter_date + timedelta(days=letter_rules(letter_date).new_rib_days)
