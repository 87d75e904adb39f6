"""The "case needed" outbox: problems other packages detect, for the case queue to pick up.

Payments (a returned transfer, an overpayment that cannot be offset), dossier checks and jobs
record here that a relation-usagers case is needed; the case queue turns each request into a case,
once per cause (``cause_key``) while that case is open. Writers and the queue stay decoupled: a
payment run does not need the case queue to be deployed to record what it found.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import Base

__all__ = ["CaseRequest"]


class CaseRequest(Base):
    """One detected problem waiting to become (or to be added to) a case."""

    __tablename__ = "case_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cause_key: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(10))
    trainee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainees.id"))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("dossiers.id"))
    payment_id: Mapped[uuid.UUID | None]
    payment_batch_id: Mapped[uuid.UUID | None]
    summary: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    consumed_at: Mapped[datetime | None] = mapped_column(index=True)
    case_id: Mapped[uuid.UUID | None]
