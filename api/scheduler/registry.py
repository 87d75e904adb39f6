"""The jobs the scheduler runs: one `JobSpec` per job, in one table.

A job is a plain idempotent function of its package, called as
``func(session, today=<French date of the slot>, now=<moment of the run>)``; it flushes, never
commits, and returns counts (or None). The runner owns the transaction, the job-run row and the
lease. Adding a job is one entry in `build_registry`, e.g.::

    JobSpec(
        name="advance_run",
        schedule=CronSchedule(minute="0", hour="6", day_of_week="mon-fri"),
        func=partial(advance_run_job, payer=payer, parameters=parameters, protector=protector),
        description="Versement quotidien des avances",
    )

where the job's body is `payments.jobs.advance_run_job` (job bodies live in their package; the
case queue's is `remuneration.cases.services.jobs.run_case_jobs`).

Functions that need more than the session and the time (the data key, the document store) get it
bound here with `functools.partial`: this module is the composition root of the scheduler.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Protocol

from sqlalchemy.orm import Session

from api.scheduler.slots import CronSchedule, MonthlyBusinessDaySchedule, Schedule
from api.scheduler.work import case_queue_job
from api.settings import Settings, parameter_store, payer_account, run_worker_from
from payments.jobs import advance_run_job, monthly_payment_run_job
from payments.run_calendar import policy_payment_run_date
from remuneration.cases.services.export import anonymise_cases
from remuneration.jobs import expire_idempotency_keys, remind_missing_attendance, retention_purge
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key

__all__ = ["JobFunction", "JobSpec", "build_registry", "registry_by_name"]


class JobFunction(Protocol):
    """What the runner calls for one slot."""

    def __call__(
        self, session: Session, *, today: date, now: datetime
    ) -> Mapping[str, int] | None: ...


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job: its name, when it runs, what it calls, and its run-once parameters.

    `grace`: how late a missed slot may still run (after downtime, once); `lease`: how long a
    run may hold the job before another process may consider it dead; `coalesce`: several missed
    slots run once, as the latest.
    """

    name: str
    schedule: Schedule
    func: JobFunction
    description: str
    grace: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=30)
    coalesce: bool = True


def build_registry(settings: Settings) -> tuple[JobSpec, ...]:
    """Every scheduled job, wired to the configuration."""
    protector = FieldProtector(decode_master_key(settings.data_key.get_secret_value()))
    store = DocumentStore(settings.document_store_dir, protector)
    payer, parameters = payer_account(settings), parameter_store()
    return (
        JobSpec(
            name="idempotency_expiry",
            schedule=CronSchedule(minute="15", hour="*"),
            func=expire_idempotency_keys,
            description="Suppression des clés d'idempotence expirées",
            grace=timedelta(hours=2),
        ),
        JobSpec(
            name="attendance_reminders",
            schedule=CronSchedule(minute="0", hour="7"),
            func=partial(remind_missing_attendance, protector=protector),
            description="Rappels aux organismes : états de présence manquants",
            grace=timedelta(hours=12),
        ),
        JobSpec(
            name="retention_purge",
            schedule=CronSchedule(minute="30", hour="2"),
            func=partial(
                retention_purge,
                protector=protector,
                delete_file=store.delete,
                apply=not settings.retention_dry_run,
                participants=(anonymise_cases,),
            ),
            description="Purge de conservation (RGPD) : anonymisation et suppression des fichiers",
            grace=timedelta(hours=6),
            lease=timedelta(hours=2),
        ),
        JobSpec(
            name="advance_run",
            schedule=CronSchedule(minute="0", hour="6", day_of_week="mon-fri"),
            func=partial(
                advance_run_job,
                payer=payer,
                parameters=parameters,
                protector=protector,
                worker_from=run_worker_from(settings),
            ),
            description="Versement quotidien des avances",
            grace=timedelta(hours=6),
            lease=timedelta(hours=1),
        ),
        JobSpec(
            name="monthly_payment_run",
            schedule=MonthlyBusinessDaySchedule(at=time(6, 0), run_date=policy_payment_run_date),
            func=partial(
                monthly_payment_run_job,
                payer=payer,
                parameters=parameters,
                protector=protector,
                worker_from=run_worker_from(settings),
            ),
            description="Paie mensuelle à terme échu",
            grace=timedelta(days=1),
            lease=timedelta(hours=2),
        ),
        JobSpec(
            name="case_queue",
            schedule=CronSchedule(minute="*/5", hour="*"),
            func=case_queue_job,
            description=(
                "File des cas : cas automatiques (retours de virement, trop-perçus, dossiers, "
                "présences), puis délais à risque et dépassés"
            ),
            grace=timedelta(minutes=15),
        ),
    )


def registry_by_name(jobs: Sequence[JobSpec]) -> dict[str, JobSpec]:
    """The jobs keyed by name (names are unique)."""
    by_name = {job.name: job for job in jobs}
    if len(by_name) != len(jobs):
        raise ValueError("two jobs share a name")
    return by_name
