"""Reason codes of rejects and returns, and what remu does about each.

The table lives in ``reason_codes.yaml`` (dated, with its sources). The two flags drive the
return processing: whether the trainee's bank details must be blocked until a new RIB is
verified, and whether a re-issue (a new transfer with a new EndToEndId) may ever be made
without a human decision — never for a duplicate (AM05), a death (MD07) or a regulatory
reason (RR01-RR04). A third flag, ``technical``, marks the reasons that blame the file, not the
trainee (FF01 invalid file format, DU01 duplicate message id...): the batch is rejected, the
payments go back to ``to_pay`` and a corrected batch carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from rules.reference_data import DatedVersion, load_versions, read_resource, version_in_force

__all__ = ["ReasonCode", "reason_code", "reason_codes", "reason_in_words"]

_FILE = "reason_codes.yaml"


@dataclass(frozen=True, slots=True)
class ReasonCode:
    """One ISO reason code with its French meaning and the action it calls for."""

    code: str
    meaning: str
    action: str
    block_bank_details: bool
    reissue_allowed: bool
    technical: bool = False


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    meaning: str = Field(min_length=1)
    action: str = Field(min_length=1)
    block_bank_details: bool
    reissue_allowed: bool
    technical: bool = False


class _Version(DatedVersion):
    codes: dict[str, _Entry] = Field(min_length=1)


@cache
def _versions() -> tuple[_Version, ...]:
    return load_versions(_Version, read_resource(__package__, _FILE), where=_FILE)


def reason_codes(on: date) -> dict[str, ReasonCode]:
    """The whole table in force on ``on``, by code."""
    version = version_in_force(_versions(), on, where=_FILE)
    return {
        code: ReasonCode(
            code, e.meaning, e.action, e.block_bank_details, e.reissue_allowed, e.technical
        )
        for code, e in version.codes.items()
    }


def reason_code(code: str, *, on: date) -> ReasonCode | None:
    """The reason code, or None when remu has no rule for it (a human decides)."""
    return reason_codes(on).get(code)


def reason_in_words(code: str) -> str:
    """``Compte clôturé (AC04)``: what a person reads for a bank's reason code, its meaning in the
    newest table that knows it (an ISO code keeps its meaning), the code kept for finance; an
    unknown code is shown as it came, never dropped."""
    for version in sorted(_versions(), key=lambda v: v.in_force_from, reverse=True):
        entry = version.codes.get(code)
        if entry is not None:
            return f"{entry.meaning} ({code})"
    return code
