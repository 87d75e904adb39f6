"""The scheduled jobs of the remuneration package: plain, idempotent functions of a session and
the slot's date and time.

Each one flushes and never commits (the job runner in `api/` owns the transaction), reads no
clock (`today` is the French date of the slot, `now` the moment of the run) and returns counts
for the run's record, never personal data. Running one twice for the same day changes nothing
the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from remuneration.db.models import IdempotencyRecord
from remuneration.operations import load_operations_policy
from remuneration.services.attendance_reminders import record_attendance_reminders
from remuneration.services.protection import FieldProtector
from remuneration.services.retention import (
    RetentionParticipant,
    apply_retention,
    plan_retention,
)
from remuneration.services.system_actor import system_context

__all__ = ["expire_idempotency_keys", "remind_missing_attendance", "retention_purge"]


def expire_idempotency_keys(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    """Forget the replay records of `Idempotency-Key` whose time is up (kept at least 24 h)."""
    result = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now.astimezone(UTC))
    )
    return {"expired_keys": int(getattr(result, "rowcount", 0) or 0)}


def remind_missing_attendance(
    session: Session, *, today: date, now: datetime, protector: FieldProtector
) -> dict[str, int]:
    """Record a reminder per (training, month) whose attendance statement is overdue."""
    ctx = system_context(
        session, now=now, protector=protector, request_id=f"job-reminders-{today.isoformat()}"
    )
    policy = load_operations_policy(on=today).attendance_reminder
    report = record_attendance_reminders(ctx, today=today, policy=policy)
    return {"months_checked": report.months_checked, "reminders": report.reminders}


def retention_purge(
    session: Session,
    *,
    today: date,
    now: datetime,
    protector: FieldProtector,
    delete_file: Callable[[str], None],
    apply: bool = True,
    participants: Sequence[RetentionParticipant] = (),
) -> dict[str, int]:
    """Erase what is past its retention on `today` (or, with `apply=False`, only count it)."""
    policy = load_operations_policy(on=today).retention
    plan = plan_retention(session, today=today, policy=policy)
    if not apply:
        return {**plan.counts(), "applied": 0}
    ctx = system_context(
        session, now=now, protector=protector, request_id=f"job-retention-{today.isoformat()}"
    )
    done = apply_retention(ctx, plan, delete_file=delete_file, participants=participants)
    return {**done, "applied": 1}
