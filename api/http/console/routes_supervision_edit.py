"""Supervisors edit the queue's teams from the console: create a team, put an agent in a team
with a personal cap (or take them off the round robin), record an absence. The same services
as `remu cases team|agent|absence`; each change is audited (`case_team.created`,
`case_agent.updated`, `case_agent.absence_added`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.http.console.desk import Desk, desk
from api.http.console.forms import FormError, parse_count, parse_day, problems_of
from api.http.console.routes_supervision import supervision_page
from remuneration.cases.services import add_absence, create_team, set_agent
from remuneration.domain.errors import DomainError
from remuneration.services.audit import record_event

__all__ = ["router"]

router = APIRouter(prefix="/file/supervision", include_in_schema=False)


def _uuid(value: str, field: str, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise FormError([{"field": field, "message": message}]) from error


def _refused(
    request: Request, agent: Desk, error: Exception, field: str, form: dict[str, str]
) -> Response:
    agent.ctx.session.rollback()
    problems = error.problems if isinstance(error, FormError) else []
    if isinstance(error, DomainError):
        problems = problems_of(error, field)
    return supervision_page(request, agent, errors=problems, form=form, status=422)


@router.post("/equipes")
def new_team(
    request: Request,
    agent: Annotated[Desk, Depends(desk("cases.teams"))],
    team_name: Annotated[str, Form(max_length=50)] = "",
    team_label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    form = {"team_name": team_name, "team_label": team_label}
    try:
        if not team_name.strip() or not team_label.strip():
            raise FormError(
                [{"field": "team_name", "message": "Donnez le code et le nom de l'équipe."}]
            )
        team = create_team(
            agent.ctx.session,
            name=team_name.strip(),
            label=team_label.strip(),
            now=agent.ctx.now,
            supervisor_id=agent.user.id,
        )
        record_event(
            agent.ctx,
            action="case_team.created",
            entity_type="case_team",
            entity_id=team.id,
            after={"name": team.name, "label": team.label},
        )
    except (FormError, DomainError) as error:
        return _refused(request, agent, error, "team_name", form)
    return RedirectResponse("/file/supervision?fait=equipe#equipes", status_code=303)


@router.post("/agents")
def place_agent(
    *,
    request: Request,
    agent: Annotated[Desk, Depends(desk("cases.teams"))],
    user: Annotated[str, Form(max_length=40)] = "",
    team: Annotated[str, Form(max_length=40)] = "",
    cap: Annotated[str, Form(max_length=6)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    form = {"user": user, "team": team, "cap": cap, "active": active}
    try:
        user_id = _uuid(user, "user", "Choisissez l'agent.")
        team_id = _uuid(team, "team", "Choisissez l'équipe.") if team else None
        placed = set_agent(
            agent.ctx.session,
            user_id=user_id,
            now=agent.ctx.now,
            team_id=team_id,
            cap=parse_count(cap, "cap") if cap.strip() else None,
            active=active == "oui",
        )
        record_event(
            agent.ctx,
            action="case_agent.updated",
            entity_type="case_agent",
            entity_id=placed.user_id,
            after={
                "team_id": str(team_id) if team_id else None,
                "open_case_cap": placed.open_case_cap,
                "active": placed.active,
            },
        )
    except (FormError, DomainError) as error:
        return _refused(request, agent, error, "user", form)
    return RedirectResponse("/file/supervision?fait=agent#equipes", status_code=303)


@router.post("/absences")
def new_absence(
    *,
    request: Request,
    agent: Annotated[Desk, Depends(desk("cases.teams"))],
    absent: Annotated[str, Form(max_length=40)] = "",
    first_day: Annotated[str, Form(max_length=20)] = "",
    last_day: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = {"absent": absent, "first_day": first_day, "last_day": last_day}
    try:
        user_id = _uuid(absent, "absent", "Choisissez l'agent absent.")
        absence = add_absence(
            agent.ctx.session,
            user_id=user_id,
            first_day=parse_day(first_day, "first_day"),
            last_day=parse_day(last_day, "last_day"),
            now=agent.ctx.now,
        )
        record_event(
            agent.ctx,
            action="case_agent.absence_added",
            entity_type="case_agent",
            entity_id=user_id,
            after={
                "first_day": absence.first_day.isoformat(),
                "last_day": absence.last_day.isoformat(),
            },
        )
    except (FormError, DomainError) as error:
        return _refused(request, agent, error, "absent", form)
    return RedirectResponse("/file/supervision?fait=absence#equipes", status_code=303)
