"""Work on the queue: round robin with caps and absences, assignment, merge, macros, views."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from remuneration.cases.domain import (
    CaseStatus,
    Category,
    Channel,
    InvalidCaseInputError,
    InvalidMergeError,
    MacroError,
    Priority,
)
from remuneration.cases.models import Case
from remuneration.cases.services import (
    CaseInput,
    CaseQuery,
    QueueView,
    add_absence,
    apply_case_macro,
    assign_case,
    assign_round_robin,
    change_status,
    claim_case,
    create_case,
    create_team,
    list_cases,
    list_entries,
    merge_cases,
    set_agent,
)
from remuneration.db.models import AuditEvent, User
from remuneration.services.context import Role
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)

NOW = paris(2024, 6, 18, 10)


@pytest.fixture
def session(remu_engine: Engine) -> Iterator[Session]:
    with session_of(remu_engine) as session, session.begin():
        yield session
        session.rollback()


@pytest.fixture
def trainee(session: Session, protector: FieldProtector) -> uuid.UUID:
    return trainee_with_dossier(session, NOW, protector)[0]


def _open(
    session: Session,
    trainee_id: uuid.UUID,
    by: User,
    category: Category = Category.INFORMATION,
    priority: Priority = Priority.NORMAL,
) -> Case:
    data = CaseInput(
        category=category,
        channel=Channel.PHONE,
        subject="Sujet",
        trainee_id=trainee_id,
        priority=priority,
    )
    return create_case(cctx(session, NOW, by), data).case


def test_round_robin_skips_absent_and_full_agents(session: Session, trainee: uuid.UUID) -> None:
    team = create_team(session, name=f"t-{uuid.uuid4().hex[:6]}", label="Équipe", now=NOW)
    a, b, c = (agent(session, NOW) for _ in range(3))
    set_agent(session, user_id=a.id, team_id=team.id, now=NOW)
    set_agent(session, user_id=b.id, team_id=team.id, now=NOW, cap=1)
    set_agent(session, user_id=c.id, team_id=team.id, now=NOW)
    add_absence(
        session, user_id=c.id, first_day=date(2024, 6, 17), last_day=date(2024, 6, 21), now=NOW
    )
    given = []
    for _ in range(4):
        case = _open(session, trainee, a)
        given.append(assign_round_robin(cctx(session, NOW, a), case, team.id))
    # b reaches their personal cap of 1 after one case; c is away this week.
    assert given == [a.id, b.id, a.id, a.id]
    next_week = NOW + timedelta(days=7)
    case = _open(session, trainee, a)
    assert assign_round_robin(cctx(session, next_week, a), case, team.id) == c.id


def test_nobody_available_leaves_the_case_unassigned(session: Session, trainee: uuid.UUID) -> None:
    team = create_team(session, name=f"t-{uuid.uuid4().hex[:6]}", label="Vide", now=NOW)
    me = agent(session, NOW)
    case = _open(session, trainee, me)
    assert assign_round_robin(cctx(session, NOW, me), case, team.id) is None
    assert case.assignee_id is None and case.team_id == team.id


def test_assignment_is_for_agents_and_unassignment_returns_to_the_queue(
    session: Session, trainee: uuid.UUID
) -> None:
    supervisor = agent(session, NOW, Role.SUPERVISOR)
    worker = agent(session, NOW)
    instructor = agent(session, NOW, Role.INSTRUCTOR)
    case = _open(session, trainee, worker)
    with pytest.raises(InvalidCaseInputError):
        assign_case(cctx(session, NOW, supervisor), case, instructor.id)
    assign_case(cctx(session, NOW, supervisor), case, worker.id)
    mine = list_cases(cctx(session, NOW, worker), CaseQuery(view=QueueView.MINE))
    assert case.id in {c.id for c in mine.items}
    assign_case(cctx(session, NOW, supervisor), case, None)
    unassigned = list_cases(cctx(session, NOW, worker), CaseQuery(view=QueueView.UNASSIGNED))
    assert case.id in {c.id for c in unassigned.items}
    assert case.id not in {
        c.id for c in list_cases(cctx(session, NOW, worker), CaseQuery(view=QueueView.MINE)).items
    }


def test_merge_is_final_audited_and_keeps_both_histories(
    session: Session, trainee: uuid.UUID
) -> None:
    me = agent(session, NOW)
    kept = _open(session, trainee, me, Category.PAYMENT_MISSING)
    duplicate = _open(session, trainee, me, Category.PAYMENT_MISSING)
    merge_cases(cctx(session, NOW, me), duplicate, kept, note="Même appel.")
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", kept.id)
    assert duplicate.merged_at is not None
    notes = [entry.body for entry in list_entries(session, kept.id)]
    assert f"Le dossier {duplicate.reference} a été fusionné dans ce dossier. Même appel." in notes
    audit = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "case.merged", AuditEvent.entity_id == str(duplicate.id)
        )
    )
    assert audit is not None and audit.after == {
        "merged_into": kept.reference,
        "merged_into_id": str(kept.id),
    }
    with pytest.raises(InvalidMergeError):
        merge_cases(cctx(session, NOW, me), kept, kept)
    third = _open(session, trainee, me)
    with pytest.raises(Exception, match="fusionné"):
        merge_cases(cctx(session, NOW, me), duplicate, third)
    with pytest.raises(Exception, match="fusionné"):
        change_status(cctx(session, NOW, me), duplicate, CaseStatus.OPEN)


def test_cases_of_two_trainees_are_never_merged(
    session: Session, protector: FieldProtector, trainee: uuid.UUID
) -> None:
    other = trainee_with_dossier(session, NOW, protector)[0]
    me = agent(session, NOW)
    with pytest.raises(InvalidMergeError, match="deux stagiaires"):
        merge_cases(cctx(session, NOW, me), _open(session, trainee, me), _open(session, other, me))


def test_the_rib_macro_writes_waits_and_sets_a_reminder(
    session: Session, trainee: uuid.UUID
) -> None:
    me = agent(session, NOW)
    case = _open(session, trainee, me, Category.BANK_DETAILS_CHANGE)
    claim_case(cctx(session, NOW, me), case.id)
    apply_case_macro(cctx(session, NOW, me), case, "rib_requested", values={})
    assert case.status == "waiting_trainee"
    # Tuesday 18 June + 7 calendar days = Tuesday 25 June, same time (10:00 Paris).
    assert case.reminder_at is not None
    entries = list_entries(session, case.id)
    message = next(e for e in entries if e.kind == "message" and e.direction == "outbound")
    assert message.channel == "email" and message.macro_key == "rib_requested"
    assert "Bonjour Marie Dupont," in message.body
    assert "avant le 25 juin 2024" in message.body
    assert case.reference in message.body
    assert any(e.kind == "note" and "25 juin 2024" in e.body for e in entries)
    with pytest.raises(MacroError, match="document_name"):
        apply_case_macro(cctx(session, NOW, me), case, "document_requested", values={})
    with pytest.raises(MacroError, match="Macro inconnue"):
        apply_case_macro(cctx(session, NOW, me), case, "nope", values={})


def test_views_and_search(session: Session, trainee: uuid.UUID) -> None:
    me = agent(session, NOW)
    urgent = _open(session, trainee, me, Category.COMPLAINT, priority=Priority.URGENT)
    low = _open(session, trainee, me, Category.INFORMATION, priority=Priority.LOW)
    found = list_cases(cctx(session, NOW, me), CaseQuery(text=urgent.reference.lower()))
    assert [c.id for c in found.items] == [urgent.id]
    by_name = list_cases(cctx(session, NOW, me), CaseQuery(text="dupon"))
    ids = [c.id for c in by_name.items]
    assert ids.index(urgent.id) < ids.index(low.id)  # earliest deadline first
    complaints = list_cases(cctx(session, NOW, me), CaseQuery(category=Category.COMPLAINT))
    assert {c.category for c in complaints.items} == {"complaint"}
    # An urgent first response is due 4 business hours later, at 15:00 (lunch 12:30-13:30);
    # at risk after 80 % of it (3 h 12 min), from 14:12.
    assert (
        urgent.due_at is not None
        and not list_cases(
            cctx(session, NOW + timedelta(hours=4, minutes=11), me),
            CaseQuery(view=QueueView.AT_RISK, text=urgent.reference),
        ).items
    )
    later = NOW + timedelta(hours=4, minutes=12)
    at_risk = list_cases(cctx(session, later, me), CaseQuery(view=QueueView.AT_RISK))
    assert urgent.id in {c.id for c in at_risk.items} and low.id not in {
        c.id for c in at_risk.items
    }
    on_time = list_cases(
        cctx(session, NOW + timedelta(hours=5), me), CaseQuery(view=QueueView.BREACHED)
    )
    assert urgent.id not in {c.id for c in on_time.items}
    late = list_cases(
        cctx(session, NOW + timedelta(hours=5, seconds=1), me), CaseQuery(view=QueueView.BREACHED)
    )
    assert urgent.id in {c.id for c in late.items}
