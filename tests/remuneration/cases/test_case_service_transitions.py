"""Every legal and every illegal status change through the services, with their milestones."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from remuneration.cases.domain import (
    TRANSITIONS,
    CaseStatus,
    Category,
    Channel,
    IllegalTransitionError,
    MessageDirection,
    ResolutionReason,
    ResolutionReasonError,
    WrittenAnswerRequiredError,
)
from remuneration.cases.models import Case
from remuneration.cases.services import (
    CaseInput,
    change_status,
    create_case,
    list_events,
    merge_cases,
    record_message,
)
from remuneration.db.models import User
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)

S = CaseStatus
NOW = paris(2024, 6, 10, 10)
LATER = NOW + timedelta(hours=1)
REASON = ResolutionReason.FIXED
# How to bring a new case to each status (each step legal).
PATHS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.NEW: (),
    S.OPEN: (S.OPEN,),
    S.WAITING_TRAINEE: (S.OPEN, S.WAITING_TRAINEE),
    S.RESOLVED: (S.OPEN, S.RESOLVED),
    S.CLOSED: (S.OPEN, S.RESOLVED, S.CLOSED),
    S.MERGED: (S.OPEN,),
}


@pytest.fixture
def session(remu_engine: Engine) -> Iterator[Session]:
    with session_of(remu_engine) as session, session.begin():
        yield session
        session.rollback()


@pytest.fixture
def world(session: Session, protector: FieldProtector) -> tuple[User, object]:
    trainee_id, _, _ = trainee_with_dossier(session, NOW, protector)
    return agent(session, NOW), trainee_id


def _case(session: Session, world: tuple[User, object], category: Category) -> Case:
    me, trainee_id = world
    assert isinstance(trainee_id, type(me.id))
    return create_case(
        cctx(session, NOW, me),
        CaseInput(category=category, channel=Channel.PHONE, subject="Sujet", trainee_id=trainee_id),
    ).case


def _bring(session: Session, world: tuple[User, object], status: CaseStatus) -> Case:
    me = world[0]
    case = _case(session, world, Category.INFORMATION)
    for step in PATHS[status]:
        reason = REASON if step is S.RESOLVED else None
        change_status(cctx(session, NOW, me), case, step, reason=reason)
    if status is S.MERGED:
        merge_cases(cctx(session, NOW, me), case, _case(session, world, Category.INFORMATION))
    assert case.status == status.value
    return case


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in TRANSITIONS if pair[1] is not S.MERGED],
    ids=lambda s: s.value,
)
def test_every_legal_move_sets_its_milestone(
    session: Session, world: tuple[User, object], source: CaseStatus, target: CaseStatus
) -> None:
    case = _bring(session, world, source)
    milestone = TRANSITIONS[(source, target)]
    change_status(
        cctx(session, LATER, world[0]),
        case,
        target,
        reason=REASON if target is S.RESOLVED else None,
    )
    assert case.status == target.value
    assert getattr(case, milestone.value) is not None
    last = list_events(session, case.id)[-1]
    assert (last.action, last.before, last.after) == (
        "status_changed",
        {"status": source.value, "resolution_reason": "fixed" if source is S.RESOLVED else None},
        {
            "status": target.value,
            "resolution_reason": "fixed" if target in (S.RESOLVED, S.CLOSED) else None,
        },
    )
    if milestone.value == "resumed_at":
        assert case.waiting_since is None
    if milestone.value == "reopened_at":
        assert (case.resolved_at, case.resolution_reason) == (None, None)


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in itertools.product(S, S) if pair not in TRANSITIONS],
    ids=lambda s: s.value,
)
def test_every_illegal_move_is_refused_in_french(
    session: Session, world: tuple[User, object], source: CaseStatus, target: CaseStatus
) -> None:
    case = _bring(session, world, source)
    version = case.version
    with pytest.raises(IllegalTransitionError) as refused:
        change_status(
            cctx(session, LATER, world[0]),
            case,
            target,
            reason=REASON if target is S.RESOLVED else None,
        )
    assert refused.value.message[:1].isupper() and "dossier" in refused.value.message.lower()
    assert case.status == source.value and case.version == version


@pytest.mark.parametrize("source", [S.NEW, S.OPEN, S.WAITING_TRAINEE, S.RESOLVED])
def test_merging_is_not_a_plain_status_change(
    session: Session, world: tuple[User, object], source: CaseStatus
) -> None:
    case = _bring(session, world, source)
    with pytest.raises(IllegalTransitionError, match="fusionner"):
        change_status(cctx(session, LATER, world[0]), case, S.MERGED)


def test_resolution_needs_a_reason_and_only_resolution_takes_one(
    session: Session, world: tuple[User, object]
) -> None:
    case = _bring(session, world, S.OPEN)
    with pytest.raises(ResolutionReasonError, match="motif de résolution"):
        change_status(cctx(session, LATER, world[0]), case, S.RESOLVED)
    with pytest.raises(ResolutionReasonError):
        change_status(cctx(session, LATER, world[0]), case, S.WAITING_TRAINEE, reason=REASON)
    assert case.status == "open"


def test_a_complaint_is_resolved_only_after_a_written_answer(
    session: Session, world: tuple[User, object]
) -> None:
    me = world[0]
    case = _case(session, world, Category.COMPLAINT)
    change_status(cctx(session, NOW, me), case, S.OPEN)
    record_message(
        cctx(session, NOW, me),
        case,
        direction=MessageDirection.OUTBOUND,
        channel=Channel.PHONE,
        body="Je vous rappelle.",
    )
    with pytest.raises(WrittenAnswerRequiredError):
        change_status(cctx(session, LATER, me), case, S.RESOLVED, reason=REASON)
    record_message(
        cctx(session, LATER, me),
        case,
        direction=MessageDirection.OUTBOUND,
        channel=Channel.MAIL,
        body="Réponse écrite à votre réclamation.",
    )
    change_status(cctx(session, LATER, me), case, S.RESOLVED, reason=ResolutionReason.ANSWERED)
    assert case.status == "resolved"


def test_no_message_on_a_closed_or_merged_case(
    session: Session, world: tuple[User, object]
) -> None:
    for status in (S.CLOSED, S.MERGED):
        case = _bring(session, world, status)
        with pytest.raises(IllegalTransitionError):
            record_message(
                cctx(session, LATER, world[0]),
                case,
                direction=MessageDirection.INBOUND,
                channel=Channel.EMAIL,
                body="Bonjour",
            )
