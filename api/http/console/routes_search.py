"""The search box of every page: the search service of the API (`POST /v1/search`).

Terms travel in a form body (never in a URL); a NIR or an IBAN typed in full is looked up by
its keyed hash and shown back masked, never as typed. Each result links to a console route
that opens the page of what was found (the trainee's latest dossier, the dossier, the case,
the payment's batch for finance or its dossier's payments for the others).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.http.console.desk import Desk, desk
from api.http.console.rendering import render
from api.http.console.routes_finance import not_found
from payments.models import Payment
from payments.search import masked_terms, search
from remuneration.cases.models import Case
from remuneration.db.models import Dossier

__all__ = ["router"]

router = APIRouter(prefix="/recherche", include_in_schema=False)

_KIND_PERMISSION = {
    "trainee": "dossiers.read",
    "dossier": "dossiers.read",
    "case": "cases.read",
    "payment": "payments.read",
}
KIND_LABELS = {
    "trainee": "Stagiaire",
    "dossier": "Dossier",
    "case": "Demande",
    "payment": "Virement",
}
SLUGS = {"trainee": "stagiaire", "dossier": "dossier", "case": "demande", "payment": "virement"}
"""Kind of a result → the French word of its link (`/recherche/stagiaire/{id}`)."""
_KIND_OF_SLUG = {slug: kind for kind, slug in SLUGS.items()}
MATCH_LABELS = {
    "name": "nom",
    "nir": "NIR",
    "iban": "IBAN",
    "dossier_reference": "numéro de dossier",
    "case_reference": "numéro de demande",
    "end_to_end_id": "référence du virement",
}
_LIMIT = 20


def _kinds(agent: Desk) -> frozenset[str]:
    return frozenset(kind for kind, permission in _KIND_PERMISSION.items() if agent.can(permission))


@router.post("")
def search_page(
    request: Request,
    agent: Annotated[Desk, Depends(desk("search"))],
    q: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    text = q.strip()
    masked = masked_terms(text)
    hits = search(agent.ctx, text, kinds=_kinds(agent), limit=_LIMIT) if text else []
    return render(
        request,
        "recherche.html",
        {
            "desk": agent,
            "title": "Recherche",
            "shown": masked or text,
            "typed": "" if masked else text,
            "hits": hits,
            "limit": _LIMIT,
            "kinds": KIND_LABELS,
            "matches": MATCH_LABELS,
            "slugs": SLUGS,
        },
    )


def _trainee_target(agent: Desk, item_id: uuid.UUID) -> str | None:
    dossier_id = agent.ctx.session.scalar(
        select(Dossier.id)
        .where(Dossier.trainee_id == item_id)
        .order_by(Dossier.created_at.desc())
        .limit(1)
    )
    return None if dossier_id is None else f"/dossiers/{dossier_id}?onglet=donnees"


def _target(agent: Desk, kind: str, item_id: uuid.UUID) -> str | None:
    session = agent.ctx.session
    if kind == "trainee":
        return _trainee_target(agent, item_id)
    if kind == "dossier":
        return f"/dossiers/{item_id}" if session.get(Dossier, item_id) is not None else None
    if kind == "case":
        reference = session.scalar(select(Case.reference).where(Case.id == item_id))
        return None if reference is None else f"/file/demandes/{reference}"
    payment = session.get(Payment, item_id)
    if payment is None:
        return None
    if payment.batch_id is not None and agent.can("payment_batches.read"):
        return f"/finance/lots/{payment.batch_id}"
    return f"/dossiers/{payment.dossier_id}?onglet=paiements"


@router.get("/{slug}/{item_id}")
def open_result(
    request: Request,
    slug: str,
    item_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("search"))],
) -> Response:
    """Open what a search found, on the console page of its kind (if the role may see it)."""
    kind = _KIND_OF_SLUG.get(slug)
    if kind is None:
        return not_found(request, agent, "Résultat")
    if not agent.can(_KIND_PERMISSION[kind]):
        return render(
            request,
            "erreur.html",
            {
                "desk": agent,
                "title": "Accès refusé",
                "message": "Votre rôle ne donne pas accès à cette page.",
            },
            status=403,
        )
    target = _target(agent, kind, item_id)
    if target is None:
        return not_found(request, agent, KIND_LABELS[kind])
    return RedirectResponse(target, status_code=303)
