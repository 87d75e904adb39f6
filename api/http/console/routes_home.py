"""The home page (each agent's own work and counters) and the accessibility statement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.http.console.counters import Counter, dossier_counters, finance_counters, queue_counters
from api.http.console.desk import Desk, desk
from api.http.console.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _sections(agent: Desk) -> list[tuple[str, list[Counter]]]:
    sections: list[tuple[str, list[Counter]]] = []
    if agent.can("dossiers.update"):
        sections.append(
            ("Instruction des dossiers", dossier_counters(agent.ctx.session, agent.ctx.today))
        )
    if agent.can("cases.work"):
        sections.append(("File des demandes des usagers", queue_counters(agent.ctx)))
    if agent.can("payment_batches.release"):
        sections.append(("Paiements", finance_counters(agent.ctx.session)))
    return sections


@router.get("/")
def home(request: Request, agent: Annotated[Desk, Depends(desk())]) -> HTMLResponse:
    return render(
        request,
        "accueil.html",
        {"desk": agent, "title": "Accueil", "sections": _sections(agent)},
    )


@router.get("/accessibilite")
def accessibility(request: Request) -> HTMLResponse:
    return render(request, "accessibilite.html", {"title": "Accessibilité"})
