"""Recording that a relation-usagers case is needed (see ``CaseRequest``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models.case_requests import CaseRequest
from remuneration.domain.ids import new_id

__all__ = ["pending_case_requests", "request_case"]


def request_case(
    session: Session,
    *,
    cause_key: str,
    category: str,
    priority: str,
    summary: str,
    now: datetime,
    trainee_id: uuid.UUID | None = None,
    dossier_id: uuid.UUID | None = None,
    payment_id: uuid.UUID | None = None,
    payment_batch_id: uuid.UUID | None = None,
) -> CaseRequest:
    """Add a request to the outbox (flushed by the caller's transaction, never committed here).

    ``summary`` is French and free of personal numbers (no NIR, no IBAN).
    """
    request = CaseRequest(
        id=new_id(),
        cause_key=cause_key,
        category=category,
        priority=priority,
        trainee_id=trainee_id,
        dossier_id=dossier_id,
        payment_id=payment_id,
        payment_batch_id=payment_batch_id,
        summary=summary,
        requested_at=now,
        consumed_at=None,
        case_id=None,
    )
    session.add(request)
    session.flush()
    return request


def pending_case_requests(session: Session, *, limit: int = 500) -> list[CaseRequest]:
    """The requests not yet turned into cases, oldest first."""
    query = (
        select(CaseRequest)
        .where(CaseRequest.consumed_at.is_(None))
        .order_by(CaseRequest.requested_at, CaseRequest.id)
        .limit(limit)
    )
    return list(session.scalars(query))
