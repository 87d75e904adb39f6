"""Everything remu stores about one trainee, as JSON (RGPD art. 15, right of access).

The export holds the trainee, their dossiers with the metadata of their documents (never the
files), decisions (with the engine's result), attendance lines, aid requests, exits, the cases
requested about them and the audit events about any of these. The NIR and IBAN are masked unless
the caller explicitly asks to reveal them; every export is itself audited, with that choice.
Other packages (payments, the case queue) add their share through `sections`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from remuneration.db.base import Base
from remuneration.db.models import (
    AidRequest,
    AttendanceStatement,
    AttendanceStatementLine,
    AuditEvent,
    CaseRequest,
    Decision,
    Document,
    Dossier,
    Exit,
    Trainee,
)
from remuneration.domain.errors import NotFound
from remuneration.domain.masking import mask_iban, mask_nir
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from remuneration.services.documents import revealed_iban, revealed_nir

__all__ = ["ExportSection", "export_trainee", "plain_row"]

ExportSection = Callable[[Session, uuid.UUID, Sequence[uuid.UUID]], list[dict[str, Any]]]
"""(session, trainee id, dossier ids) → rows of another package about this trainee."""

_SECRET_COLUMNS = frozenset(
    {"nir_encrypted", "nir_hash", "iban_encrypted", "iban_hash", "input_encrypted", "stored_name"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def plain_row(row: Base, skip: Iterable[str] = ()) -> dict[str, Any]:
    """A table row as JSON-ready values, without its encrypted or hashed columns."""
    hidden = _SECRET_COLUMNS | set(skip)
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in hidden
    }


def _document(ctx: ServiceContext, document: Document, reveal: bool) -> dict[str, Any]:
    data = plain_row(document)
    nir, iban = revealed_nir(ctx, document), revealed_iban(ctx, document)
    data["nir"] = nir if reveal or nir is None else mask_nir(nir)
    data["iban"] = iban if reveal or iban is None else mask_iban(iban)
    data["file_kept"] = document.stored_name is not None
    return data


def _decision(decision: Decision) -> dict[str, Any]:
    data = plain_row(decision, skip=("result_json",))
    data["result"] = json.loads(decision.result_json)
    return data


def _attendance(session: Session, dossier_id: uuid.UUID) -> list[dict[str, Any]]:
    query = (
        select(AttendanceStatementLine, AttendanceStatement.month)
        .join(AttendanceStatement, AttendanceStatement.id == AttendanceStatementLine.statement_id)
        .where(AttendanceStatementLine.dossier_id == dossier_id)
        .order_by(AttendanceStatement.month)
    )
    return [{"month": month, **plain_row(line)} for line, month in session.execute(query)]


def _dossier(ctx: ServiceContext, dossier: Dossier, reveal: bool) -> dict[str, Any]:
    session = ctx.session

    def rows(model: type[Any], order: Any) -> list[Any]:
        return list(
            session.scalars(select(model).where(model.dossier_id == dossier.id).order_by(order))
        )

    return {
        **plain_row(dossier),
        "documents": [_document(ctx, d, reveal) for d in rows(Document, Document.kind)],
        "decisions": [_decision(d) for d in rows(Decision, Decision.number)],
        "aid_requests": [plain_row(a) for a in rows(AidRequest, AidRequest.created_at)],
        "exit": next((plain_row(e) for e in rows(Exit, Exit.recorded_at)), None),
        "attendance": _attendance(session, dossier.id),
    }


def _audit_events(
    session: Session, trainee_id: uuid.UUID, dossiers: Sequence[Dossier]
) -> list[dict[str, Any]]:
    dossier_ids = [d.id for d in dossiers]
    entity_ids = [str(trainee_id), *(str(i) for i in dossier_ids)]
    query = (
        select(AuditEvent)
        .where(or_(AuditEvent.dossier_id.in_(dossier_ids), AuditEvent.entity_id.in_(entity_ids)))
        .order_by(AuditEvent.id)
    )
    return [plain_row(event) for event in session.scalars(query)]


def _case_requests(
    session: Session, trainee_id: uuid.UUID, dossier_ids: Sequence[uuid.UUID]
) -> list[dict[str, Any]]:
    query = (
        select(CaseRequest)
        .where(or_(CaseRequest.trainee_id == trainee_id, CaseRequest.dossier_id.in_(dossier_ids)))
        .order_by(CaseRequest.requested_at)
    )
    return [plain_row(request) for request in session.scalars(query)]


def export_trainee(
    ctx: ServiceContext,
    trainee_id: uuid.UUID,
    *,
    reveal: bool = False,
    sections: Mapping[str, ExportSection] | None = None,
) -> dict[str, Any]:
    """The trainee's data as a JSON-ready dict; audited (`gdpr.export`, with `revealed`)."""
    trainee = ctx.session.get(Trainee, trainee_id)
    if trainee is None:
        raise NotFound("Stagiaire introuvable.", field="trainee_id")
    dossiers = list(
        ctx.session.scalars(
            select(Dossier).where(Dossier.trainee_id == trainee_id).order_by(Dossier.created_at)
        )
    )
    dossier_ids = [d.id for d in dossiers]
    export: dict[str, Any] = {
        "exported_at": ctx.now.isoformat(),
        "nir_and_iban": "en clair" if reveal else "masqués",
        "trainee": plain_row(trainee),
        "dossiers": [_dossier(ctx, dossier, reveal) for dossier in dossiers],
        "case_requests": _case_requests(ctx.session, trainee_id, dossier_ids),
        "audit_events": _audit_events(ctx.session, trainee_id, dossiers),
    }
    for name, section in (sections or {}).items():
        export[name] = section(ctx.session, trainee_id, dossier_ids)
    record_event(
        ctx,
        action="gdpr.export",
        entity_type="trainee",
        entity_id=trainee_id,
        after={"revealed": reveal, "dossiers": len(dossiers)},
    )
    ctx.session.flush()
    return export
