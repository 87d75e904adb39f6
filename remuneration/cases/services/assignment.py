"""Who works on a case: claim (atomic), assign, unassign, round robin within a team.

A claim is one conditional ``UPDATE … WHERE assignee_id IS NULL``: when ten agents claim the
same case at once, the database lets exactly one row change and the nine others see that the
case is taken (PostgreSQL re-evaluates the condition after the winner commits; SQLite runs
writers one at a time). Assigning someone else is a supervisor's act (api/security.py).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select, update

from remuneration.cases.domain import (
    ACTIVE_STATUSES,
    AgentId,
    AgentLoad,
    CaseStatus,
    IllegalTransitionError,
    InvalidCaseInputError,
    next_assignee,
)
from remuneration.cases.models import Case, CaseAgent, CaseAgentAbsence, CaseTeam
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.errors import CaseAlreadyClaimed, CaseNotFound
from remuneration.cases.services.history import EventAction, record_case_event
from remuneration.cases.services.sla import configuration_of, refresh_sla
from remuneration.cases.services.transitions import apply_transition
from remuneration.db.models import User
from remuneration.domain.errors import NotAllowed
from remuneration.domain.timezone import paris_day
from remuneration.services.context import Role

__all__ = [
    "AGENT_ROLES",
    "assign_case",
    "assign_round_robin",
    "claim_case",
    "open_case_counts",
]

AGENT_ROLES = frozenset({Role.RELATION_USAGERS.value, Role.SUPERVISOR.value})
"""The roles whose users work cases."""
_ACTIVE = [status.value for status in ACTIVE_STATUSES]


def _agent_user(cctx: CaseContext, user_id: uuid.UUID) -> User:
    user = cctx.session.get(User, user_id)
    if user is None or not user.active or user.role not in AGENT_ROLES:
        raise InvalidCaseInputError(
            "Ce dossier ne peut être attribué qu'à un agent actif de la relation usagers "
            "ou à un superviseur.",
            field="assignee_id",
        )
    return user


def _record_assignment(cctx: CaseContext, case: Case, before: uuid.UUID | None, how: str) -> None:
    record_case_event(
        cctx,
        case,
        action=EventAction.ASSIGNED,
        before={"assignee_id": None if before is None else str(before)},
        after={
            "assignee_id": None if case.assignee_id is None else str(case.assignee_id),
            "how": how,
        },
    )


def _claim_refused(cctx: CaseContext, case: Case) -> CaseAlreadyClaimed:
    owner = cctx.session.get(User, case.assignee_id) if case.assignee_id else None
    name = owner.display_name if owner is not None else "un autre agent"
    return CaseAlreadyClaimed(f"Ce dossier est déjà pris en charge par {name}.")


def claim_case(cctx: CaseContext, case_id: uuid.UUID) -> Case:
    """Take an unassigned active case; a ``new`` case becomes ``open`` (work has started)."""
    if cctx.actor is None or cctx.actor.user_id is None:
        raise NotAllowed("Seul un agent peut prendre un dossier en charge.")
    me = cctx.actor.user_id
    _agent_user(cctx, me)
    result = cctx.session.execute(
        update(Case)
        .where(Case.id == case_id, Case.assignee_id.is_(None), Case.status.in_(_ACTIVE))
        .values(assignee_id=me, claimed_at=cctx.now, updated_at=cctx.now, version=Case.version + 1)
        .execution_options(synchronize_session=False)
    )
    case = cctx.session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise CaseNotFound("Dossier de relation usager introuvable.")
    if getattr(result, "rowcount", 0) != 1:
        if case.assignee_id == me and case.status in _ACTIVE:
            return case
        if case.status not in _ACTIVE:
            raise IllegalTransitionError(
                "Ce dossier n'est plus en cours : il ne peut pas être pris en charge.",
                field="status",
            )
        raise _claim_refused(cctx, case)
    _record_assignment(cctx, case, None, "claim")
    if case.status == CaseStatus.NEW.value:
        apply_transition(cctx, case, CaseStatus.OPEN)
    refresh_sla(cctx, case)
    return case


def assign_case(cctx: CaseContext, case: Case, assignee_id: uuid.UUID | None) -> Case:
    """Give the case to an agent, or take it back (None: back to the unassigned view)."""
    if CaseStatus(case.status) not in ACTIVE_STATUSES:
        raise IllegalTransitionError("Seul un dossier en cours peut être attribué.", field="status")
    if assignee_id is not None:
        _agent_user(cctx, assignee_id)
    before = case.assignee_id
    if before == assignee_id:
        return case
    case.assignee_id = assignee_id
    case.claimed_at = cctx.now if assignee_id is not None else None
    case.updated_at = cctx.now
    _record_assignment(cctx, case, before, "assign" if assignee_id else "unassign")
    refresh_sla(cctx, case)
    return case


def open_case_counts(cctx: CaseContext, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Active cases held by each agent (the load the caps limit)."""
    rows = cctx.session.execute(
        select(Case.assignee_id, func.count())
        .where(Case.assignee_id.in_(user_ids), Case.status.in_(_ACTIVE))
        .group_by(Case.assignee_id)
    )
    counts = {user_id: 0 for user_id in user_ids}
    for assignee, count in rows.tuples():
        if assignee is not None:
            counts[assignee] = count
    return counts


def _absent_today(cctx: CaseContext, user_ids: list[uuid.UUID], today: date) -> set[uuid.UUID]:
    query = select(CaseAgentAbsence.user_id).where(
        CaseAgentAbsence.user_id.in_(user_ids),
        CaseAgentAbsence.first_day <= today,
        CaseAgentAbsence.last_day >= today,
    )
    return set(cctx.session.scalars(query))


def _roster(cctx: CaseContext, team: CaseTeam) -> list[AgentLoad]:
    agents = list(
        cctx.session.scalars(
            select(CaseAgent)
            .join(User, User.id == CaseAgent.user_id)
            .where(CaseAgent.team_id == team.id, CaseAgent.active, User.active)
            .order_by(CaseAgent.roster_position, CaseAgent.user_id)
        )
    )
    ids = [agent.user_id for agent in agents]
    counts = open_case_counts(cctx, ids)
    absent = _absent_today(cctx, ids, paris_day(cctx.now))
    return [
        AgentLoad(
            agent_id=AgentId(agent.user_id),
            open_cases=counts[agent.user_id],
            absent=agent.user_id in absent,
            cap=agent.open_case_cap,
        )
        for agent in agents
    ]


def assign_round_robin(cctx: CaseContext, case: Case, team_id: uuid.UUID) -> uuid.UUID | None:
    """The next present agent of the team below their cap gets the case (None: nobody could).

    The team row is locked (PostgreSQL) so that two cases assigned at once take two turns.
    """
    team = cctx.session.scalar(select(CaseTeam).where(CaseTeam.id == team_id).with_for_update())
    if team is None:
        raise InvalidCaseInputError("Équipe inconnue.", field="team_id")
    case.team_id = team.id
    last = None if team.last_assignee_id is None else AgentId(team.last_assignee_id)
    chosen = next_assignee(
        _roster(cctx, team),
        last_assignee=last,
        rules=configuration_of(case).work_rules,
    )
    if chosen is None:
        record_case_event(
            cctx,
            case,
            action=EventAction.ASSIGNED,
            after={"assignee_id": None, "how": "round_robin", "team": team.name},
        )
        return None
    team.last_assignee_id = chosen
    before = case.assignee_id
    case.assignee_id = chosen
    case.claimed_at = cctx.now
    _record_assignment(cctx, case, before, "round_robin")
    return chosen
