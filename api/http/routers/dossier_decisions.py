"""Decisions on stored dossiers: take one, list them, read one, recompute and compare."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.http.deps import etag, expected_version, require
from api.http.idempotency import run_idempotent
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey, IfMatch, json_response
from api.http.schemas.dossiers import DecisionCreate, DecisionView, RecomputationView
from api.http.views import decision_view, recomputation_view
from remuneration.services import decisions, dossiers
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/dossiers/{dossier_id}/decisions", tags=["décisions"], responses=PROBLEM_RESPONSES
)


@router.post(
    "",
    status_code=201,
    response_model=DecisionView,
    summary="Décider sur le dossier (moteur de règles sur les faits enregistrés)",
    responses={
        200: {
            "description": "Faits inchangés : la décision en vigueur est renvoyée",
            "model": DecisionView,
        }
    },
)
def take_decision(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: DecisionCreate,
    ctx: Annotated[ServiceContext, Depends(require("decisions.create"))],
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response:
    """201 with a new decision; 200 with the standing one when nothing changed since."""

    def produce() -> Response:
        dossier = dossiers.get_dossier(ctx, dossier_id)
        dossiers.check_version(dossier, expected_version(if_match))
        outcome = decisions.take_decision(ctx, dossier, as_of=body.as_of)
        decision = outcome.decision
        return json_response(
            decision_view(dossier, decision),
            status=201 if outcome.created else 200,
            location=f"/v1/dossiers/{dossier_id}/decisions/{decision.id}",
            etag=etag(dossier.version),
        )

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get("", response_model=list[DecisionView], summary="Les décisions du dossier")
def list_decisions(
    dossier_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("decisions.read"))],
) -> list[DecisionView]:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    return [decision_view(dossier, d) for d in decisions.list_decisions(ctx, dossier)]


@router.get("/{decision_id}", response_model=DecisionView, summary="Lire une décision")
def read_decision(
    dossier_id: uuid.UUID,
    decision_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("decisions.read"))],
) -> DecisionView:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    return decision_view(dossier, decisions.get_decision(ctx, dossier, decision_id))


@router.get(
    "/{decision_id}/recomputation",
    response_model=RecomputationView,
    summary="Même résultat aujourd'hui ? (recalcul et comparaison)",
)
def recompute_decision(
    dossier_id: uuid.UUID,
    decision_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("decisions.read"))],
) -> RecomputationView:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    decision = decisions.get_decision(ctx, dossier, decision_id)
    return recomputation_view(decisions.compare_decision(ctx, dossier, decision))
