"""Readable case references: ``C-2024-004217``.

An agent reads the reference out on the phone, so it is short, has no ambiguous letters, and
carries the year it was opened (local year in Europe/Paris) and a six-digit sequence within that
year. The database allocates the sequence; this module formats and validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ._instants import require_aware
from .errors import InvalidCaseReferenceError

__all__ = [
    "MAX_SEQUENCE",
    "CaseReference",
    "format_case_reference",
    "parse_case_reference",
    "reference_year",
]

MAX_SEQUENCE = 999_999
_MIN_YEAR = 2000
_MAX_YEAR = 9999
_LENIENT = re.compile(r"C[-\s]?(\d{4})[-\s]?(\d{6})")


@dataclass(frozen=True, order=True)
class CaseReference:
    """A validated reference; ``str()`` gives its canonical form."""

    year: int
    sequence: int

    def __post_init__(self) -> None:
        if not _MIN_YEAR <= self.year <= _MAX_YEAR:
            raise InvalidCaseReferenceError(
                f"L'année d'une référence de dossier doit être comprise entre {_MIN_YEAR} et "
                f"{_MAX_YEAR} (reçu : {self.year})."
            )
        if not 1 <= self.sequence <= MAX_SEQUENCE:
            raise InvalidCaseReferenceError(
                "Le numéro d'une référence de dossier doit être compris entre 1 et "
                f"{MAX_SEQUENCE} (reçu : {self.sequence})."
            )

    def __str__(self) -> str:
        return f"C-{self.year:04d}-{self.sequence:06d}"


def format_case_reference(*, year: int, sequence: int) -> str:
    """The canonical text of a reference, e.g. ``C-2024-004217``."""
    return str(CaseReference(year=year, sequence=sequence))


def parse_case_reference(text: str) -> CaseReference:
    """Read a reference typed or dictated by an agent.

    Case, surrounding blanks and a blank instead of a dash are tolerated
    (``c 2024 004217``), because agents type what they hear; anything else is refused.
    """
    match = _LENIENT.fullmatch(text.strip().upper())
    if match is None:
        raise InvalidCaseReferenceError(
            f"« {text} » n'est pas une référence de dossier. "
            "Une référence s'écrit C-AAAA-NNNNNN, par exemple C-2024-004217."
        )
    return CaseReference(year=int(match.group(1)), sequence=int(match.group(2)))


def reference_year(created_at: datetime, timezone: ZoneInfo) -> int:
    """The year of a case reference: the local year of creation (31 Dec 23:30 UTC is 1 Jan)."""
    return require_aware(created_at, "la date de création").astimezone(timezone).year
