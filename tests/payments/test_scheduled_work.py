"""The scheduler's payment and case-queue jobs call the same idempotent services as people do."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from api.scheduler.work import case_queue_job
from api.settings import parameter_store, payer_account
from payments.jobs import advance_run_job, monthly_payment_run_job, previous_month
from payments.models import PaymentRun
from remuneration.cases.models import Case
from remuneration.db.session import make_session_factory
from remuneration.services.case_requests import request_case
from rules.periods import Month
from tests.dbsupport import make_settings
from tests.payments.runworld import FULL_MONTH, World, granted_dossier


def test_previous_month_is_the_month_paid_a_terme_echu() -> None:
    assert previous_month(date(2024, 5, 8)) == Month(2024, 4)
    assert previous_month(date(2025, 1, 3)) == Month(2024, 12)


def test_monthly_and_advance_jobs_pay_once(world: World, tmp_path: Path) -> None:
    granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    settings = make_settings("sqlite://", tmp_path)
    now = datetime(2024, 5, 8, 4, tzinfo=UTC)
    sessions = make_session_factory(world.engine)
    counts = []
    for _ in range(2):
        with sessions.begin() as session:
            counts.append(
                monthly_payment_run_job(
                    session,
                    today=date(2024, 5, 8),
                    now=now,
                    payer=payer_account(settings),
                    parameters=parameter_store(),
                    protector=world.protector,
                )
            )
    assert counts[0]["created"] == 1 and counts[0]["payments"] == 1
    assert counts[1] == {"created": 0, "payments": 1}
    with sessions.begin() as session:
        advance = advance_run_job(
            session,
            today=date(2024, 5, 8),
            now=now,
            payer=payer_account(settings),
            parameters=parameter_store(),
            protector=world.protector,
        )
    # 8 May is a French public holiday (TARGET2 is open): no advance run that day
    assert advance == {"created": 0, "payments": 0, "not_a_business_day": 1}
    with sessions.begin() as session:
        advance = advance_run_job(
            session,
            today=date(2024, 5, 7),
            now=now,
            payer=payer_account(settings),
            parameters=parameter_store(),
            protector=world.protector,
        )
    # the monthly run paid the advance with its recovery: the advance run has nothing to pay
    assert advance == {"created": 0, "payments": 0, "nothing_to_pay": 1}
    with sessions() as session:
        runs = session.scalars(select(PaymentRun).order_by(PaymentRun.kind)).all()
        assert [(r.kind, r.period) for r in runs] == [("monthly", "2024-04")]


def test_case_jobs_open_one_case_per_cause(world: World) -> None:
    info = granted_dossier(world, months={"2024-03": FULL_MONTH})
    now = datetime(2024, 5, 6, 9, tzinfo=UTC)
    sessions = make_session_factory(world.engine)
    with sessions.begin() as session:
        for _ in range(2):
            request_case(
                session,
                cause_key="payment_returned:payment:test",
                category="payment_returned",
                priority="high",
                summary="Virement retourné par la banque (AC04, compte clos).",
                now=now,
                trainee_id=info["trainee_id"],
                dossier_id=info["dossier_id"],
            )
    with sessions.begin() as session:
        report = case_queue_job(session, today=now.date(), now=now)
    assert report["opened"] == 1 and report["added"] == 1
    assert report["cases"] >= 1  # the sweep ran after the detectors, on the new case
    with sessions.begin() as session:
        again = case_queue_job(session, today=now.date(), now=now)
    assert again["opened"] == 0 and again["added"] == 0
    with sessions() as session:
        cases = session.scalars(select(Case)).all()
        assert [(c.category, c.priority) for c in cases] == [("payment_returned", "high")]
