"""Instructors: the dossier list (tabs with counters, filters as removable tags) and the
dossier page with its tabs (données, pièces, calcul et décision, paiements, échanges,
historique). Actions are in `routes_dossier_actions`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from api.http.console.desk import Desk, desk
from api.http.console.dossier_queries import DOSSIER_TABS, DossierFilters, dossier_page, tab_counts
from api.http.console.dossier_tabs import DOSSIER_PAGE_TABS, tab_context
from api.http.console.forms import Problem
from api.http.console.labels import DOSSIER_STATES
from api.http.console.rendering import render
from api.http.console.routes_finance import not_found
from remuneration.db.models import Dossier, Training, TrainingOrganisation

__all__ = ["STATUS_LABELS", "dossier_at_version", "dossier_page_response", "router"]

router = APIRouter(prefix="/dossiers", include_in_schema=False)
_PAGE_SIZE = 25
STATUS_LABELS = DOSSIER_STATES


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _tags(params: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(label, link without this filter) for every active filter but the tab."""
    tags = []
    for key, label in labels.items():
        if key in params:
            rest = {k: v for k, v in params.items() if k != key}
            tags.append((label, f"/dossiers?{urlencode(rest)}"))
    return tags


@router.get("")
def dossier_list(
    *,
    request: Request,
    agent: Annotated[Desk, Depends(desk("dossiers.read"))],
    onglet: str = "a-instruire",
    formation: str | None = None,
    organisme: str | None = None,
    pieces: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    session = agent.ctx.session
    filters = DossierFilters(
        tab=onglet if onglet in DOSSIER_TABS else "a-instruire",
        training_id=_uuid(formation),
        organisation_id=_uuid(organisme),
        missing_documents=pieces == "manquantes",
        text=q.strip() if q and q.strip() else None,
    )
    trainings = list(session.scalars(select(Training).order_by(Training.start_date.desc())))
    organisations = list(
        session.scalars(select(TrainingOrganisation).order_by(TrainingOrganisation.name))
    )
    params: dict[str, str] = {}
    labels: dict[str, str] = {}
    if filters.training_id is not None:
        params["formation"] = str(filters.training_id)
        title = next((t.title for t in trainings if t.id == filters.training_id), "inconnue")
        labels["formation"] = f"Formation : {title}"
    if filters.organisation_id is not None:
        params["organisme"] = str(filters.organisation_id)
        name = next((o.name for o in organisations if o.id == filters.organisation_id), "inconnu")
        labels["organisme"] = f"Organisme : {name}"
    if filters.missing_documents:
        params["pieces"] = "manquantes"
        labels["pieces"] = "Pièces manquantes"
    if filters.text:
        params["q"] = filters.text
        labels["q"] = f"Nom : {filters.text}"
    rows, total = dossier_page(session, filters, agent.ctx.today, page=page, page_size=_PAGE_SIZE)
    return render(
        request,
        "dossiers/liste.html",
        {
            "desk": agent,
            "title": f"Dossiers — {DOSSIER_TABS[filters.tab]}",
            "current": "dossiers",
            "tabs": DOSSIER_TABS,
            "filters": filters,
            "counts": tab_counts(session, filters, agent.ctx.today),
            "query": urlencode(params),
            "tags": _tags({**params, "onglet": filters.tab}, labels),
            "tab_query": urlencode({**params}),
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // _PAGE_SIZE)),
            "trainings": trainings,
            "organisations": organisations,
            "states": STATUS_LABELS,
        },
        block="resultats",
    )


def dossier_at_version(
    request: Request,
    agent: Desk,
    dossier_id: uuid.UUID,
    tab: str,
    *,
    typed: str,
    version_of: Callable[[Dossier], int],
    stale: str,
    form: dict[str, Any] | None = None,
) -> Dossier | HTMLResponse:
    """The dossier a form acts on, if the form's version (``typed``) is still that of the record
    it changes (``version_of``): else the page to show instead, not found (404) or the record as
    it now stands with the ``stale`` message (409), as `If-Match` does for the API."""
    dossier = agent.ctx.session.get(Dossier, dossier_id)
    if dossier is None:
        return dossier_page_response(request, agent, dossier_id, tab)
    if typed != str(version_of(dossier)):
        problems: list[Problem] = [{"field": "version", "message": stale}]
        return dossier_page_response(
            request, agent, dossier_id, tab, errors=problems, form=form, status=409
        )
    return dossier


def dossier_page_response(
    request: Request,
    agent: Desk,
    dossier_id: uuid.UUID,
    tab: str,
    *,
    errors: list[Problem] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The dossier page on one tab (with a refused form's errors)."""
    dossier = agent.ctx.session.get(Dossier, dossier_id)
    if dossier is None:
        return not_found(request, agent, "Dossier")
    tab = tab if tab in DOSSIER_PAGE_TABS else "donnees"
    context = tab_context(agent, dossier, tab)
    return render(
        request,
        "dossiers/dossier.html",
        {
            "desk": agent,
            "title": f"Dossier de {context['trainee'].first_names} {context['trainee'].last_name}",
            "current": "dossiers",
            "dossier": dossier,
            "tab": tab,
            "tabs": DOSSIER_PAGE_TABS,
            "states": STATUS_LABELS,
            "errors": errors or [],
            "form": form or {},
            "done": request.query_params.get("fait"),
            **context,
        },
        status=status,
    )


@router.get("/{dossier_id}")
def dossier(
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("dossiers.read"))],
    onglet: str = "donnees",
) -> Response:
    return dossier_page_response(request, agent, dossier_id, onglet)
