"""The scheduled work of payments and of the case queue, as the job runner calls it.

Each adapter takes ``(session, today=…, now=…)`` like every job, builds the service context the
services expect (the payment system account prepares batches, so that a person releases them:
four eyes), calls the idempotent service and returns counts for the job-run record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.routers.payments_common import payer_account
from api.rules_door import parameter_store
from api.settings import Settings
from payments import RunKind, RunRequest, find_run, start_run
from payments.calendar import is_payment_business_day
from payments.config import SYSTEM_ACCOUNT
from payments.sepa import target2_business_day_on_or_after
from remuneration.cases.services.automatic import (
    consume_case_requests,
    detect_incomplete_dossiers,
    detect_missing_attendance,
)
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.sla import sweep_sla
from remuneration.db.models import User
from remuneration.domain.errors import NotAllowed
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector
from remuneration.services.users import create_user
from rules import Month

__all__ = [
    "NOTHING_TO_PAY",
    "NOT_A_BUSINESS_DAY",
    "advance_run_job",
    "automatic_cases_job",
    "finance_actor",
    "monthly_payment_run_job",
    "previous_month",
    "sla_sweep_job",
]


SYSTEM_FINANCE_USER = SYSTEM_ACCOUNT


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


def _payment_context(
    session: Session, *, now: datetime, protector: FieldProtector, job: str, today: date
) -> ServiceContext:
    return ServiceContext(
        session=session,
        actor=finance_actor(session, None, now=now),
        now=now,
        protector=protector,
        request_id=f"job:{job}:{today.isoformat()}",
        parameters=parameter_store(),
    )


def _run(
    session: Session,
    *,
    kind: RunKind,
    period: str,
    today: date,
    now: datetime,
    settings: Settings,
    protector: FieldProtector,
) -> dict[str, int]:
    ctx = _payment_context(session, now=now, protector=protector, job=kind.value, today=today)
    existing = find_run(ctx, kind, period)
    if existing is not None:  # a retry on a later day: the run is done, whatever its date
        return {"created": 0, "payments": existing.payments_count}
    execution = target2_business_day_on_or_after(today + timedelta(days=1))
    outcome = start_run(ctx, RunRequest(kind, period, execution), payer=payer_account(settings))
    if outcome.run is None:
        return {"created": 0, "payments": 0, NOTHING_TO_PAY: 1}
    return {"created": int(outcome.created), "payments": outcome.run.payments_count}


NOTHING_TO_PAY = "nothing_to_pay"
"""Key of a job outcome that found nothing to pay (shown as « rien à payer »)."""
NOT_A_BUSINESS_DAY = "not_a_business_day"
"""Key of a job outcome on a day without payments (shown as « jour non ouvré »)."""


def advance_run_job(
    session: Session, *, today: date, now: datetime, settings: Settings, protector: FieldProtector
) -> dict[str, int]:
    """Every payment business day (TARGET2 and French working day): the advances still due
    (period = today). On other days nothing runs and no payment run is recorded."""
    if not is_payment_business_day(today):
        return {"created": 0, "payments": 0, NOT_A_BUSINESS_DAY: 1}
    return _run(
        session,
        kind=RunKind.ADVANCE,
        period=today.isoformat(),
        today=today,
        now=now,
        settings=settings,
        protector=protector,
    )


def monthly_payment_run_job(
    session: Session, *, today: date, now: datetime, settings: Settings, protector: FieldProtector
) -> dict[str, int]:
    """On the monthly run date: the past month's remuneration, mobility and regularisations."""
    return _run(
        session,
        kind=RunKind.MONTHLY,
        period=previous_month(today),
        today=today,
        now=now,
        settings=settings,
        protector=protector,
    )


def automatic_cases_job(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    """The case-needed outbox, incomplete dossiers and missing attendance statements."""
    del today  # the detectors work from ``now`` in the queue's business calendar
    cctx = CaseContext(session=session, now=now)
    reports = (
        consume_case_requests(cctx),
        detect_incomplete_dossiers(cctx),
        detect_missing_attendance(cctx),
    )
    return {
        "opened": sum(r.opened for r in reports),
        "added": sum(r.added for r in reports),
        "refused": sum(r.refused for r in reports),
    }


def sla_sweep_job(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    """At-risk and breached deadlines: each alert fires once."""
    del today
    report = sweep_sla(CaseContext(session=session, now=now))
    return {"cases": report.cases, "alerts": report.alerts}
