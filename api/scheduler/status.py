"""The state of every job for operators (`remu jobs list`) and for `/metrics`: next slot, last
run, its status and error, last success."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.scheduler.registry import JobSpec
from api.scheduler.runner import RunStatus
from api.scheduler.slots import next_slot
from remuneration.db.models import JobRun
from remuneration.domain.timezone import as_utc

__all__ = ["JobState", "job_states", "last_successes", "outcome_note"]


@dataclass(frozen=True, slots=True)
class JobState:
    """One job as an operator sees it."""

    name: str
    description: str
    schedule: str
    next_run: datetime | None
    last_slot: datetime | None
    last_status: str | None
    last_started: datetime | None
    last_finished: datetime | None
    last_error: str | None
    last_success: datetime | None
    last_note: str | None = None


_NOTES = {
    "nothing_to_pay": "rien à payer",
    "not_a_business_day": "jour non ouvré (TARGET2 ou France) : pas de paiement",
}


def outcome_note(outcome: Mapping[str, object] | None) -> str | None:
    """What a finished run says in words (« rien à payer »), from its outcome counts."""
    if not outcome:
        return None
    notes = [text for key, text in _NOTES.items() if outcome.get(key)]
    return " ; ".join(notes) or None


def last_successes(session: Session) -> dict[str, datetime]:
    """When each job last finished successfully (jobs that never succeeded are absent)."""
    query = (
        select(JobRun.job, func.max(JobRun.finished_at))
        .where(JobRun.status == RunStatus.SUCCEEDED.value)
        .group_by(JobRun.job)
    )
    return {job: as_utc(moment) for job, moment in session.execute(query) if moment is not None}


def _last_run(session: Session, job: str) -> JobRun | None:
    query = (
        select(JobRun)
        .where(JobRun.job == job)
        .order_by(JobRun.started_at.desc(), JobRun.scheduled_for.desc())
        .limit(1)
    )
    return session.scalar(query)


def _optional(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def job_states(session: Session, jobs: Sequence[JobSpec], *, now: datetime) -> list[JobState]:
    """Every registered job with its next slot after `now` and its last run."""
    successes = last_successes(session)
    states: list[JobState] = []
    for spec in jobs:
        run = _last_run(session, spec.name)
        states.append(
            JobState(
                name=spec.name,
                description=spec.description,
                schedule=spec.schedule.describe(),
                next_run=next_slot(spec.schedule, after=now),
                last_slot=_optional(run.scheduled_for) if run else None,
                last_status=run.status if run else None,
                last_started=_optional(run.started_at) if run else None,
                last_finished=_optional(run.finished_at) if run else None,
                last_error=run.error if run else None,
                last_success=successes.get(spec.name),
                last_note=outcome_note(run.outcome) if run else None,
            )
        )
    return states
