"""Scheduled jobs: one row per run of a job for a slot, the per-job lease, and the reminders the
attendance job recorded.

`job_runs` is unique on (job, scheduled_for): whatever the number of scheduler processes, a slot
is claimed once, and the row shows what happened to it (running, succeeded, failed, with an error
text free of personal data). `job_leases` keeps one job from running two slots at the same time
across processes (on PostgreSQL the claim is also serialised by an advisory lock).
`attendance_reminders` is the outbox of reminders to training organisations: one per (training,
month), whatever the number of job runs.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import Base

__all__ = ["AttendanceReminder", "JobLease", "JobRun"]


class JobRun(Base):
    """One run of one job for one slot (`scheduled_for`, UTC)."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "scheduled_for"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), index=True)
    scheduled_for: Mapped[datetime]
    trigger: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), index=True)
    holder: Mapped[str] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class JobLease(Base):
    """Who runs a job right now, until when (a crashed holder's lease simply expires)."""

    __tablename__ = "job_leases"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AttendanceReminder(Base):
    """A reminder owed to a training organisation: a month's attendance statement is missing.

    `notified_at` stays empty until a messaging channel sends it (the row is the outbox).
    """

    __tablename__ = "attendance_reminders"
    __table_args__ = (UniqueConstraint("training_id", "month"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    training_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainings.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_organisations.id"), index=True
    )
    month: Mapped[str] = mapped_column(String(7))
    due_on: Mapped[date]
    recorded_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]
