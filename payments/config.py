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

from pydantic import ConfigDict, Field

from payments.sepa import Debtor, Pain001Version
from rules.reference_data import DatedVersion, load_versions, read_resource, version_in_force

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


class _Version(DatedVersion):
    model_config = ConfigDict(strict=True)

    iban_change_alert_days: int = Field(ge=0, le=3650)


@cache
def _versions() -> tuple[_Version, ...]:
    return load_versions(_Version, read_resource("payments.data", _FILE), where=_FILE)


def procedure_rules(on: date) -> ProcedureRules:
    """The values in force on ``on`` (an error before the first version, never a default)."""
    found = version_in_force(_versions(), on, where=_FILE)
    return ProcedureRules(found.in_force_from, found.source, found.iban_change_alert_days)
