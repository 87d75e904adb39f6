"""Monthly attendance statements sent by training organisations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import HOURS, Base

__all__ = ["AttendanceStatement", "AttendanceStatementLine"]


class AttendanceStatement(Base):
    """One training's statement for one month (`YYYY-MM`), covering all its trainees."""

    __tablename__ = "attendance_statements"
    __table_args__ = (UniqueConstraint("training_id", "month"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(Integer)
    corrections: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


class AttendanceStatementLine(Base):
    """One trainee's hours in a statement; `paid` is set by the payment run and locks the line."""

    __tablename__ = "attendance_statement_lines"
    __table_args__ = (UniqueConstraint("statement_id", "dossier_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attendance_statements.id"), index=True
    )
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    scheduled_hours: Mapped[Decimal] = mapped_column(HOURS)
    attended_hours: Mapped[Decimal] = mapped_column(HOURS)
    justified_absence_hours: Mapped[Decimal] = mapped_column(HOURS)
    unjustified_absence_hours: Mapped[Decimal] = mapped_column(HOURS)
    daily_allowances: Mapped[Decimal]
    hours_outside_work: Mapped[Decimal | None] = mapped_column(HOURS)
    paid: Mapped[bool]
    paid_at: Mapped[datetime | None]
