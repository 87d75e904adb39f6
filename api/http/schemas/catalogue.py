"""Training organisations, trainings and trainees at the API edge."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from api.http.schemas.common import (
    BoundedDate,
    Hours,
    RequestModel,
    ResponseModel,
    Text,
    UtcDatetime,
    printable,
    text,
)

__all__ = [
    "ForceDuplicate",
    "OrganisationCreate",
    "OrganisationView",
    "TraineeCreate",
    "TraineeView",
    "TrainingCreate",
    "TrainingTraineeView",
    "TrainingView",
]

Siret = Annotated[str, text(20), AfterValidator(printable)]
Postcode = Annotated[str, text(10), AfterValidator(printable)]
Short = Annotated[str, text(40), AfterValidator(printable)]
Email = Annotated[str, text(200), Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class OrganisationCreate(RequestModel):
    """A training organisation (organisme de formation)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "AFPA Caen",
                    "siret": "73282932000074",
                    "contact_email": "caen@afpa.example",
                }
            ]
        }
    )

    name: Text
    siret: Siret = Field(description="14 chiffres, clé de Luhn vérifiée.")
    contact_email: Email | None = None


class OrganisationView(ResponseModel):
    id: uuid.UUID
    name: str
    siret: str
    contact_email: str | None
    created_at: UtcDatetime


class TrainingCreate(RequestModel):
    """A training session (action de formation) with its approval for remuneration."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "0b6f3c1e-8f8a-4c55-9f4e-3b1a2f0c9d11",
                    "programme": "QUALIF",
                    "title": "Titre professionnel Agent de restauration",
                    "start_date": "2024-03-11",
                    "end_date": "2024-09-27",
                    "total_hours": "700",
                    "weekly_hours": "35",
                    "approved_for_remuneration": True,
                    "approval_reference": "AGR-2024-0042",
                    "approval_start_date": "2024-01-01",
                    "approval_end_date": "2024-12-31",
                    "licence_useful_for_trade": True,
                    "site_name": "Centre de Caen",
                    "site_street": "12 rue de la Formation",
                    "site_postcode": "14000",
                    "site_town": "Caen",
                }
            ]
        }
    )

    organisation_id: uuid.UUID
    programme: Short
    title: Text
    start_date: BoundedDate
    end_date: BoundedDate
    total_hours: Hours
    weekly_hours: Hours
    approved_for_remuneration: bool
    approval_reference: Annotated[str, text(60), AfterValidator(printable)] | None = None
    approval_start_date: BoundedDate | None = None
    approval_end_date: BoundedDate | None = None
    licence_useful_for_trade: bool | None = None
    site_name: Text
    site_street: Text | None = None
    site_postcode: Postcode
    site_town: Annotated[str, text(100), AfterValidator(printable)]


class TrainingView(ResponseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    programme: str
    title: str
    start_date: date
    end_date: date
    total_hours: Decimal
    weekly_hours: Decimal
    approved_for_remuneration: bool
    approval_reference: str | None
    approval_start_date: date | None
    approval_end_date: date | None
    licence_useful_for_trade: bool | None
    site_name: str
    site_street: str | None
    site_postcode: str
    site_town: str
    created_at: UtcDatetime


class TrainingTraineeView(ResponseModel):
    """A trainee of a training, as its organisation needs it for attendance statements."""

    dossier_id: uuid.UUID
    last_name: str
    first_names: str
    status: str


class ForceDuplicate(RequestModel):
    """Create the record although the same person seems to exist (instructors, audited)."""

    reason: Annotated[str, text(300, min_length=3), AfterValidator(printable)]


class TraineeCreate(RequestModel):
    """A trainee as declared (the NIR comes with the carte Vitale attestation, not here)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "last_name": "Dupont",
                    "first_names": "Marie Claire",
                    "birth_date": "1990-05-17",
                    "sex": "F",
                    "email": "marie.dupont@example.org",
                    "street": "3 rue des Lilas",
                    "postcode": "14000",
                    "town": "Caen",
                    "country": "FR",
                }
            ]
        }
    )

    last_name: Annotated[str, text(100), AfterValidator(printable)]
    first_names: Text
    birth_date: BoundedDate
    sex: Annotated[str, Field(pattern=r"^[MF]$")]
    email: Email | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 .]{6,20}$")] | None = None
    street: Text | None = None
    postcode: Postcode | None = None
    town: Annotated[str, text(100), AfterValidator(printable)] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "FR"
    force: ForceDuplicate | None = Field(
        default=None, description="Motif pour créer une seconde fiche de la même personne."
    )


class TraineeView(ResponseModel):
    id: uuid.UUID
    last_name: str
    first_names: str
    birth_date: date
    sex: str
    email: str | None
    phone: str | None
    street: str | None
    postcode: str | None
    town: str | None
    country: str
    created_at: UtcDatetime
    version: int
    merged_into_id: uuid.UUID | None = None
