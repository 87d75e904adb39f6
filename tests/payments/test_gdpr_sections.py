"""The RGPD access export gathers a trainee's payments and cases too."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from api.scheduler.work import case_queue_job
from api.settings import parameter_store, payer_account
from payments.jobs import monthly_payment_run_job
from payments.queries import payments_summary_for_trainee
from remuneration.cases.services.export import cases_of_trainee
from remuneration.db.session import make_session_factory
from remuneration.services.case_requests import request_case
from remuneration.services.gdpr import export_trainee
from remuneration.services.system_actor import system_context
from tests.dbsupport import make_settings
from tests.payments.runworld import FULL_MONTH, World, granted_dossier


def test_export_has_payments_and_cases_with_masked_iban(world: World, tmp_path: Path) -> None:
    info = granted_dossier(world, months={"2024-04": FULL_MONTH})
    now = datetime(2024, 5, 8, 4, tzinfo=UTC)
    sessions = make_session_factory(world.engine)
    with sessions.begin() as session:
        monthly_payment_run_job(
            session,
            today=date(2024, 5, 8),
            now=now,
            payer=payer_account(make_settings("sqlite://", tmp_path)),
            parameters=parameter_store(),
            protector=world.protector,
        )
        request_case(
            session,
            cause_key=f"overpayment:dossier:{info['dossier_id']}",
            category="overpayment",
            priority="normal",
            summary="Trop-perçu à rembourser.",
            now=now,
            trainee_id=info["trainee_id"],
            dossier_id=info["dossier_id"],
        )
        case_queue_job(session, today=now.date(), now=now)
    with sessions.begin() as session:
        ctx = system_context(session, now=now, protector=world.protector, request_id="test")
        exported = export_trainee(
            ctx,
            info["trainee_id"],
            sections={
                "payments": lambda s, trainee, _d: payments_summary_for_trainee(s, trainee),
                "cases": cases_of_trainee,
            },
        )
    assert [p["status"] for p in exported["payments"]] == ["prepared"]
    assert info["iban"] not in str(exported)
    assert exported["payments"][0]["iban"].replace(" ", "")[-3:] == info["iban"][-3:]
    [case] = exported["cases"]
    assert case["category"] == "overpayment" and case["events"]
    assert case["trainee_id"] == str(info["trainee_id"])


def test_retention_blanks_the_free_texts_of_a_trainees_cases(world: World) -> None:
    from sqlalchemy import select

    from remuneration.cases.models import Case, CaseEntry
    from remuneration.cases.services.export import ANONYMISED_TEXT, anonymise_cases

    info = granted_dossier(world, months={"2024-04": FULL_MONTH})
    now = datetime(2024, 5, 8, 4, tzinfo=UTC)
    sessions = make_session_factory(world.engine)
    with sessions.begin() as session:
        request_case(
            session,
            cause_key="payment_returned:payment:x",
            category="payment_returned",
            priority="high",
            summary="Virement retourné : compte clos de Mme Lefèvre.",
            now=now,
            trainee_id=info["trainee_id"],
        )
        case_queue_job(session, today=now.date(), now=now)
    with sessions.begin() as session:
        ctx = system_context(session, now=now, protector=world.protector, request_id="test")
        assert anonymise_cases(ctx, [info["trainee_id"]]) == 1
        assert anonymise_cases(ctx, []) == 0
    with sessions() as session:
        case = session.scalars(select(Case).where(Case.trainee_id == info["trainee_id"])).one()
        entries = session.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id)).all()
        assert case.subject == ANONYMISED_TEXT
        assert {entry.body for entry in entries} <= {ANONYMISED_TEXT}
