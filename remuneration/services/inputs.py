"""Frozen inputs of the use cases (the API's pydantic models are converted into these)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from remuneration.domain.attendance import AttendanceEntry

__all__ = [
    "AidRequestInput",
    "AttendanceLineInput",
    "DossierInput",
    "ExitInput",
    "IdentityInput",
    "OrganisationInput",
    "RibInput",
    "TraineeInput",
    "TrainingInput",
    "UploadedFile",
    "VitaleInput",
]


@dataclass(frozen=True, slots=True)
class OrganisationInput:
    name: str
    siret: str
    contact_email: str | None = None


@dataclass(frozen=True, slots=True)
class TrainingInput:
    organisation_id: uuid.UUID
    programme: str
    title: str
    start_date: date
    end_date: date
    total_hours: Decimal
    weekly_hours: Decimal
    approved_for_remuneration: bool
    site_name: str
    site_postcode: str
    site_town: str
    site_street: str | None = None
    approval_reference: str | None = None
    approval_start_date: date | None = None
    approval_end_date: date | None = None
    licence_useful_for_trade: bool | None = None


@dataclass(frozen=True, slots=True)
class TraineeInput:
    last_name: str
    first_names: str
    birth_date: date
    sex: str
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    postcode: str | None = None
    town: str | None = None
    country: str = "FR"


@dataclass(frozen=True, slots=True)
class DossierInput:
    """A new dossier; `facts` holds the declared facts given at creation (column → value)."""

    trainee_id: uuid.UUID
    training_id: uuid.UUID
    facts: dict[str, object]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    content: bytes


@dataclass(frozen=True, slots=True)
class IdentityInput:
    identity_type: str | None
    expiry_date: date | None
    number: str | None


@dataclass(frozen=True, slots=True)
class VitaleInput:
    nir: str | None


@dataclass(frozen=True, slots=True)
class RibInput:
    iban: str | None
    bic: str | None
    holder: str | None
    change_reason: str | None = None


@dataclass(frozen=True, slots=True)
class AttendanceLineInput:
    dossier_id: uuid.UUID
    entry: AttendanceEntry


@dataclass(frozen=True, slots=True)
class AidRequestInput:
    kind: str
    request_date: date
    invoice_amount: Decimal | None = None
    cost: Decimal | None = None
    other_funding: Decimal | None = None
    code_status: str | None = None


@dataclass(frozen=True, slots=True)
class ExitInput:
    exit_date: date
    reason: str
