"""A trainee's cases for the RGPD access export (article 15): cases, their entries (messages
and internal notes: both are data about the trainee) and their event history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from remuneration.cases.models import Case, CaseEntry, CaseEvent
from remuneration.db.base import Base

__all__ = ["cases_of_trainee"]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _row(row: Base) -> dict[str, Any]:
    return {column.key: _plain(getattr(row, column.key)) for column in row.__table__.columns}


def cases_of_trainee(
    session: Session, trainee_id: uuid.UUID, dossier_ids: Sequence[uuid.UUID]
) -> list[dict[str, Any]]:
    """Every case linked to the trainee or to one of their dossiers, oldest first."""
    links = [Case.trainee_id == trainee_id]
    if dossier_ids:
        links.append(Case.dossier_id.in_(dossier_ids))
    cases = session.scalars(select(Case).where(or_(*links)).order_by(Case.created_at)).all()
    exported = []
    for case in cases:
        entries = session.scalars(
            select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(CaseEntry.created_at)
        ).all()
        events = session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        ).all()
        exported.append(
            {
                **_row(case),
                "entries": [_row(entry) for entry in entries],
                "events": [_row(event) for event in events],
            }
        )
    return exported
