"""``POST /v1/evaluations``: the stateless evaluation of one dossier (evaluation contract)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.http.deps import Authorization, caller_of
from api.http.middleware import parsed_body
from api.http.routers._common import PROBLEM_RESPONSES
from api.http.schemas.evaluations import EVALUATION_REQUEST_SCHEMA, EXAMPLE_REQUEST
from api.settings import parameter_store
from remuneration.domain.timezone import paris_day
from rules import evaluate, result_to_json

__all__ = ["router"]

router = APIRouter(tags=["évaluations"], responses=PROBLEM_RESPONSES)

_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": EVALUATION_REQUEST_SCHEMA,
                "examples": {"stagiaire à temps plein": {"value": EXAMPLE_REQUEST}},
            }
        },
    }
}


@router.post(
    "/v1/evaluations",
    summary="Évaluer un dossier (sans l'enregistrer)",
    description=(
        "Décision (accordé, rejeté, incomplet), motifs, pièces ou informations manquantes et "
        "toutes les lignes de paiement pour les mois fournis, chacune expliquée en français avec "
        "les paramètres utilisés, leur date d'effet et leur source."
    ),
    openapi_extra=_BODY_DOC,
    responses={
        200: {"description": "Résultat de l'évaluation"},
        422: {
            "description": "Demande invalide (problem+json `validation_error`, chemins JSON)",
            "content": {"application/problem+json": {}},
        },
    },
)
async def post_evaluation(request: Request, authorization: Authorization = None) -> Response:
    """No data is touched (the caller's account only, before the evaluation): the body is read
    raw so that the rules package checks it and all three doors (library, command line, API)
    answer the same bytes."""
    caller = await caller_of(request, authorization, "evaluations.create")
    raw = await request.body()
    today = paris_day(caller.now)
    result = evaluate(parsed_body(request, raw), today=today, parameters=parameter_store())
    return Response(result_to_json(result), media_type="application/json")
