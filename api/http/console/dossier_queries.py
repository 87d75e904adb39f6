"""The instructors' dossier list: tabs with counters and filters (training, organisation,
missing documents), read in the page's session. Read-only queries on the remuneration tables.

Tabs: « à instruire » (submitted), « incomplets », « en attente de l'organisme » (granted, the
training ran last month and its attendance statement for that month has not come), « décidés »
(granted or rejected). « Pièces manquantes »: fewer than the three documents verified.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from remuneration.db.models import AttendanceStatement, Document, Dossier, Trainee, Training
from remuneration.domain.states import DossierStatus
from remuneration.domain.vocabulary import DocumentKind, VerificationStatus
from rules.periods import Month

__all__ = ["DOSSIER_TABS", "DossierFilters", "DossierRow", "dossier_page", "tab_counts"]

DOSSIER_TABS = {
    "a-instruire": "À instruire",
    "incomplets": "Incomplets",
    "attente-organisme": "En attente de l'organisme",
    "decides": "Décidés",
    "tous": "Tous",
}


@dataclass(frozen=True, slots=True)
class DossierFilters:
    """What the instructor asked for (each filter is shown as a removable tag)."""

    tab: str = "a-instruire"
    training_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    missing_documents: bool = False
    text: str | None = None


@dataclass(frozen=True, slots=True)
class DossierRow:
    """One line of the list."""

    dossier: Dossier
    trainee: Trainee
    training: Training


def _tab_condition(tab: str, today: date) -> ColumnElement[bool]:
    month = Month.of(today).previous
    first, last = month.first_day, month.last_day
    statement_missing = ~exists().where(
        AttendanceStatement.training_id == Dossier.training_id,
        AttendanceStatement.month == str(month),
    )
    conditions: dict[str, ColumnElement[bool]] = {
        "a-instruire": Dossier.status == DossierStatus.SUBMITTED.value,
        "incomplets": Dossier.status == DossierStatus.INCOMPLETE.value,
        "attente-organisme": and_(
            Dossier.status == DossierStatus.GRANTED.value,
            Training.start_date <= last,
            Training.end_date >= first,
            statement_missing,
        ),
        "decides": Dossier.status.in_((DossierStatus.GRANTED.value, DossierStatus.REJECTED.value)),
    }
    return conditions.get(tab, Dossier.id.is_not(None))


def _documents_missing() -> ColumnElement[bool]:
    verified = (
        select(func.count(Document.id))
        .where(
            Document.dossier_id == Dossier.id,
            Document.verification_status == VerificationStatus.VERIFIED.value,
        )
        .scalar_subquery()
    )
    return verified < len(DocumentKind)


def _filtered(filters: DossierFilters, today: date, *, with_tab: bool) -> Select[tuple[Dossier]]:
    query = (
        select(Dossier)
        .join(Trainee, Trainee.id == Dossier.trainee_id)
        .join(Training, Training.id == Dossier.training_id)
    )
    if with_tab:
        query = query.where(_tab_condition(filters.tab, today))
    if filters.training_id is not None:
        query = query.where(Dossier.training_id == filters.training_id)
    if filters.organisation_id is not None:
        query = query.where(Training.organisation_id == filters.organisation_id)
    if filters.missing_documents:
        query = query.where(_documents_missing())
    if filters.text:
        pattern = f"%{filters.text.lower()}%"
        query = query.where(
            or_(
                func.lower(Trainee.last_name).like(pattern),
                func.lower(Trainee.first_names).like(pattern),
            )
        )
    return query


def tab_counts(session: Session, filters: DossierFilters, today: date) -> dict[str, int]:
    """Counters of every tab under the other filters."""
    counts = {}
    for tab in DOSSIER_TABS:
        query = _filtered(filters, today, with_tab=False).where(_tab_condition(tab, today))
        counts[tab] = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return counts


def dossier_page(
    session: Session, filters: DossierFilters, today: date, *, page: int, page_size: int
) -> tuple[list[DossierRow], int]:
    """One page of the tab's dossiers (oldest submission first: first come, first served)."""
    query = _filtered(filters, today, with_tab=True)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.add_columns(Trainee, Training)
        .order_by(Dossier.submitted_at.is_(None), Dossier.submitted_at, Dossier.created_at)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [DossierRow(dossier, trainee, training) for dossier, trainee, training in rows], total
