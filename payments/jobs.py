"""The scheduled work of payments: the daily advance run and the monthly run, as job bodies.

Each job takes ``(session, today=…, now=…)`` plus what the installation binds (the paying
account, the parameter set, the data key). The payment system account prepares the batches so
that a person releases them (four eyes). Idempotent: a second call for the same period creates
nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.config import PayerAccount
from payments.runs import RunRequest, start_run
from payments.sepa import target2_business_day_on_or_after
from payments.vocabulary import RunKind
from remuneration.db.models import User
from remuneration.domain.errors import NotAllowed
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from rules import Month, ParameterStore

__all__ = [
    "SYSTEM_FINANCE_USER",
    "advance_run_job",
    "finance_actor",
    "monthly_payment_run_job",
    "previous_month",
]

SYSTEM_FINANCE_USER = "remu-payments"


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


def previous_month(today: date) -> str:
    """The month a monthly run pays (à terme échu): the one before ``today``'s."""
    return str(Month.of(today.replace(day=1) - timedelta(days=1)))


def _run(
    session: Session,
    request: tuple[RunKind, str],
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
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
    execution = target2_business_day_on_or_after(today + timedelta(days=1))
    outcome = start_run(ctx, RunRequest(kind, period, execution), payer=payer)
    return {"created": int(outcome.created), "payments": outcome.run.payments_count}


def advance_run_job(
    session: Session,
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
) -> dict[str, int]:
    """Every morning: the advances of the dossiers granted since the last run (period = today)."""
    return _run(
        session,
        (RunKind.ADVANCE, today.isoformat()),
        today=today,
        now=now,
        payer=payer,
        parameters=parameters,
        protector=protector,
    )


def monthly_payment_run_job(
    session: Session,
    *,
    today: date,
    now: datetime,
    payer: PayerAccount,
    parameters: ParameterStore,
    protector: FieldProtector,
) -> dict[str, int]:
    """On the monthly run date: the past month's remuneration, mobility and regularisations."""
    return _run(
        session,
        (RunKind.MONTHLY, previous_month(today)),
        today=today,
        now=now,
        payer=payer,
        parameters=parameters,
        protector=protector,
    )
