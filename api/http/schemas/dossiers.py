"""Dossiers, their documents, exits, aid requests and decisions at the API edge.

Responses are built per role: the full IBAN is present only for finance (the field is absent,
not null, for everybody else); the NIR is always masked.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field

from api.http.schemas.common import (
    BoundedDate,
    Hours,
    Money,
    RequestModel,
    ResponseModel,
    UtcDatetime,
    printable,
    text,
)

__all__ = [
    "AidRequestCreate",
    "AidRequestView",
    "DecisionCreate",
    "DecisionSummary",
    "DecisionView",
    "DocumentCheckView",
    "DocumentPut",
    "DocumentView",
    "DossierCreate",
    "DossierFacts",
    "DossierList",
    "DossierListItem",
    "DossierPatch",
    "DossierView",
    "ExitCreate",
    "ExitView",
    "FileView",
    "IdentityDocumentPut",
    "Milestones",
    "RecomputationView",
    "RibDocumentPut",
    "VitaleDocumentPut",
]

TraineeStatusName = Literal["job_seeker", "insertion_employee", "other"]
IndemnityName = Literal["none", "are", "aref", "rff"]
Reason = Annotated[str, text(300), AfterValidator(printable)]
Base64File = Annotated[
    str, Field(min_length=4, max_length=7_000_000, pattern=r"^[A-Za-z0-9+/=\s]+$")
]


class DossierFacts(RequestModel):
    """The facts the trainee declares (the evaluation contract's `trainee` and `history`).

    Absent or null means unknown: the engine lists it in `missing`, never takes it as false.
    """

    trainee_status: TraineeStatusName | None = None
    france_travail_registered: bool | None = None
    france_travail_indemnity: IndemnityName | None = None
    insertion_contract: Annotated[str, text(40), AfterValidator(printable)] | None = None
    insertion_are_complement: bool | None = None
    insertion_hours_outside_work: Hours | None = None
    distance_km: Hours | None = Field(default=None, description="Domicile → lieu de formation.")
    driving_licence_aid_received: bool | None = None


_FACTS_EXAMPLE: dict[str, Any] = {
    "trainee_status": "job_seeker",
    "france_travail_registered": True,
    "france_travail_indemnity": "none",
    "distance_km": "42.5",
    "driving_licence_aid_received": False,
}


class DossierCreate(DossierFacts):
    """A new dossier: one trainee in one training (created as a draft)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "trainee_id": "5d0c7a56-2f61-4f7c-9a53-2b1f0e6c1a22",
                    "training_id": "9a1e6d2b-7c34-4e0f-8b21-6f3d2c1b0a99",
                    **_FACTS_EXAMPLE,
                }
            ]
        }
    )

    trainee_id: uuid.UUID
    training_id: uuid.UUID


class DossierPatch(DossierFacts):
    """Changed facts only; a change after a decision sends the dossier back for a new decision."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"distance_km": "61"}]})


class FileView(ResponseModel):
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_at: UtcDatetime


class DocumentCheckView(ResponseModel):
    """One check of the document: ``ok``, ``problem`` (rule code) or ``missing``."""

    status: Literal["ok", "problem", "missing"]
    code: str | None = None
    message: str


class DocumentView(ResponseModel):
    """A document's verification outcome. `iban` is present for the finance role only.

    `checks` answers what the rules say of the document as stored, before any decision.
    """

    kind: str
    verification_status: str
    identity_type: str | None = None
    expiry_date: date | None = None
    number_masked: str | None = None
    nir_masked: str | None = None
    iban_masked: str | None = None
    iban: str | None = None
    bic: str | None = None
    holder: str | None = None
    iban_changed_at: UtcDatetime | None = None
    file: FileView | None = None
    verified_by: uuid.UUID | None = None
    verified_by_name: str | None = None
    verified_on: date | None = None
    refusal_reason: str | None = None
    checks: list[DocumentCheckView] = Field(default_factory=list)
    previous_versions: int = 0


class DocumentPut(RequestModel):
    verified: bool = Field(
        default=False, description="Pièce vérifiée par l'agent (instructeurs uniquement)."
    )
    refusal_reason: Reason | None = Field(default=None, description="Pièce refusée, et pourquoi.")
    file_base64: Base64File | None = Field(
        default=None, description="Fichier PDF, JPEG ou PNG encodé en base64 (taille limitée)."
    )


class IdentityDocumentPut(DocumentPut):
    """The identity document: type, expiry date and number (stored masked)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verified": True,
                    "identity_type": "cni",
                    "expiry_date": "2030-01-01",
                    "number": "X4RTBPFW4",
                }
            ]
        }
    )

    identity_type: Literal["cni", "passport", "residence_permit", "other"] | None = None
    expiry_date: BoundedDate | None = None
    number: Annotated[str, text(40), AfterValidator(printable)] | None = None


class VitaleDocumentPut(DocumentPut):
    """The carte Vitale attestation and its NIR (stored encrypted, shown masked)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"verified": True, "nir": "290057654012387"}]}
    )

    nir: Annotated[str, Field(pattern=r"^[0-9]{5}(?:[0-9]{2}|2[ABab])[0-9]{8}$")] | None = None


class RibDocumentPut(DocumentPut):
    """The RIB (stored encrypted, shown masked except to finance); a change needs a reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verified": True,
                    "iban": "FR7630006000011234567890189",
                    "bic": "AGRIFRPP",
                    "holder": "MME DUPONT MARIE",
                }
            ]
        }
    )

    iban: Annotated[str, Field(pattern=r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{11,40}$")] | None = None
    bic: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{8}([A-Za-z0-9]{3})?$")] | None = None
    holder: Annotated[str, text(140), AfterValidator(printable)] | None = None
    change_reason: Reason | None = None


class ExitCreate(RequestModel):
    """The trainee left the training before its end."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"date": "2024-05-17", "reason": "legitimate"}]}
    )

    date: BoundedDate
    reason: Literal["legitimate", "abandonment", "exclusion"]


class ExitView(ResponseModel):
    date: date
    reason: str
    recorded_at: UtcDatetime


class AidRequestCreate(RequestModel):
    """An equipment or driving-licence aid request."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"},
                {
                    "kind": "driving_licence",
                    "date": "2024-05-06",
                    "cost": "1500.00",
                    "other_funding": "400.00",
                    "code_status": "passed",
                },
            ]
        }
    )

    kind: Literal["equipment", "driving_licence"]
    date: BoundedDate
    invoice_amount: Money | None = None
    cost: Money | None = None
    other_funding: Money | None = None
    code_status: Literal["passed", "in_preparation", "not_started"] | None = None


class AidRequestView(ResponseModel):
    id: uuid.UUID
    kind: str
    date: date
    invoice_amount: Decimal | None
    cost: Decimal | None
    other_funding: Decimal | None
    code_status: str | None
    created_at: UtcDatetime


class Milestones(ResponseModel):
    created_at: UtcDatetime
    submitted_at: UtcDatetime | None
    incomplete_at: UtcDatetime | None
    completed_at: UtcDatetime | None
    granted_at: UtcDatetime | None
    rejected_at: UtcDatetime | None
    reopened_at: UtcDatetime | None
    exited_at: UtcDatetime | None
    closed_at: UtcDatetime | None


class DecisionSummary(ResponseModel):
    id: uuid.UUID
    number: int
    outcome: str
    total: Decimal
    taken_at: UtcDatetime
    up_to_date: bool = Field(description="Faux si un fait a changé depuis cette décision.")


class TraineeSummary(ResponseModel):
    id: uuid.UUID
    last_name: str
    first_names: str
    birth_date: date


class DossierView(ResponseModel):
    """A dossier with its facts, documents, exit, aid requests and latest decision."""

    id: uuid.UUID
    reference: str | None = Field(default=None, description="Numéro imprimé sur les lettres.")
    status: str
    version: int
    trainee: TraineeSummary
    training_id: uuid.UUID
    facts: dict[str, Any]
    documents: list[DocumentView]
    exit: ExitView | None
    aid_requests: list[AidRequestView]
    milestones: Milestones
    latest_decision: DecisionSummary | None
    warnings: list[str] = Field(
        default_factory=list,
        description="La même personne (cette fiche ou un doublon possible) a un autre dossier "
        "sur des dates qui chevauchent.",
    )


class DossierListItem(ResponseModel):
    id: uuid.UUID
    status: str
    trainee: TraineeSummary
    training_id: uuid.UUID
    updated_at: UtcDatetime


class DossierList(ResponseModel):
    items: list[DossierListItem]
    total: int
    page: int
    page_size: int


class DecisionCreate(RequestModel):
    """Take a decision now; `as_of` defaults to today."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"as_of": "2024-06-15"}, {}]})

    as_of: BoundedDate | None = None


class DecisionView(ResponseModel):
    """A recorded decision: the engine's full result with its explanations, and its provenance."""

    id: uuid.UUID
    dossier_id: uuid.UUID
    number: int
    outcome: str
    as_of: date
    total: Decimal
    taken_at: UtcDatetime
    taken_by: uuid.UUID | None
    input_hash: str
    rules_version: str
    parameters_digest: str
    up_to_date: bool
    result: dict[str, Any] = Field(description="Le résultat du moteur (contrat d'évaluation).")


class RecomputationView(ResponseModel):
    """A stored decision recomputed with today's engine and parameters."""

    decision_id: uuid.UUID
    same_result: bool
    differences: list[str]
    facts_changed_since: bool
    rules_version_then: str
    rules_version_now: str
    parameters_digest_then: str
    parameters_digest_now: str
    recomputed: dict[str, Any]
