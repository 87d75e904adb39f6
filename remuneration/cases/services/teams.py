"""Teams and agents of the queue: roster order, personal caps, absences (operators' commands)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from remuneration.cases.domain import InvalidCaseInputError
from remuneration.cases.models import CaseAgent, CaseAgentAbsence, CaseTeam
from remuneration.db.models import User
from remuneration.domain.errors import AlreadyExists
from remuneration.domain.ids import new_id

__all__ = ["add_absence", "create_team", "find_team", "set_agent"]

_AGENT_ROLES = frozenset({"relation_usagers", "supervisor"})


def create_team(
    session: Session,
    *,
    name: str,
    label: str,
    now: datetime,
    supervisor_id: uuid.UUID | None = None,
) -> CaseTeam:
    """A new team (its name is what work_rules.yaml and the commands refer to)."""
    if session.scalar(select(CaseTeam.id).where(CaseTeam.name == name)) is not None:
        raise AlreadyExists(f"L'équipe « {name} » existe déjà.", field="name")
    team = CaseTeam(
        id=new_id(), name=name, label=label, supervisor_id=supervisor_id, created_at=now
    )
    session.add(team)
    session.flush()
    return team


def find_team(session: Session, name: str) -> CaseTeam | None:
    """The team of that name, if any."""
    return session.scalar(select(CaseTeam).where(CaseTeam.name == name))


def set_agent(
    session: Session,
    *,
    user_id: uuid.UUID,
    now: datetime,
    team_id: uuid.UUID | None = None,
    cap: int | None = None,
    active: bool = True,
) -> CaseAgent:
    """Put an agent in a team (at the end of its roster) with an optional personal cap."""
    user = session.get(User, user_id)
    if user is None or user.role not in _AGENT_ROLES:
        raise InvalidCaseInputError(
            "Seuls les agents de la relation usagers et les superviseurs travaillent les dossiers.",
            field="user",
        )
    if cap is not None and cap < 1:
        raise InvalidCaseInputError("Le plafond d'un agent doit être au moins 1.", field="cap")
    agent = session.get(CaseAgent, user_id)
    position = (
        session.scalar(
            select(func.max(CaseAgent.roster_position)).where(CaseAgent.team_id == team_id)
        )
        or 0
    ) + 1
    if agent is None:
        agent = CaseAgent(user_id=user_id, roster_position=position, created_at=now)
        session.add(agent)
    elif agent.team_id != team_id:
        agent.roster_position = position
    agent.team_id = team_id
    agent.open_case_cap = cap
    agent.active = active
    agent.updated_at = now
    session.flush()
    return agent


def add_absence(
    session: Session, *, user_id: uuid.UUID, first_day: date, last_day: date, now: datetime
) -> CaseAgentAbsence:
    """Record that an agent is away (the round robin skips them on those days)."""
    if session.get(CaseAgent, user_id) is None:
        raise InvalidCaseInputError("Cet utilisateur n'est pas un agent de la file.", field="user")
    if last_day < first_day:
        raise InvalidCaseInputError("L'absence doit finir après son début.", field="last_day")
    absence = CaseAgentAbsence(
        id=new_id(), user_id=user_id, first_day=first_day, last_day=last_day, created_at=now
    )
    session.add(absence)
    session.flush()
    return absence
