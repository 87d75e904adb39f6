"""A trainee's cases and the RGPD: the access export (article 15: cases, their entries —
messages and internal notes, both data about the trainee — and their history), and what the
retention purge blanks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from remuneration.cases.models import Case, CaseEntry, CaseEvent
from remuneration.services.context import ServiceContext
from remuneration.services.gdpr import plain_row

__all__ = ["ANONYMISED_TEXT", "anonymise_cases", "cases_of_trainee"]


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
                **plain_row(case),
                "entries": [plain_row(entry) for entry in entries],
                "events": [plain_row(event) for event in events],
            }
        )
    return exported


ANONYMISED_TEXT = "[anonymisé]"


def anonymise_cases(ctx: ServiceContext, trainee_ids: Sequence[uuid.UUID]) -> int:
    """Retention: the free texts of a purged trainee's cases (subject, messages, notes) are
    blanked; categories, dates and deadlines stay for the service's statistics. The event
    history is append-only and only ever holds summaries. Returns the number of cases."""
    if not trainee_ids:
        return 0
    cases = ctx.session.scalars(select(Case).where(Case.trainee_id.in_(trainee_ids))).all()
    for case in cases:
        case.subject = ANONYMISED_TEXT
        entries = ctx.session.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id))
        for entry in entries:
            entry.body = ANONYMISED_TEXT
    return len(cases)
