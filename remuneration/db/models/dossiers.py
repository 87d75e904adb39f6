"""Dossiers and what hangs off them: documents, aid requests, exits and decisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import HOURS, Base
from remuneration.domain.people import dossier_reference

__all__ = ["AidRequest", "Decision", "Document", "DocumentVersion", "Dossier", "Exit"]


class Dossier(Base):
    """One trainee's application for one training, with the facts they declared.

    `version` is the optimistic-concurrency counter (SQLAlchemy's version_id_col: every UPDATE
    carries `WHERE version = :seen`), exposed as the ETag. `facts_version` grows when a fact the
    engine reads changes, so a decision taken on older facts is known to be out of date.
    """

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("trainee_id", "training_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(8), index=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    facts_version: Mapped[int] = mapped_column(Integer)
    trainee_status: Mapped[str | None] = mapped_column(String(30))
    france_travail_registered: Mapped[bool | None]
    france_travail_indemnity: Mapped[str | None] = mapped_column(String(10))
    insertion_contract: Mapped[str | None] = mapped_column(String(40))
    insertion_are_complement: Mapped[bool | None]
    insertion_hours_outside_work: Mapped[Decimal | None] = mapped_column(HOURS)
    distance_km: Mapped[Decimal | None] = mapped_column(HOURS)
    driving_licence_aid_received: Mapped[bool | None]
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    incomplete_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    granted_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    exited_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


class Document(Base):
    """One of the three documents of a dossier: the uploaded file and/or its verified data.

    NIR and IBAN are stored encrypted with a keyed hash for exact lookup; the identity number only
    masked. The file itself is encrypted in the document store under `stored_name` (random).
    """

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("dossier_id", "kind"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    verification_status: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime | None]
    identity_type: Mapped[str | None] = mapped_column(String(30))
    identity_expiry_date: Mapped[date | None]
    identity_number_masked: Mapped[str | None] = mapped_column(String(40))
    nir_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    nir_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    iban_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    iban_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    bic: Mapped[str | None] = mapped_column(String(11))
    holder: Mapped[str | None] = mapped_column(String(140))
    iban_changed_at: Mapped[datetime | None]
    change_reason: Mapped[str | None] = mapped_column(String(300))
    refusal_reason: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_on: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AidRequest(Base):
    """A request for the equipment or driving-licence aid."""

    __tablename__ = "aid_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    request_date: Mapped[date]
    invoice_amount: Mapped[Decimal | None]
    cost: Mapped[Decimal | None]
    other_funding: Mapped[Decimal | None]
    code_status: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class Exit(Base):
    """The trainee left the training before its end (at most one exit per dossier)."""

    __tablename__ = "exits"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    exit_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class Decision(Base):
    """An engine run on the stored facts, kept with everything needed to explain and replay it.

    The input is kept encrypted (it holds the NIR and IBAN) next to its SHA-256 hash; the result is
    the engine's canonical JSON, byte for byte.
    """

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("dossier_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    number: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date]
    facts_version: Mapped[int]
    input_hash: Mapped[str] = mapped_column(String(64))
    input_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    rules_version: Mapped[str] = mapped_column(String(80))
    parameters_digest: Mapped[str] = mapped_column(String(128))
    total: Mapped[Decimal]
    result_json: Mapped[str] = mapped_column(Text)
    taken_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime]

    def summary(self) -> dict[str, Any]:
        """Fields for audit events (no personal data)."""
        return {
            "decision_id": str(self.id),
            "number": self.number,
            "outcome": self.outcome,
            "input_hash": self.input_hash,
            "rules_version": self.rules_version,
            "parameters_digest": self.parameters_digest,
            "total": str(self.total),
        }


@event.listens_for(Dossier, "before_insert")
def _stamp_reference(_mapper: object, _connection: object, dossier: Dossier) -> None:
    dossier.reference = dossier_reference(dossier.id.hex)


class DocumentVersion(Base):
    """A document as it stood before a PUT replaced it (file kept in the store, data encrypted)."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"), index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    verification_status: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int | None]
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime | None]
    identity_type: Mapped[str | None] = mapped_column(String(30))
    identity_expiry_date: Mapped[date | None]
    identity_number_masked: Mapped[str | None] = mapped_column(String(40))
    nir_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    nir_hash: Mapped[str | None] = mapped_column(String(64))
    iban_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    iban_hash: Mapped[str | None] = mapped_column(String(64))
    bic: Mapped[str | None] = mapped_column(String(11))
    holder: Mapped[str | None] = mapped_column(String(140))
    refusal_reason: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    verified_on: Mapped[date | None]
    valid_from: Mapped[datetime]
    replaced_at: Mapped[datetime]
    replaced_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
