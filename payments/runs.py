"""Payment runs: the daily advance run and the monthly run (à terme échu).

A run is one transaction: it evaluates the stored facts of every dossier with a granted
decision (the engine, ``evaluate_request``), pays the lines not yet paid within its scope plus
the regularisations of corrected months, offsets overpayments, records new ones, re-issues refused
transfers whose RIB was verified again, issues recovery orders for overpayments that can no longer
be offset, then writes, validates and stores the batch's pain.001. A crash anywhere leaves nothing;
running the same (kind, period) again returns the first run.

Two runs started at once are serialised (PostgreSQL: an advisory transaction lock; SQLite:
``BEGIN IMMEDIATE``), and the unique key (kind, period) settles any race that remains.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, select, text
from sqlalchemy.exc import IntegrityError

from payments.batch_files import build_file, sepa_country_list
from payments.calendar import execution_date_refusal, is_payment_business_day
from payments.config import PayerAccount, procedure_rules
from payments.errors import RunConflict, RunRefused
from payments.lines import ADVANCE_SCOPE, RunScope, monthly_scope
from payments.models import PaymentLine, PaymentRun
from payments.overpayments import issue_recovery_orders
from payments.reissues import reissue_refused_payments
from payments.run_chunks import ChunkWork, Progress, chunk_pairs, pay_chunks
from payments.run_writer import RunWriter
from payments.vocabulary import RUN_KIND_LABELS, RunKind, RunStatus
from remuneration.db.models import Decision, Dossier, Exit, Training
from remuneration.domain.vocabulary import TraineeStatus
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from rules import LineKind, Month
from rules.french import fr_date, fr_of_month

__all__ = ["WORKER_FROM_DOSSIERS", "RunOutcome", "RunRequest", "find_run", "start_run"]

_LOCK_KEY = 0x72656D75  # "remu": one payment run at a time on PostgreSQL
#: From this many dossiers a run computes its chunks in a worker process (measured: ...).
WORKER_FROM_DOSSIERS = 5_000


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What finance asks for: the kind, the period and the requested execution date."""

    kind: RunKind
    period: str
    execution_date: date


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """The run, and whether this call made it (False: it existed and is returned as it was).

    ``run`` is None for an advance run that found nothing to pay: no run is recorded then.
    """

    run: PaymentRun | None
    created: bool

    @property
    def nothing_to_pay(self) -> bool:
        return self.run is None


def _scope(request: RunRequest, today: date) -> tuple[RunScope, date]:
    """The run's scope and its reference day; refuses malformed or premature periods."""
    if request.kind is RunKind.MONTHLY:
        try:
            month = Month.parse(request.period)
        except ValueError:
            raise RunRefused(
                "La période d'une paie mensuelle s'écrit AAAA-MM.", field="period"
            ) from None
        if month.last_day >= today:
            raise RunRefused(
                f"La paie {fr_of_month(month)} ne peut être faite qu'après la fin du mois, le "
                f"{fr_date(month.last_day)} : la rémunération est versée à terme échu.",
                field="period",
            )
        return monthly_scope(month), month.last_day
    try:
        day = date.fromisoformat(request.period)
    except ValueError:
        raise RunRefused(
            "La période d'un versement d'avances s'écrit AAAA-MM-JJ.", field="period"
        ) from None
    if len(request.period) != 10:
        raise RunRefused("La période d'un versement d'avances s'écrit AAAA-MM-JJ.", field="period")
    if day > today:
        raise RunRefused(
            f"Le {fr_date(day)} est à venir : un versement d'avances porte sur les entrées en "
            f"formation d'un jour passé ou d'aujourd'hui ; indiquez le {fr_date(today)} ou un "
            "jour plus tôt.",
            field="period",
        )
    if not is_payment_business_day(day):
        raise RunRefused(
            f"Le {day.strftime('%d/%m/%Y')} n'est pas un jour ouvré (TARGET2 et France) : les "
            "avances ne sont versées que les jours ouvrés.",
            field="period",
        )
    return ADVANCE_SCOPE, day


def _check_execution_date(day: date, today: date) -> None:
    refusal = execution_date_refusal(day, today)
    if refusal is not None:
        raise RunRefused(refusal, field="execution_date")


def find_run(ctx: ServiceContext, kind: RunKind, period: str) -> PaymentRun | None:
    return ctx.session.scalar(
        select(PaymentRun).where(PaymentRun.kind == kind.value, PaymentRun.period == period)
    )


def _serialise(ctx: ServiceContext) -> None:
    if ctx.session.get_bind().dialect.name == "postgresql":
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _new_run(ctx: ServiceContext, request: RunRequest, as_of: date) -> PaymentRun | None:
    """Insert the run row; None when a concurrent run with the same (kind, period) won."""
    run = PaymentRun(
        id=uuid.uuid4(),
        kind=request.kind.value,
        period=request.period,
        execution_date=request.execution_date,
        as_of=as_of,
        status=RunStatus.RUNNING.value,
        started_by=ctx.actor.user_id,
        started_at=ctx.now,
        dossiers_count=0,
        lines_count=0,
        payments_count=0,
        reissues_count=0,
        overpayments_count=0,
        total_amount=0,
        skipped={},
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(run)
            ctx.session.flush()
    except IntegrityError:
        return None
    return run


def _candidates(ctx: ServiceContext, kind: RunKind, day: date) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Dossiers with a granted decision, by trainee.

    An advance run takes a dossier only while its advance is still an advance on ``day``:
    training started and not ended, no exit recorded, advance not paid yet, and no monthly
    payment made yet for the dossier. Any other advance is the monthly run's, which nets it
    with its recovery (a trainee who finished before ever being paid gets the remuneration,
    not an advance to be recovered).
    """
    granted = exists().where(Decision.dossier_id == Dossier.id, Decision.outcome == "granted")
    query = select(Dossier.id, Dossier.trainee_id).where(granted)
    if kind is RunKind.ADVANCE:
        paid = exists().where(
            PaymentLine.dossier_id == Dossier.id, PaymentLine.kind == LineKind.ADVANCE.value
        )
        monthly_paid = exists().where(
            PaymentLine.dossier_id == Dossier.id,
            PaymentLine.run_id == PaymentRun.id,
            PaymentRun.kind == RunKind.MONTHLY.value,
        )
        exited = exists().where(Exit.dossier_id == Dossier.id)
        query = (
            query.join(Training, Training.id == Dossier.training_id)
            .where(Dossier.trainee_status == TraineeStatus.JOB_SEEKER.value)
            .where(Training.start_date <= day, Training.end_date >= day)
            .where(~exited, ~paid, ~monthly_paid)
        )
    rows = ctx.session.execute(query.order_by(Dossier.trainee_id, Dossier.id))
    return [(row[0], row[1]) for row in rows]


def _same_request(run: PaymentRun, request: RunRequest) -> PaymentRun:
    """The existing run, if it was asked with the same parameters; else 409 saying what differs."""
    if run.execution_date != request.execution_date:
        raise RunConflict(
            f"La campagne « {RUN_KIND_LABELS.get(run.kind, run.kind)} {run.period} » a déjà été "
            "faite avec la date d'exécution "
            f"{run.execution_date.strftime('%d/%m/%Y')} ; vous demandez le "
            f"{request.execution_date.strftime('%d/%m/%Y')}. Relancer une paie rend la "
            "première : pour changer la date d'exécution d'un lot non libéré, annulez-le en "
            "indiquant la nouvelle date.",
            field="execution_date",
        )
    return run


def _finish(ctx: ServiceContext, run: PaymentRun, writer: RunWriter, payer: PayerAccount) -> None:
    counters = writer.counters
    if writer.batch is not None:
        build_file(ctx, writer.batch, payer, countries=sepa_country_list(ctx, ctx.today))
        record_event(
            ctx,
            action="payment_batch.prepared",
            entity_type="payment_batch",
            entity_id=writer.batch.id,
            after=_batch_summary(writer),
        )
    run.status = RunStatus.COMPLETED.value
    run.completed_at = ctx.now
    run.dossiers_count, run.lines_count = counters.dossiers, counters.lines
    run.payments_count, run.reissues_count = counters.payments, counters.reissues
    run.overpayments_count, run.total_amount = counters.overpayments, counters.total
    run.skipped = dict(sorted(counters.skipped.items()))
    ctx.session.flush()
    record_event(
        ctx,
        action="payment_run.completed",
        entity_type="payment_run",
        entity_id=run.id,
        after=run_summary(run),
    )


def _batch_summary(writer: RunWriter) -> dict[str, Any]:
    batch = writer.batch
    assert batch is not None
    return {
        "message_id": batch.message_id,
        "number_of_transactions": batch.number_of_transactions,
        "control_sum": str(batch.control_sum),
        "file_sha256": batch.file_sha256,
        "execution_date": batch.execution_date.isoformat(),
    }


def run_summary(run: PaymentRun) -> dict[str, Any]:
    """The run's figures, for the audit log (no personal data)."""
    return {
        "kind": run.kind,
        "period": run.period,
        "dossiers": run.dossiers_count,
        "lines": run.lines_count,
        "payments": run.payments_count,
        "reissues": run.reissues_count,
        "debts": run.overpayments_count,
        "total": str(run.total_amount),
        "skipped": run.skipped,
    }


def start_run(
    ctx: ServiceContext,
    request: RunRequest,
    *,
    payer: PayerAccount,
    chunk_size: int = 500,
    progress: Progress | None = None,
    worker_from: int | None = WORKER_FROM_DOSSIERS,
) -> RunOutcome:
    """Run (or find) the run of ``request``; flushes, never commits (the caller does).

    The chunks are computed by a worker process on the other core when the run has at least
    ``worker_from`` dossiers (None: never; ``payments.run_worker``); below, starting the
    process costs more than it saves."""
    scope, as_of = _scope(request, ctx.today)
    _check_execution_date(request.execution_date, ctx.today)
    _serialise(ctx)
    existing = find_run(ctx, request.kind, request.period)
    if existing is not None:
        return RunOutcome(_same_request(existing, request), created=False)
    savepoint = ctx.session.begin_nested()
    run = _new_run(ctx, request, as_of)
    if run is None:
        savepoint.rollback()
        found = find_run(ctx, request.kind, request.period)
        assert found is not None
        return RunOutcome(_same_request(found, request), created=False)
    work = _Work(request, scope, as_of, payer, chunk_size, progress, worker_from)
    if not _pay(ctx, run, work):
        savepoint.rollback()
        return RunOutcome(None, created=False)
    savepoint.commit()
    return RunOutcome(run, created=True)


@dataclass(frozen=True, slots=True)
class _Work:
    request: RunRequest
    scope: RunScope
    as_of: date
    payer: PayerAccount
    chunk_size: int
    progress: Progress | None
    worker_from: int | None


def _pay(ctx: ServiceContext, run: PaymentRun, work: _Work) -> bool:
    """The run's work; False when an advance run found nothing at all to do (nothing kept)."""
    request, scope, payer = work.request, work.scope, work.payer
    writer = RunWriter(
        ctx,
        run_id=run.id,
        kind=request.kind,
        period=request.period,
        execution_date=request.execution_date,
        payer=payer,
        alert_days=procedure_rules(ctx.today).iban_change_alert_days,
        last_period=scope.last_period,
    )
    candidates = _candidates(ctx, request.kind, work.as_of)
    chunks = list(chunk_pairs(candidates, work.chunk_size))
    in_worker = work.worker_from is not None and len(candidates) >= work.worker_from
    pay_chunks(
        ctx,
        writer,
        chunks,
        work=ChunkWork(work.scope, work.as_of),
        progress=work.progress,
        worker=in_worker,
    )
    writer.counters.reissues = reissue_refused_payments(writer)
    writer.flush()
    orders = issue_recovery_orders(ctx, period=request.period)
    if request.kind is RunKind.ADVANCE and not orders and _idle(writer):
        return False
    _finish(ctx, run, writer, payer)
    return True


def _idle(writer: RunWriter) -> bool:
    """Nothing paid, settled, carried, re-issued or skipped."""
    counters = writer.counters
    return (
        writer.batch is None
        and not (counters.lines or counters.payments or counters.reissues or counters.overpayments)
        and not counters.skipped
    )
