"""What a payment run needs besides the database: the paying account and the dated rules of
the payment procedure.

The paying account (the Region's delegated payer: name, IBAN, BIC, category purpose, pain.001
version) comes from the settings, handed down by the composition root; the dated values of the
procedure (how recent an IBAN change must be to be flagged to the releaser) come from
``payments/data/payment_rules.yaml``, each version with its in-force date and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

from payments.sepa import Debtor, Pain001Version
from rules.reference_data import check_dates, in_force, parse_date, read_resource

__all__ = ["SYSTEM_ACCOUNT", "PayerAccount", "ProcedureRules", "procedure_rules"]

SYSTEM_ACCOUNT = "remu-payments"
"""The finance user name of the scheduler's runs: a batch it prepares needs two persons, one
who approves it and another who releases it."""


@dataclass(frozen=True, slots=True)
class PayerAccount:
    """The account every transfer is debited from, and how its files are written."""

    name: str
    iban: str
    bic: str | None
    category_purpose: str
    pain_version: Pain001Version = Pain001Version.V09
    initiating_party_name: str | None = None
    batch_booking: bool = True

    @property
    def debtor(self) -> Debtor:
        return Debtor(name=self.name, iban=self.iban, bic=self.bic)

    @property
    def initiating_party(self) -> str:
        return self.initiating_party_name or self.name


_FILE = "payment_rules.yaml"


@dataclass(frozen=True, slots=True)
class ProcedureRules:
    """The payment procedure's values in force on one date, with their source."""

    in_force_from: date
    source: str
    iban_change_alert_days: int


class _Version(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    in_force_from: date
    source: str = Field(min_length=1)
    iban_change_alert_days: int = Field(ge=0, le=3650)

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
    versions = _File.model_validate(read_resource("payments.data", _FILE)).versions
    check_dates([v.in_force_from for v in versions], where=f"{_FILE} versions")
    return versions


def procedure_rules(on: date) -> ProcedureRules:
    """The values in force on ``on`` (an error before the first version, never a default)."""
    found = in_force(_versions(), on, start=lambda v: v.in_force_from, where=_FILE)
    return ProcedureRules(found.in_force_from, found.source, found.iban_change_alert_days)
