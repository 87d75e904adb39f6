"""Build the evaluation contract's request from what is stored about a dossier.

Unknown facts are left out (never turned into false or zero: the engine names them in
`missing`). Only verified documents count as received. NIR and IBAN are decrypted in memory for
the engine and never written anywhere in clear.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from remuneration.db.models import (
    AidRequest,
    AttendanceStatement,
    AttendanceStatementLine,
    Document,
    Dossier,
    Exit,
    Trainee,
    Training,
)
from remuneration.domain.vocabulary import DocumentKind, TraineeStatus, VerificationStatus
from remuneration.services.context import ServiceContext
from remuneration.services.person_history import histories

__all__ = [
    "IBAN_CONTEXT",
    "NIR_CONTEXT",
    "build_request",
    "document_part",
    "trainee_part",
    "training_part",
    "without_unknowns",
]

NIR_CONTEXT = "documents.nir"
IBAN_CONTEXT = "documents.iban"


def without_unknowns(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def trainee_part(dossier: Dossier | Any, trainee: Trainee | Any) -> dict[str, Any]:
    """The request's ``trainee``: from ORM objects or from table rows with the same columns."""
    insertion: dict[str, Any] | None = None
    if dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE:
        insertion = without_unknowns(
            {
                "contract": dossier.insertion_contract,
                "are_complement": dossier.insertion_are_complement,
                "training_hours_outside_work": dossier.insertion_hours_outside_work,
            }
        )
    part = without_unknowns(
        {
            "last_name": trainee.last_name,
            "first_names": trainee.first_names,
            "birth_date": trainee.birth_date.isoformat(),
            "sex": trainee.sex,
            "status": dossier.trainee_status,
            "france_travail_registered": dossier.france_travail_registered,
            "france_travail_indemnity": dossier.france_travail_indemnity,
        }
    )
    part["insertion"] = insertion
    return part


def training_part(dossier: Dossier | Any, training: Training | Any) -> dict[str, Any]:
    """The request's ``training`` (the distance is declared on the dossier)."""
    return without_unknowns(
        {
            "programme": training.programme,
            "approved_for_remuneration": training.approved_for_remuneration,
            "start_date": training.start_date.isoformat(),
            "end_date": training.end_date.isoformat(),
            "total_hours": training.total_hours,
            "weekly_hours": training.weekly_hours,
            "distance_km": dossier.distance_km,
            "licence_useful_for_trade": training.licence_useful_for_trade,
        }
    )


def document_part(
    ctx: ServiceContext, document: Document, *, verified_only: bool = True
) -> dict[str, Any] | None:
    """A document as the engine reads it (only a verified one counts, unless asked)."""
    if verified_only and document.verification_status != VerificationStatus.VERIFIED:
        return None
    if document.kind == DocumentKind.IDENTITY:
        return without_unknowns(
            {
                "type": document.identity_type,
                "expiry_date": (
                    document.identity_expiry_date.isoformat()
                    if document.identity_expiry_date
                    else None
                ),
            }
        )
    if document.kind == DocumentKind.VITALE and document.nir_encrypted is not None:
        return {"nir": ctx.protector.decrypt(document.nir_encrypted, context=NIR_CONTEXT)}
    if document.kind == DocumentKind.RIB and document.iban_encrypted is not None:
        iban = ctx.protector.decrypt(document.iban_encrypted, context=IBAN_CONTEXT)
        return without_unknowns({"iban": iban, "holder": document.holder, "bic": document.bic})
    return None


def _documents_part(ctx: ServiceContext, dossier: Dossier) -> dict[str, Any]:
    documents = ctx.session.scalars(select(Document).where(Document.dossier_id == dossier.id))
    part: dict[str, Any] = {kind.value: None for kind in DocumentKind}
    for document in documents:
        part[document.kind] = document_part(ctx, document)
    return part


def _months_part(ctx: ServiceContext, dossier: Dossier) -> list[dict[str, Any]]:
    rows = ctx.session.execute(
        select(AttendanceStatement.month, AttendanceStatementLine)
        .join(AttendanceStatement, AttendanceStatement.id == AttendanceStatementLine.statement_id)
        .where(AttendanceStatementLine.dossier_id == dossier.id)
        .order_by(AttendanceStatement.month)
    )
    insertion = dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE
    months = []
    for month, line in rows.tuples():
        months.append(
            {
                "month": month,
                "scheduled_hours": line.scheduled_hours,
                "attended_hours": line.attended_hours,
                "justified_absence_hours": line.justified_absence_hours,
                "unjustified_absence_hours": line.unjustified_absence_hours,
                "daily_allowances": line.daily_allowances,
                "hours_outside_work": line.hours_outside_work if insertion else None,
            }
        )
    return months


def _aids_part(ctx: ServiceContext, dossier: Dossier) -> list[dict[str, Any]]:
    requests = ctx.session.scalars(
        select(AidRequest)
        .where(AidRequest.dossier_id == dossier.id)
        .order_by(AidRequest.created_at, AidRequest.request_date, AidRequest.id)
    )
    return [
        without_unknowns(
            {
                "kind": aid.kind,
                "date": aid.request_date.isoformat(),
                "invoice_amount": aid.invoice_amount,
                "cost": aid.cost,
                "other_funding": aid.other_funding,
                "code_status": aid.code_status,
            }
        )
        for aid in requests
    ]


def build_request(ctx: ServiceContext, dossier: Dossier, *, as_of: date) -> dict[str, Any]:
    """The contract request for `dossier` as it is stored now, decided on `as_of`."""
    trainee = ctx.session.get_one(Trainee, dossier.trainee_id)
    training = ctx.session.get_one(Training, dossier.training_id)
    exit_row = ctx.session.scalar(select(Exit).where(Exit.dossier_id == dossier.id))
    history = without_unknowns(
        {"driving_licence_aid_received": dossier.driving_licence_aid_received}
    )
    history.update(histories(ctx.session, [dossier.id])[dossier.id])
    return {
        "as_of": as_of.isoformat(),
        "trainee": trainee_part(dossier, trainee),
        "training": training_part(dossier, training),
        "documents": _documents_part(ctx, dossier),
        "months": _months_part(ctx, dossier),
        "exit": (
            {"date": exit_row.exit_date.isoformat(), "reason": exit_row.reason}
            if exit_row
            else None
        ),
        "aid_requests": _aids_part(ctx, dossier),
        "history": history,
    }
