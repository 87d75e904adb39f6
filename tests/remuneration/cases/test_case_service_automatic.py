"""Cases remu opens itself: the outbox, the detectors, one case per cause while active."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from remuneration.cases.domain import CaseStatus, ResolutionReason
from remuneration.cases.models import Case, CaseEvent
from remuneration.cases.services import (
    change_status,
    consume_case_requests,
    create_team,
    detect_incomplete_dossiers,
    detect_missing_attendance,
    run_case_jobs,
    set_agent,
)
from remuneration.db.models import CaseRequest, Dossier
from remuneration.services.case_requests import request_case
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)

NOW = paris(2024, 6, 17, 8)


@pytest.fixture
def session(remu_engine: Engine) -> Iterator[Session]:
    with session_of(remu_engine) as session, session.begin():
        yield session
        session.rollback()


def _returned(session: Session, trainee_id: uuid.UUID, payment_id: uuid.UUID) -> CaseRequest:
    return request_case(
        session,
        cause_key=f"payment_returned:payment:{payment_id}",
        category="payment_returned",
        priority="high",
        summary="Virement retourné par la banque (compte clos, motif AC04).",
        now=NOW,
        trainee_id=trainee_id,
        payment_id=payment_id,
    )


def _cases_for(session: Session, payment_id: uuid.UUID) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.payment_id == payment_id)))


def test_a_returned_payment_opens_one_high_priority_case(
    session: Session, protector: FieldProtector
) -> None:
    trainee_id, _, _ = trainee_with_dossier(session, NOW, protector)
    payment_id = uuid.uuid4()
    first = _returned(session, trainee_id, payment_id)
    report = consume_case_requests(cctx(session, NOW))
    assert (report.opened, report.added, report.refused) == (1, 0, 0)
    [case] = _cases_for(session, payment_id)
    assert (case.category, case.priority, case.channel, case.status) == (
        "payment_returned",
        "high",
        "system",
        "new",
    )
    assert case.cause_key == f"payment_returned:payment:{payment_id}"
    assert case.trainee_id == trainee_id and case.created_by is None
    session.refresh(first)
    assert first.consumed_at is not None and first.case_id == case.id

    second = _returned(session, trainee_id, payment_id)
    report = consume_case_requests(cctx(session, NOW.replace(hour=9)))
    assert (report.opened, report.added) == (0, 1)
    assert len(_cases_for(session, payment_id)) == 1
    session.refresh(second)
    assert second.case_id == case.id
    actions = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert actions.count("occurrence") == 1
    assert consume_case_requests(cctx(session, NOW.replace(hour=10))).opened == 0


def test_after_its_case_is_resolved_the_same_cause_opens_a_new_case(
    session: Session, protector: FieldProtector
) -> None:
    trainee_id, _, _ = trainee_with_dossier(session, NOW, protector)
    payment_id = uuid.uuid4()
    me = agent(session, NOW)
    _returned(session, trainee_id, payment_id)
    consume_case_requests(cctx(session, NOW))
    [case] = _cases_for(session, payment_id)
    change_status(cctx(session, NOW, me), case, CaseStatus.OPEN)
    change_status(cctx(session, NOW, me), case, CaseStatus.RESOLVED, reason=ResolutionReason.FIXED)
    _returned(session, trainee_id, payment_id)
    assert consume_case_requests(cctx(session, NOW.replace(hour=11))).opened == 1
    assert len(_cases_for(session, payment_id)) == 2


def test_an_unreadable_request_is_consumed_and_refused(session: Session) -> None:
    bad = request_case(
        session,
        cause_key="nonsense",
        category="payment_returned",
        priority="high",
        summary="?",
        now=NOW,
    )
    report = consume_case_requests(cctx(session, NOW))
    assert report.refused == 1
    session.refresh(bad)
    assert bad.consumed_at is not None and bad.case_id is None


def test_automatic_cases_go_round_robin_to_the_configured_team(
    session: Session, protector: FieldProtector
) -> None:
    team = create_team(session, name="relation-usagers", label="Relation usagers", now=NOW)
    first, second = agent(session, NOW), agent(session, NOW)
    set_agent(session, user_id=first.id, team_id=team.id, now=NOW)
    set_agent(session, user_id=second.id, team_id=team.id, now=NOW)
    trainee_id, _, _ = trainee_with_dossier(session, NOW, protector)
    payments = [uuid.uuid4() for _ in range(3)]
    for payment_id in payments:
        _returned(session, trainee_id, payment_id)
    consume_case_requests(cctx(session, NOW))
    opened = sorted((_cases_for(session, p)[0] for p in payments), key=lambda c: c.reference)
    assert [case.assignee_id for case in opened] == [first.id, second.id, first.id]
    assert {case.team_id for case in opened} == {team.id}


def test_a_dossier_still_incomplete_five_business_days_after_the_start(
    session: Session, protector: FieldProtector
) -> None:
    # Training starts Friday 5 July 2024; 14 July is a Sunday; business days: 8, 9, 10, 11, 12.
    created = paris(2024, 7, 1, 9)
    trainee_id, dossier_id, _ = trainee_with_dossier(
        session, created, protector, start=date(2024, 7, 5), end=date(2024, 12, 20), submit=True
    )
    assert session.get_one(Dossier, dossier_id).status == "incomplete"
    assert detect_incomplete_dossiers(cctx(session, paris(2024, 7, 11, 23))).opened == 0
    report = detect_incomplete_dossiers(cctx(session, paris(2024, 7, 12, 6)))
    assert report.opened == 1
    case = session.scalar(
        select(Case).where(Case.cause_key == f"dossier_incomplete:dossier:{dossier_id}")
    )
    assert case is not None
    assert (case.category, case.priority, case.trainee_id, case.dossier_id) == (
        "dossier_incomplete",
        "normal",
        trainee_id,
        dossier_id,
    )
    again = detect_incomplete_dossiers(cctx(session, paris(2024, 7, 13, 6)))
    assert again.opened == 0 and again.added == 0


def test_a_missing_attendance_statement_opens_one_case_for_the_organisation(
    session: Session, protector: FieldProtector
) -> None:
    _, dossier_id, training_id = trainee_with_dossier(
        session,
        paris(2024, 5, 2, 9),
        protector,
        start=date(2024, 5, 6),
        end=date(2024, 9, 27),
        submit=True,
    )
    # May ends on Friday 31; business days after it: 3, 4, 5, 6, 7 June.
    assert detect_missing_attendance(cctx(session, paris(2024, 6, 6, 12))).opened == 0
    opened = detect_missing_attendance(cctx(session, paris(2024, 6, 7, 12)))
    assert opened.opened == 1
    case = session.scalar(
        select(Case).where(
            Case.cause_key == f"attendance_missing:attendance_statement:{training_id}/2024-05"
        )
    )
    assert case is not None
    assert (case.contact, case.trainee_id, case.training_id) == (
        "training_organisation",
        None,
        training_id,
    )
    assert dossier_id is not None
    report = run_case_jobs(session, now=paris(2024, 6, 8, 12))
    assert report.missing_attendance.opened == 0
