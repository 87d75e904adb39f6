"""The scheduled work of payments: the daily advance run and the monthly run, as job bodies.

Each job takes ``(session, today=…, now=…)`` plus what the installation binds (the paying
account, the parameter set, the data key). The payment system account prepares the batches so
that a person approves and another releases them (four eyes). Idempotent: a second call for
the same period creates nothing. The advance run runs on payment business days only (TARGET2
and French working days) and, when nothing is due, records no run: the outcome says so
(``nothing_to_pay``, ``not_a_business_day``; shown as « rien à payer » by ``remu jobs list``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.calendar import is_payment_business_day
from payments.config import SYSTEM_ACCOUNT, PayerAccount
from payments.runs import WORKER_FROM_DOSSIERS, RunRequest, find_run, start_run
from payments.sepa import target2_business_day_on_or_after
from payments.vocabulary import RunKind
from remuneration.db.models import User
from remuneration.domain.errors import NotAllowed
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from rules import Month, ParameterStore

__all__ = [
    "NOTHING_TO_PAY",
    "NOT_A_BUSINESS_DAY",
    "SYSTEM_FINANCE_USER",
    "advance_run_job",
    "finance_actor",
    "monthly_payment_run_job",
    "previous_month",
]

SYSTEM_FINANCE_USER = SYSTEM_ACCOUNT

NOTHING_TO_PAY = "nothing_to_pay"
"""Key of a job outcome that found nothing to pay (shown as « rien à payer »)."""
NOT_A_BUSINESS_DAY = "not_a_business_day"
"""Key of a job outcome on a day without payments (shown as « jour non ouvré »)."""


def finance_actor(session: Session, name: str | None, *, now: datetime) -> Actor:
    """The finance user named, or the system account that prepares scheduled runs (a person
    must then release the batch: the preparer cannot)."""
    user = session.scalar(select(User).where(User.name == (name or SYSTEM_FINANCE_USER)))
    if user is None and name is None:
        user = create_user(
            session,
            name=SYSTEM_FINANCE_USER,
            role=Role.FINANCE,
            now=now,
            display_name="Paiements automatiques",
        )
    if user is None or user.role != Role.FINANCE.value or not user.active:
        raise NotAllowed(f"L'utilisateur {name} n'existe pas ou n'a pas le rôle finance.")
    return Actor(user_id=user.id, name=user.name, role=Role.FINANCE)


def previous_month(today: date) -> Month:
    """The month a monthly run pays (à terme échu): the one before ``today``'s."""
    return Month.of(today).previous


def _run(
    session: Session,
    request: tuple[RunKind, str],
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
    worker_from: int | None = WORKER_FROM_DOSSIERS,
) -> dict[str, int]:
    kind, period = request
    ctx = ServiceContext(
        session=session,
        actor=finance_actor(session, None, now=now),
        now=now,
        protector=protector,
        request_id=f"job:{kind.value}:{today.isoformat()}",
        parameters=parameters,
    )
    existing = find_run(ctx, kind, period)
    if existing is not None:  # a retry on a later day: the run is done, whatever its date
        return {"created": 0, "payments": existing.payments_count}
    execution = target2_business_day_on_or_after(today + timedelta(days=1))
    outcome = start_run(
        ctx, RunRequest(kind, period, execution), payer=payer, worker_from=worker_from
    )
    if outcome.run is None:
        return {"created": 0, "payments": 0, NOTHING_TO_PAY: 1}
    return {"created": int(outcome.created), "payments": outcome.run.payments_count}


def advance_run_job(
    session: Session,
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
    worker_from: int | None = WORKER_FROM_DOSSIERS,
) -> dict[str, int]:
    """Every payment business day (TARGET2 and French working day): the advances still due
    (period = today). On other days nothing runs and no payment run is recorded."""
    if not is_payment_business_day(today):
        return {"created": 0, "payments": 0, NOT_A_BUSINESS_DAY: 1}
    return _run(
        session,
        (RunKind.ADVANCE, today.isoformat()),
        today=today,
        now=now,
        payer=payer,
        parameters=parameters,
        protector=protector,
        worker_from=worker_from,
    )


def monthly_payment_run_job(
    session: Session,
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
    worker_from: int | None = WORKER_FROM_DOSSIERS,
) -> dict[str, int]:
    """On the monthly run date: the past month's remuneration, mobility and regularisations."""
    return _run(
        session,
        (RunKind.MONTHLY, str(previous_month(today))),
        today=today,
        now=now,
        payer=payer,
        parameters=parameters,
        protector=protector,
        worker_from=worker_from,
    )
