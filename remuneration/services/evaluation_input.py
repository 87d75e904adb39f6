"""Build the evaluation contract's request from what is stored about a dossier.

Every part is written through ``rules.contract_fields.emit``, so a field name out of the
contract fails at once. Unknown facts are left out (never turned into false or zero: the engine
names them in `missing`). Only verified documents count as received. NIR and IBAN are decrypted
in memory for the engine and never written anywhere in clear. The parts are shared with the
bulk reader of ``payments.facts`` (same requests, one query per table).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, bindparam, select

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
from remuneration.services.protection import FieldProtector
from rules.contract_fields import (
    AIDS,
    DOCUMENTS,
    EXIT,
    HISTORY,
    IDENTITY,
    INSERTION,
    MONTHS,
    REQUEST,
    RIB,
    TRAINEE,
    TRAINING,
    VITALE,
    emit,
)

__all__ = [
    "IBAN_CONTEXT",
    "NIR_CONTEXT",
    "StoredRows",
    "aid_part",
    "aids_in_request_order",
    "build_request",
    "document_part",
    "documents_part",
    "month_part",
    "request_of",
    "trainee_part",
    "training_part",
    "verified_document_part",
]

NIR_CONTEXT = "documents.nir"
IBAN_CONTEXT = "documents.iban"


def trainee_part(dossier: Dossier | Any, trainee: Trainee | Any) -> dict[str, Any]:
    """The request's ``trainee``: from ORM objects or from table rows with the same columns."""
    insertion: dict[str, Any] | None = None
    if dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE:
        insertion = emit(
            INSERTION,
            {
                "contract": dossier.insertion_contract,
                "are_complement": dossier.insertion_are_complement,
                "training_hours_outside_work": dossier.insertion_hours_outside_work,
            },
        )
    return emit(
        TRAINEE,
        {
            "last_name": trainee.last_name,
            "first_names": trainee.first_names,
            "birth_date": trainee.birth_date,
            "sex": trainee.sex,
            "status": dossier.trainee_status,
            "france_travail_registered": dossier.france_travail_registered,
            "france_travail_indemnity": dossier.france_travail_indemnity,
            "insertion": insertion,
        },
    )


def training_part(dossier: Dossier | Any, training: Training | Any) -> dict[str, Any]:
    """The request's ``training`` (the distance is declared on the dossier)."""
    return emit(
        TRAINING,
        {
            "programme": training.programme,
            "approved_for_remuneration": training.approved_for_remuneration,
            "start_date": training.start_date,
            "end_date": training.end_date,
            "total_hours": training.total_hours,
            "weekly_hours": training.weekly_hours,
            "distance_km": dossier.distance_km,
            "licence_useful_for_trade": training.licence_useful_for_trade,
        },
    )


def document_part(
    ctx: ServiceContext, document: Document, *, verified_only: bool = True
) -> dict[str, Any] | None:
    """A document as the engine reads it (only a verified one counts, unless asked): the
    document checks read an unverified one too, as soon as it is stored."""
    if verified_only and document.verification_status != VerificationStatus.VERIFIED:
        return None
    found = verified_document_part(ctx.protector, document)
    return None if found is None else found[1]


def verified_document_part(
    protector: FieldProtector, document: Document | Any
) -> tuple[str, dict[str, Any]] | None:
    """A verified document as the request's ``documents`` holds it: its kind and its part
    (NIR and IBAN decrypted in memory); ``None`` for a document the engine does not read."""
    if document.kind == DocumentKind.IDENTITY:
        return "identity", emit(
            IDENTITY,
            {"type": document.identity_type, "expiry_date": document.identity_expiry_date},
        )
    if document.kind == DocumentKind.VITALE and document.nir_encrypted is not None:
        nir = protector.decrypt(document.nir_encrypted, context=NIR_CONTEXT)
        return "vitale", emit(VITALE, {"nir": nir})
    if document.kind == DocumentKind.RIB and document.iban_encrypted is not None:
        iban = protector.decrypt(document.iban_encrypted, context=IBAN_CONTEXT)
        return "rib", emit(RIB, {"iban": iban, "holder": document.holder, "bic": document.bic})
    return None


def documents_part(parts: Iterable[tuple[str, dict[str, Any]] | None]) -> dict[str, Any]:
    """The request's ``documents``: each kind not received is written ``null``."""
    part: dict[str, Any] = {kind.value: None for kind in DocumentKind}
    for item in parts:
        if item is not None:
            part[item[0]] = item[1]
    return emit(DOCUMENTS, part)


def month_part(
    month: str, line: AttendanceStatementLine | Any, *, insertion: bool
) -> dict[str, Any]:
    """One item of the request's ``months`` from an attendance line."""
    return emit(
        MONTHS,
        {
            "month": month,
            "scheduled_hours": line.scheduled_hours,
            "attended_hours": line.attended_hours,
            "justified_absence_hours": line.justified_absence_hours,
            "unjustified_absence_hours": line.unjustified_absence_hours,
            "daily_allowances": line.daily_allowances,
            "hours_outside_work": line.hours_outside_work if insertion else None,
        },
    )


def aid_part(aid: AidRequest | Any) -> dict[str, Any]:
    """One item of the request's ``aid_requests``."""
    return emit(
        AIDS,
        {
            "kind": aid.kind,
            "date": aid.request_date,
            "invoice_amount": aid.invoice_amount,
            "cost": aid.cost,
            "other_funding": aid.other_funding,
            "code_status": aid.code_status,
        },
    )


def request_of(
    dossier: Dossier | Any,
    *,
    as_of: date,
    parts: dict[str, Any],
    exit_row: Exit | Any | None,
    person: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole request: ``parts`` holds trainee, training, documents, months, aid_requests;
    the exit and the history are read from the dossier's rows, ``person`` is what is known of
    the same person's other dossiers (``remuneration.services.person_history``)."""
    exit_part = (
        None
        if exit_row is None
        else emit(EXIT, {"date": exit_row.exit_date, "reason": exit_row.reason})
    )
    history = emit(
        HISTORY,
        {"driving_licence_aid_received": dossier.driving_licence_aid_received, **(person or {})},
    )
    return emit(REQUEST, {"as_of": as_of, **parts, "exit": exit_part, "history": history})


# Built once, with bind parameters: read on every dossier view (document checks) and decision;
# building a statement per call costs about as much as running it.
_DOSSIER: BindParameter[uuid.UUID] = bindparam("dossier_id")
_DOCUMENTS_OF = select(Document).where(Document.dossier_id == _DOSSIER)
_MONTHS_OF = (
    select(AttendanceStatement.month, AttendanceStatementLine)
    .join(AttendanceStatement, AttendanceStatement.id == AttendanceStatementLine.statement_id)
    .where(AttendanceStatementLine.dossier_id == _DOSSIER)
    .order_by(AttendanceStatement.month)
)
_AIDS_OF = (
    select(AidRequest)
    .where(AidRequest.dossier_id == _DOSSIER)
    .order_by(AidRequest.created_at, AidRequest.request_date, AidRequest.id)
)
_EXIT_OF = select(Exit).where(Exit.dossier_id == _DOSSIER)
# Not `Session.get`, which builds its statement and cache key on each call missing the identity
# map (about 0.1 ms more than a prebuilt one).
_TRAINING_BY_ID = select(Training).where(Training.id == bindparam("training_id"))


def _documents_part(ctx: ServiceContext, dossier: Dossier) -> dict[str, Any]:
    documents = ctx.session.scalars(_DOCUMENTS_OF, {"dossier_id": dossier.id})
    return documents_part(
        verified_document_part(ctx.protector, document)
        for document in documents
        if document.verification_status == VerificationStatus.VERIFIED
    )


def _months_part(ctx: ServiceContext, dossier: Dossier) -> list[dict[str, Any]]:
    rows = ctx.session.execute(_MONTHS_OF, {"dossier_id": dossier.id})
    insertion = dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE
    return [month_part(month, line, insertion=insertion) for month, line in rows.tuples()]


def _aids_part(ctx: ServiceContext, dossier: Dossier) -> list[dict[str, Any]]:
    requests = ctx.session.scalars(_AIDS_OF, {"dossier_id": dossier.id})
    return [aid_part(aid) for aid in requests]


@dataclass(frozen=True, slots=True)
class StoredRows:
    """What the dossier view has already read of a dossier, so that its document checks do not
    read it again: the exit (or none) and the aid requests (in any order)."""

    exit_row: Exit | None
    aids: Sequence[AidRequest]


def aids_in_request_order(aids: Iterable[AidRequest]) -> list[AidRequest]:
    """The aid requests in the request's order (creation, request date, id), as `_AIDS_OF`
    reads them."""
    return sorted(aids, key=lambda aid: (aid.created_at, aid.request_date, aid.id))


def build_request(
    ctx: ServiceContext,
    dossier: Dossier,
    *,
    as_of: date,
    documents: dict[str, Any] | None = None,
    stored: StoredRows | None = None,
    person: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The contract request for `dossier` as it is stored now, decided on `as_of`
    (``documents``: the request's documents part, when the caller has built it; ``stored``:
    the rows the caller has already read; ``person``: the history facts, when known)."""
    trainee = ctx.session.get_one(Trainee, dossier.trainee_id)
    training = ctx.session.execute(
        _TRAINING_BY_ID, {"training_id": dossier.training_id}
    ).scalar_one()
    if stored is None:
        exit_row = ctx.session.scalar(_EXIT_OF, {"dossier_id": dossier.id})
        aids = _aids_part(ctx, dossier)
    else:
        exit_row = stored.exit_row
        aids = [aid_part(aid) for aid in aids_in_request_order(stored.aids)]
    if person is None:
        person = histories(ctx.session, [dossier.id])[dossier.id]
    parts = {
        "trainee": trainee_part(dossier, trainee),
        "training": training_part(dossier, training),
        "documents": _documents_part(ctx, dossier) if documents is None else documents,
        "months": _months_part(ctx, dossier),
        "aid_requests": aids,
    }
    return request_of(dossier, as_of=as_of, parts=parts, exit_row=exit_row, person=person)
