"""The append-only audit log (who, when, what, before/after, request id).

Events point at their object by a type and an id rather than a foreign key, so that every later
table (payments, payment batches, bank returns, cases, job runs) can be audited without changing
this one, and so that the log survives the anonymisation of what it describes. The migration adds
triggers that refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import AUTOINCREMENT_BIGINT, Base

__all__ = ["AuditEvent"]


class AuditEvent(Base):
    """One audited action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(AUTOINCREMENT_BIGINT, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
