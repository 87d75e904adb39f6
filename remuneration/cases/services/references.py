"""Allocating readable case references (``C-2024-004217``) safely under concurrency.

One counter row per year. The row is created if missing (``INSERT … ON CONFLICT DO NOTHING``,
so two first cases of a year do not collide), then incremented by one ``UPDATE … RETURNING``:
the database's row lock serialises concurrent increments, so two transactions never get the
same number, and the unique constraint on ``cases.reference`` stays as the last guard.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from remuneration.cases.domain import format_case_reference, reference_year
from remuneration.cases.models import CaseReferenceCounter
from remuneration.domain.timezone import PARIS

__all__ = ["allocate_reference"]


def _ensure_counter(session: Session, year: int) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(CaseReferenceCounter)
        .values(year=year, last_sequence=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    session.execute(statement)


def allocate_reference(session: Session, *, created_at: datetime) -> str:
    """The next reference of the (Paris) year of ``created_at``."""
    year = reference_year(created_at, PARIS)
    _ensure_counter(session, year)
    statement = (
        update(CaseReferenceCounter)
        .where(CaseReferenceCounter.year == year)
        .values(last_sequence=CaseReferenceCounter.last_sequence + 1)
        .returning(CaseReferenceCounter.last_sequence)
        .execution_options(synchronize_session=False)
    )
    sequence = session.execute(statement).scalar_one()
    return format_case_reference(year=year, sequence=sequence)
