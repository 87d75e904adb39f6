"""Run each slot of each job once, whatever the number of scheduler processes.

A slot is claimed in a short transaction: the job's lease is taken (PostgreSQL: the claim is
serialised by ``pg_try_advisory_xact_lock`` on the job; SQLite: write transactions are
``BEGIN IMMEDIATE``; both: a `job_leases` row, held while the job runs, that expires if its holder
dies), then the `job_runs` row (unique on job and slot) is inserted as `running` and committed.
The job then runs in its own transaction, which also records `succeeded` and frees the lease, so
the job's effects and its record commit together; if it fails, it is rolled back and the row says
`failed`, with an error text free of personal data.

Time is an argument: `tick(now)` runs what is due at `now` (the slots of the last grace period
not yet run, coalesced into the latest one), so the same code serves the live scheduler, the
catch-up after downtime, `remu jobs run` and a simulated month.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time as monotonic
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from api.scheduler.registry import JobSpec, registry_by_name
from api.scheduler.slots import due_slots, local_instant
from remuneration.db.models import JobLease, JobRun
from remuneration.domain.masking import redact_text
from remuneration.domain.timezone import as_utc, aware_utc, paris_day
from remuneration.logs import REQUEST_ID

__all__ = [
    "JobRunner",
    "Outcome",
    "RunStatus",
    "SlotResult",
    "Trigger",
    "error_text",
    "process_holder",
]

_log = logging.getLogger("remu.jobs")
_MAX_ERROR = 500


class RunStatus(StrEnum):
    """The status stored on a job run."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Trigger(StrEnum):
    """Why a run happened: its schedule (or a catch-up of it), or an operator's command."""

    SCHEDULE = "schedule"
    MANUAL = "manual"


class Outcome(StrEnum):
    """What one attempt at a slot did."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    BUSY = "busy"


@dataclass(frozen=True, slots=True)
class SlotResult:
    """One attempt at one slot."""

    job: str
    scheduled_for: datetime
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class _Claim:
    run_id: uuid.UUID
    token: str


def process_holder() -> str:
    """This process, as lease holders and job runs name it (no personal data)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def error_text(error: BaseException) -> str:
    """A short error text for the job-run row: type and message, masked; a database error keeps
    only the first line of the driver's message (never the SQL parameters)."""
    if isinstance(error, StatementError) and error.orig is not None:
        lines = str(error.orig).splitlines()
        text = f"{type(error).__name__} ({type(error.orig).__name__}): {lines[0] if lines else ''}"
    else:
        text = f"{type(error).__name__}: {error}"
    return redact_text(text)[:_MAX_ERROR]


def _lock_key(job: str) -> int:
    digest = hashlib.sha256(f"remu-job:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class JobRunner:
    """Claims, runs and records slots of the jobs of one registry."""

    def __init__(
        self, sessions: sessionmaker[Session], jobs: Sequence[JobSpec], *, holder: str = ""
    ) -> None:
        self.sessions = sessions
        self.jobs: Mapping[str, JobSpec] = registry_by_name(jobs)
        self.holder = holder or process_holder()

    def tick(self, now: datetime) -> list[SlotResult]:
        """Run every job's due slots at `now` (the live tick, and the catch-up at start)."""
        latest = self._latest_slots()
        results: list[SlotResult] = []
        for spec in self.jobs.values():
            for slot in self._candidates(spec, aware_utc(now), latest.get(spec.name)):
                results.append(self.run_slot(spec.name, slot, now=now))
        return results

    def run_due(self, name: str, now: datetime) -> list[SlotResult]:
        """Run one job's due slots at `now` (what its cron trigger calls)."""
        latest = self._latest_slots().get(name)
        spec = self.jobs[name]
        return [
            self.run_slot(name, s, now=now) for s in self._candidates(spec, aware_utc(now), latest)
        ]

    def run_manual(self, name: str, *, now: datetime, for_day: date | None = None) -> SlotResult:
        """`remu jobs run`: now, or for a day (that day's first slot; a failed slot is retried)."""
        spec = self.jobs[name]
        if for_day is None:
            slot = aware_utc(now).replace(microsecond=0)
            return self.run_slot(name, slot, now=now, trigger=Trigger.MANUAL)
        slots = spec.schedule.slots_on(for_day)
        slot = slots[0] if slots else local_instant(for_day, time(0))
        return self.run_slot(
            name, slot, now=now, trigger=Trigger.MANUAL, today=for_day, retry_failed=True
        )

    def run_slot(
        self,
        name: str,
        slot: datetime,
        *,
        now: datetime,
        trigger: Trigger = Trigger.SCHEDULE,
        today: date | None = None,
        retry_failed: bool = False,
    ) -> SlotResult:
        """Claim `slot` of job `name` and run it, unless it is taken, done or superseded."""
        spec, slot, now = self.jobs[name], aware_utc(slot), aware_utc(now)
        try:
            claim = self._claim(spec, slot, now, trigger, retry_failed)
        except IntegrityError:
            claim = Outcome.SKIPPED
        if isinstance(claim, Outcome):
            return SlotResult(name, slot, claim)
        day = today or paris_day(slot)
        return SlotResult(name, slot, self._work(spec, slot, claim, now=now, today=day))

    def _latest_slots(self) -> dict[str, datetime]:
        query = (
            select(JobRun.job, func.max(JobRun.scheduled_for))
            .where(JobRun.trigger == Trigger.SCHEDULE.value)
            .group_by(JobRun.job)
        )
        with self.sessions() as session:
            return {job: as_utc(latest) for job, latest in session.execute(query)}

    def _candidates(self, spec: JobSpec, now: datetime, latest: datetime | None) -> list[datetime]:
        slots = due_slots(spec.schedule, now=now, grace=spec.grace)
        if latest is not None:
            slots = [slot for slot in slots if slot > latest]
        if spec.coalesce and len(slots) > 1:
            _log.warning("tâche %s : %d créneaux manqués, exécutée une fois", spec.name, len(slots))
            slots = slots[-1:]
        return slots

    def _take_lock(self, session: Session, job: str) -> bool:
        if session.get_bind().dialect.name != "postgresql":
            return True  # SQLite: the claim runs in a BEGIN IMMEDIATE transaction
        return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_lock_key(job)))))

    def _claim(
        self, spec: JobSpec, slot: datetime, now: datetime, trigger: Trigger, retry_failed: bool
    ) -> _Claim | Outcome:
        token = f"{self.holder}:{uuid.uuid4().hex[:8]}"
        with self.sessions.begin() as session:
            if not self._take_lock(session, spec.name):
                return Outcome.BUSY
            lease = session.execute(
                select(JobLease.holder, JobLease.expires_at).where(JobLease.job == spec.name)
            ).first()
            if lease is not None and as_utc(lease.expires_at) > now:
                return Outcome.BUSY
            if lease is not None:
                _abandon(session, spec.name, lease.holder, now)
            run = session.scalar(
                select(JobRun).where(JobRun.job == spec.name, JobRun.scheduled_for == slot)
            )
            if run is not None and not (retry_failed and run.status == RunStatus.FAILED):
                return Outcome.SKIPPED
            if run is None and trigger is Trigger.SCHEDULE and _superseded(session, spec, slot):
                return Outcome.SKIPPED
            run = _start_run(
                session, run, job=spec.name, slot=slot, trigger=trigger, token=token, now=now
            )
            _take_lease(session, spec, token, now)
            return _Claim(run.id, token)

    def _work(
        self, spec: JobSpec, slot: datetime, claim: _Claim, *, now: datetime, today: date
    ) -> Outcome:
        started = monotonic.perf_counter()
        request = REQUEST_ID.set(f"job-{claim.run_id.hex}")
        session = self.sessions()
        try:
            result = spec.func(session, today=today, now=now)
            finished = now + timedelta(seconds=monotonic.perf_counter() - started)
            _finish(session, spec.name, claim, RunStatus.SUCCEEDED, finished, outcome=result)
            session.commit()
            _log.info("tâche %s (créneau %s) terminée : %s", spec.name, slot.isoformat(), result)
        except Exception as error:
            session.rollback()
            text = error_text(error)
            _log.error("échec de la tâche %s (créneau %s) : %s", spec.name, slot.isoformat(), text)
            finished = now + timedelta(seconds=monotonic.perf_counter() - started)
            with self.sessions.begin() as record:
                _finish(record, spec.name, claim, RunStatus.FAILED, finished, error=text)
            return Outcome.FAILED
        finally:
            session.close()
            REQUEST_ID.reset(request)
        return Outcome.SUCCEEDED


def _take_lease(session: Session, spec: JobSpec, token: str, now: datetime) -> None:
    """Replace whatever lease row is there (an expired one, or one a finishing run is deleting
    at this very moment) by ours; claims are serialised, so no other claim inserts meanwhile."""
    session.execute(delete(JobLease).where(JobLease.job == spec.name))
    session.execute(
        insert(JobLease).values(
            job=spec.name, holder=token, acquired_at=now, expires_at=now + spec.lease
        )
    )


def _superseded(session: Session, spec: JobSpec, slot: datetime) -> bool:
    """A later slot of the job already ran: never go back in time (coalescing stays coherent
    across processes)."""
    later = session.scalar(
        select(func.count())
        .select_from(JobRun)
        .where(
            JobRun.job == spec.name,
            JobRun.trigger == Trigger.SCHEDULE.value,
            JobRun.scheduled_for > slot,
        )
    )
    return bool(later)


def _abandon(session: Session, job: str, holder: str, now: datetime) -> None:
    """Runs left `running` by a holder whose lease expired died with their process."""
    session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.holder == holder, JobRun.status == RunStatus.RUNNING)
        .values(status=RunStatus.FAILED.value, finished_at=now, error="interrompue (bail expiré)")
    )


def _start_run(
    session: Session,
    run: JobRun | None,
    *,
    job: str,
    slot: datetime,
    trigger: Trigger,
    token: str,
    now: datetime,
) -> JobRun:
    if run is None:
        run = JobRun(
            id=uuid.uuid4(), job=job, scheduled_for=slot, trigger=trigger.value, attempts=0
        )
        session.add(run)
    run.status, run.holder, run.started_at = RunStatus.RUNNING.value, token, now
    run.attempts += 1
    run.finished_at, run.outcome, run.error = None, None, None
    session.flush()
    return run


def _finish(
    session: Session,
    job: str,
    claim: _Claim,
    status: RunStatus,
    finished: datetime,
    *,
    outcome: Mapping[str, int] | None = None,
    error: str | None = None,
) -> None:
    session.execute(
        update(JobRun)
        .where(JobRun.id == claim.run_id)
        .values(
            status=status.value,
            finished_at=finished,
            outcome=dict(outcome) if outcome else None,
            error=error,
        )
    )
    session.execute(delete(JobLease).where(JobLease.job == job, JobLease.holder == claim.token))
