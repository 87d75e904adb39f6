"""What finance sees at a glance: the runs and the batches, newest first, with their status,
totals and who prepared, approved and released each batch (``remu payments list``,
``GET /v1/payment-runs``, ``GET /v1/payment-batches``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.models import PaymentBatch, PaymentRun
from payments.queries import Page, paged
from remuneration.db.models import User

__all__ = ["list_batches", "list_runs", "user_names"]


def list_runs(
    session: Session, *, kind: str | None = None, page: int = 1, page_size: int = 50
) -> Page:
    """Payment runs, the latest started first."""
    query = select(PaymentRun)
    if kind is not None:
        query = query.where(PaymentRun.kind == kind)
    query = query.order_by(PaymentRun.started_at.desc(), PaymentRun.period.desc())
    return paged(session, query, page, page_size)


def list_batches(
    session: Session,
    *,
    status: str | None = None,
    run_id: uuid.UUID | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """Payment batches, the latest prepared first."""
    query = select(PaymentBatch)
    if status is not None:
        query = query.where(PaymentBatch.status == status)
    if run_id is not None:
        query = query.where(PaymentBatch.run_id == run_id)
    query = query.order_by(PaymentBatch.prepared_at.desc(), PaymentBatch.message_id)
    return paged(session, query, page, page_size)


def user_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """The users' names (for the command line: who prepared, approved, released)."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(list(wanted))))
    return {row.id: row.name for row in rows}
