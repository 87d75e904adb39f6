"""The supervisor's view of the queue: teams and their agents, absences to come, cases at risk
and breached, and the queue's metrics (backlog, service levels met, time to resolve)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.http.console.desk import Desk, desk
from api.http.console.forms import Problem, user_names
from api.http.console.queue_labels import LABELS, duration_text
from api.http.console.rendering import render
from api.http.routers.cases_views import case_list_items
from remuneration.cases.models import CaseAgent, CaseAgentAbsence, CaseTeam
from remuneration.cases.services import CaseContext, CaseQuery, QueueView, list_cases, queue_metrics
from remuneration.db.models import User

__all__ = ["router", "supervision_page"]

router = APIRouter(prefix="/file", include_in_schema=False)
CLOCK_NAMES = {
    "first_response": "Première réponse",
    "next_response": "Réponse suivante",
    "resolution": "Résolution",
}


def _teams(agent: Desk) -> list[dict[str, Any]]:
    session = agent.ctx.session
    teams = list(session.scalars(select(CaseTeam).order_by(CaseTeam.name)))
    members = list(session.scalars(select(CaseAgent).order_by(CaseAgent.roster_position)))
    absences = list(
        session.scalars(
            select(CaseAgentAbsence)
            .where(CaseAgentAbsence.last_day >= agent.ctx.today)
            .order_by(CaseAgentAbsence.first_day)
        )
    )
    names = user_names(
        session,
        [m.user_id for m in members] + [t.supervisor_id for t in teams],
    )
    return [
        {
            "team": team,
            "supervisor": names.get(team.supervisor_id) if team.supervisor_id else None,
            "agents": [
                {
                    "name": names.get(member.user_id, str(member.user_id)),
                    "active": member.active,
                    "cap": member.open_case_cap,
                    "absences": [a for a in absences if a.user_id == member.user_id],
                }
                for member in members
                if member.team_id == team.id
            ],
        }
        for team in teams
    ]


def _duration(value: timedelta | None) -> str:
    return "—" if value is None else duration_text(value)


@router.get("/supervision")
def supervision(
    request: Request, agent: Annotated[Desk, Depends(desk("cases.metrics"))]
) -> Response:
    return supervision_page(request, agent)


def _queue_users(agent: Desk, *, members_only: bool = False) -> list[User]:
    """Who may work the queue (or, `members_only`, who already is one of its agents)."""
    query = select(User).where(
        User.role.in_(("relation_usagers", "supervisor")), User.active.is_(True)
    )
    if members_only:
        query = query.where(User.id.in_(select(CaseAgent.user_id)))
    return list(agent.ctx.session.scalars(query.order_by(User.display_name)))


def supervision_page(
    request: Request,
    agent: Desk,
    *,
    errors: list[Problem] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The supervision page (with a refused form's errors)."""
    cctx = CaseContext.of(agent.ctx)
    at_risk = list_cases(cctx, CaseQuery(view=QueueView.AT_RISK, page_size=50))
    breached = list_cases(cctx, CaseQuery(view=QueueView.BREACHED, page_size=50))
    report = queue_metrics(cctx, since=agent.ctx.now - timedelta(days=90), until=None)
    return render(
        request,
        "file/supervision.html",
        {
            "desk": agent,
            "title": "Supervision de la file",
            "current": "supervision",
            "teams": _teams(agent),
            "at_risk": case_list_items(agent.ctx, at_risk.items),
            "breached": case_list_items(agent.ctx, breached.items),
            "metrics": report.metrics,
            "clock_names": CLOCK_NAMES,
            "labels": LABELS,
            "duration": _duration,
            "all_teams": list(agent.ctx.session.scalars(select(CaseTeam).order_by(CaseTeam.name))),
            "queue_users": _queue_users(agent),
            "team_members": _queue_users(agent, members_only=True),
            "errors": errors or [],
            "form": form or {},
            "done": request.query_params.get("fait"),
        },
        status=status,
    )
