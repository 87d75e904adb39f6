"""The dated rules of scheduled operations (``operations.yaml``): retention periods, the
attendance reminder delay and the business day of the monthly payment run.

They are business rules (how long the Region keeps a trainee's data, when it reminds a training
organisation), so they live in a dated file with their sources, not in the scheduler's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from rules.reference_data import check_dates, in_force, parse_date, read_resource, read_yaml

__all__ = [
    "AttendanceReminderPolicy",
    "OperationsPolicy",
    "PaymentRunPolicy",
    "RetentionPolicy",
    "load_operations_policy",
]

_FILE = "operations.yaml"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long personal data is kept (RGPD art. 5-1-e)."""

    closed_dossier_years: int
    document_file_days_after_verification: int


@dataclass(frozen=True, slots=True)
class AttendanceReminderPolicy:
    """When a missing attendance statement is reminded to its training organisation."""

    delay_business_days: int
    lookback_months: int


@dataclass(frozen=True, slots=True)
class PaymentRunPolicy:
    """The monthly payment run happens on this business day of the month (1 = the first)."""

    business_day_of_month: int


@dataclass(frozen=True, slots=True)
class OperationsPolicy:
    """The version of the rules in force on `valid_from` and after."""

    valid_from: date
    retention: RetentionPolicy
    attendance_reminder: AttendanceReminderPolicy
    payment_run: PaymentRunPolicy


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sourced(_Strict):
    source: str = Field(min_length=10)


class _Retention(_Sourced):
    closed_dossier_years: StrictInt = Field(ge=1, le=100)
    document_file_days_after_verification: StrictInt = Field(ge=1, le=36500)


class _Reminder(_Sourced):
    delay_business_days: StrictInt = Field(ge=0, le=60)
    lookback_months: StrictInt = Field(ge=1, le=24)


class _PaymentRun(_Sourced):
    business_day_of_month: StrictInt = Field(ge=1, le=18)


class _Version(_Strict):
    valid_from: date
    retention: _Retention
    attendance_reminder: _Reminder
    payment_run: _PaymentRun

    @field_validator("valid_from", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> date:
        return parse_date(value, where="valid_from")


class _File(_Strict):
    name: str
    versions: list[_Version] = Field(min_length=1)


@cache
def _versions(path: Path | None) -> tuple[OperationsPolicy, ...]:
    raw = read_resource(__package__, _FILE) if path is None else read_yaml(path)
    parsed = _File.model_validate(raw)
    check_dates([v.valid_from for v in parsed.versions], where=f"{_FILE} versions")
    return tuple(_policy(version) for version in parsed.versions)


def _policy(version: _Version) -> OperationsPolicy:
    return OperationsPolicy(
        valid_from=version.valid_from,
        retention=RetentionPolicy(
            closed_dossier_years=version.retention.closed_dossier_years,
            document_file_days_after_verification=(
                version.retention.document_file_days_after_verification
            ),
        ),
        attendance_reminder=AttendanceReminderPolicy(
            delay_business_days=version.attendance_reminder.delay_business_days,
            lookback_months=version.attendance_reminder.lookback_months,
        ),
        payment_run=PaymentRunPolicy(
            business_day_of_month=version.payment_run.business_day_of_month
        ),
    )


def load_operations_policy(*, on: date, path: Path | None = None) -> OperationsPolicy:
    """The rules in force on `on` (ValueError if the file is invalid or starts later)."""
    return in_force(_versions(path), on, start=lambda v: v.valid_from, where=_FILE)
