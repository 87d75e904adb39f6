"""Relation usagers: the queue as tabs with counters, and the case page (the trainee's file
beside it, service levels as time left in business hours, every action of the day)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.http.console.counters import queue_tab_counts
from api.http.console.desk import Desk, desk
from api.http.console.forms import Problem
from api.http.console.queue_labels import (
    LABELS,
    QUEUE_TABS,
    STATUS_TONES,
    macro_placeholders,
    sla_label,
)
from api.http.console.rendering import render
from api.http.console.routes_finance import not_found
from api.http.routers.cases_views import case_list_items, case_view
from api.http.schemas.cases import CaseListItem
from remuneration.cases.domain import CaseStatus, allowed_targets
from remuneration.cases.models import Case
from remuneration.cases.services import CaseContext, CaseQuery, find_case, list_cases
from remuneration.cases.services.sla import configuration_of
from remuneration.db.models import User
from remuneration.domain.errors import NotFound
from remuneration.services.context import Role

__all__ = ["case_page_response", "router"]

router = APIRouter(prefix="/file", include_in_schema=False)
_PAGE_SIZE = 25


def _sla(cctx: CaseContext, case: Case, item: CaseListItem) -> tuple[str, str]:
    """The list's service level from the stored nearest deadline (the case page shows every
    clock): business time left, or past, in words."""
    if item.due_at is None:
        return "Sans échéance en cours", "neutre"
    calendar = configuration_of(case).calendar
    left = calendar.business_duration_between(cctx.now, item.due_at)
    state = "breached" if item.breached else "running"
    return sla_label(state, left, item.at_risk)


@router.get("")
def queue(
    request: Request,
    agent: Annotated[Desk, Depends(desk("cases.read"))],
    vue: str = "a-prendre",
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    cctx = CaseContext.of(agent.ctx)
    tab = next((tab for tab in QUEUE_TABS if tab.key == vue), QUEUE_TABS[0])
    text = q.strip() if q and q.strip() else None
    counts = dict(zip((item.key for item in QUEUE_TABS), queue_tab_counts(cctx), strict=True))
    found = list_cases(
        cctx,
        CaseQuery(view=tab.view, category=tab.category, text=text, page=page, page_size=_PAGE_SIZE),
    )
    rows = list(zip(case_list_items(agent.ctx, found.items), found.items, strict=True))
    return render(
        request,
        "file/liste.html",
        {
            "desk": agent,
            "title": f"File des demandes — {tab.label}",
            "current": "file",
            "tabs": QUEUE_TABS,
            "tab": tab,
            "counts": counts,
            "q": text or "",
            "items": [(item, _sla(cctx, case, item)) for item, case in rows],
            "total": found.total,
            "page": found.page,
            "pages": max(1, -(-found.total // _PAGE_SIZE)),
            "labels": LABELS,
            "tones": STATUS_TONES,
        },
        block="resultats",
    )


def _agents(agent: Desk) -> list[User]:
    if not agent.can("cases.assign"):
        return []
    roles = (Role.RELATION_USAGERS.value, Role.SUPERVISOR.value)
    return list(
        agent.ctx.session.scalars(
            select(User)
            .where(User.role.in_(roles), User.active.is_(True))
            .order_by(User.display_name)
        )
    )


def case_page_response(
    request: Request,
    agent: Desk,
    case_key: str,
    *,
    errors: list[Problem] | None = None,
    form: dict[str, Any] | None = None,
    preview: Any = None,
    status: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """The case page (with a refused form's errors, or a macro's preview)."""
    cctx = CaseContext.of(agent.ctx)
    try:
        case = find_case(cctx, case_key)
    except NotFound:
        return not_found(request, agent, "Demande")
    view = case_view(agent.ctx, case)
    macros = configuration_of(case).macros
    clocks = [
        (clock, sla_label(clock.state, timedelta(seconds=clock.remaining_seconds), clock.at_risk))
        for clock in view.clocks
    ]
    return render(
        request,
        "file/demande.html",
        {
            "desk": agent,
            "title": f"Demande {case.reference}",
            "current": "file",
            "case": view,
            "clocks": clocks,
            "labels": LABELS,
            "tones": STATUS_TONES,
            "targets": [  # a merge has its own form, which names the case kept
                t.value for t in allowed_targets(CaseStatus(case.status)) if t != CaseStatus.MERGED
            ],
            "macros": [(key, macro, macro_placeholders(macro)) for key, macro in macros.items()],
            "agents": _agents(agent),
            "errors": errors or [],
            "form": form or {},
            "preview": preview,
            "done": request.query_params.get("fait"),
            "mine": case.assignee_id == agent.user.id,
        },
        status=status,
        block=block,
    )


@router.get("/demandes/{case_key}")
def case_page(
    request: Request,
    case_key: Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9 -]+$")],
    agent: Annotated[Desk, Depends(desk("cases.read"))],
) -> Response:
    return case_page_response(request, agent, case_key)
