"""The trainee's file as a case shows it: dossiers, decisions, payments — read only, masked.

An answer given on the phone must rest on the dossier, so the agent sees from the case the
trainee's dossiers with their documents (IBAN masked: the queue's roles never see it in full),
every decision and the payments. Payments come from the payments package's query; the case
queue (``remuneration``) may not import ``payments``, so the API composes them here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.schemas.cases import CaseDossierSummary, CaseFile, CaseTrainee, CaseTrainingSummary
from api.http.schemas.dossiers import DecisionSummary
from api.http.views import document_view
from payments.queries import payments_summary_for_trainee
from remuneration.cases.models import Case
from remuneration.db.models import Decision, Dossier, Trainee, Training, TrainingOrganisation
from remuneration.domain.masking import mask_iban
from remuneration.domain.timezone import as_utc
from remuneration.services.context import ServiceContext
from remuneration.services.documents import get_documents

__all__ = ["case_file", "trainee_payments"]


def _masked(value: Any, key: str = "") -> Any:
    """Bank data masked whatever shape the payments summary has (any ``iban`` key)."""
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item, key) for item in value]
    if isinstance(value, str) and "iban" in key.lower() and "masked" not in key.lower():
        return mask_iban(value)
    return value


def trainee_payments(session: Session, trainee_id: uuid.UUID) -> list[dict[str, Any]]:
    """The trainee's payments as the payments package summarises them, IBANs masked (the
    summary masks them already; masking again here keeps the guarantee in this module)."""
    return [_masked(item) for item in payments_summary_for_trainee(session, trainee_id)]


def _training(session: Session, training_id: uuid.UUID) -> CaseTrainingSummary:
    training = session.get_one(Training, training_id)
    organisation = session.get_one(TrainingOrganisation, training.organisation_id)
    return CaseTrainingSummary(
        id=training.id,
        title=training.title,
        start_date=training.start_date,
        end_date=training.end_date,
        organisation_name=organisation.name,
        organisation_email=organisation.contact_email,
    )


def _decisions(session: Session, dossier: Dossier) -> list[DecisionSummary]:
    rows = session.scalars(
        select(Decision).where(Decision.dossier_id == dossier.id).order_by(Decision.number)
    )
    return [
        DecisionSummary(
            id=decision.id,
            number=decision.number,
            outcome=decision.outcome,
            total=decision.total,
            taken_at=as_utc(decision.taken_at),
            up_to_date=decision.facts_version == dossier.facts_version,
        )
        for decision in rows
    ]


def _dossiers(ctx: ServiceContext, trainee_id: uuid.UUID) -> list[CaseDossierSummary]:
    rows = ctx.session.scalars(
        select(Dossier).where(Dossier.trainee_id == trainee_id).order_by(Dossier.created_at)
    )
    return [
        CaseDossierSummary(
            id=dossier.id,
            status=dossier.status,
            training=_training(ctx.session, dossier.training_id),
            documents=[document_view(ctx, document) for document in get_documents(ctx, dossier)],
            decisions=_decisions(ctx.session, dossier),
        )
        for dossier in rows
    ]


def _trainee(trainee: Trainee) -> CaseTrainee:
    return CaseTrainee(
        id=trainee.id,
        last_name=trainee.last_name,
        first_names=trainee.first_names,
        birth_date=trainee.birth_date,
        email=trainee.email,
        phone=trainee.phone,
        postcode=trainee.postcode,
        town=trainee.town,
    )


def case_file(ctx: ServiceContext, case: Case) -> CaseFile:
    """The read-only file shown with a case (its trainee, or its training for organisations)."""
    training = None if case.training_id is None else _training(ctx.session, case.training_id)
    if case.trainee_id is None:
        return CaseFile(trainee=None, training=training, dossiers=[], payments=[])
    trainee = ctx.session.get_one(Trainee, case.trainee_id)
    return CaseFile(
        trainee=_trainee(trainee),
        training=training,
        dossiers=_dossiers(ctx, trainee.id),
        payments=trainee_payments(ctx.session, trainee.id),
    )
