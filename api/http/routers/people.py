"""Finding and fixing people: trainee edits, possible duplicates, merges, the search box."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.http.deps import etag, require, require_version
from api.http.routers._common import (
    PROBLEM_RESPONSES,
    VERSIONED_RESPONSES,
    IfMatch,
    json_response,
)
from api.http.schemas.catalogue import TraineeView
from api.http.schemas.people import (
    DuplicateCandidateView,
    MergeCreate,
    MergeView,
    RedecisionView,
    SearchHitView,
    SearchQuery,
    SearchResult,
    TraineePatch,
    TraineeUpdateView,
)
from api.http.security import PERMISSIONS
from payments.search import search
from remuneration.services import catalogue, trainees
from remuneration.services.context import ServiceContext
from remuneration.services.duplicates import REASON_LABELS, possible_duplicates
from remuneration.services.merge import merge_trainees

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["personnes"], responses=PROBLEM_RESPONSES)

_HREF = {
    "trainee": "/v1/trainees/{}",
    "dossier": "/v1/dossiers/{}",
    "case": "/v1/cases/{}",
    "payment": "/v1/payments/{}",
}
_KIND_PERMISSION = {
    "trainee": "trainees.read",
    "dossier": "dossiers.read",
    "case": "cases.read",
    "payment": "payments.read",
}


@router.patch(
    "/trainees/{trainee_id}",
    response_model=TraineeUpdateView,
    responses=VERSIONED_RESPONSES,
    summary="Corriger un stagiaire (If-Match obligatoire) ; ses dossiers sont réexaminés",
)
def patch_trainee(
    trainee_id: uuid.UUID,
    body: TraineePatch,
    ctx: Annotated[ServiceContext, Depends(require("trainees.update"))],
    if_match: IfMatch = None,
) -> Response:
    trainee = catalogue.get_trainee(ctx, trainee_id)
    require_version(if_match, trainee.version)
    outcome = trainees.update_trainee(ctx, trainee, body.model_dump(exclude_none=True))
    view = TraineeUpdateView(
        **TraineeView.model_validate(trainee).model_dump(),
        changed=list(outcome.changed),
        reassessed_dossiers=[uuid.UUID(i) for i in outcome.reassessed],
        new_decisions=[
            RedecisionView(
                dossier_id=uuid.UUID(r.dossier_id),
                before=r.before,
                after=r.after,
                decision_number=r.decision_number,
            )
            for r in outcome.redecided
        ],
    )
    return json_response(view, etag=etag(trainee.version))


@router.get(
    "/trainees/{trainee_id}/possible-duplicates",
    response_model=list[DuplicateCandidateView],
    summary="Les autres fiches qui pourraient être la même personne",
)
def read_possible_duplicates(
    trainee_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("trainees.read"))],
) -> list[DuplicateCandidateView]:
    trainee = catalogue.get_trainee(ctx, trainee_id)
    return [
        DuplicateCandidateView(
            trainee=TraineeView.model_validate(candidate.trainee),
            reasons=candidate.reasons,
            explanation=", ".join(REASON_LABELS[r] for r in candidate.reasons).capitalize() + ".",
        )
        for candidate in possible_duplicates(ctx, trainee)
    ]


@router.post(
    "/trainees/{trainee_id}/merge",
    response_model=MergeView,
    summary="Fusionner une fiche en double dans celle-ci (superviseur, tracé)",
)
def merge(
    trainee_id: uuid.UUID,
    body: MergeCreate,
    ctx: Annotated[ServiceContext, Depends(require("trainees.merge"))],
) -> Response:
    kept = catalogue.get_trainee(ctx, trainee_id)
    duplicate = catalogue.get_trainee(ctx, body.duplicate_id)
    moved = merge_trainees(ctx, kept, duplicate, reason=body.reason)
    kept = catalogue.get_trainee(ctx, trainee_id)
    view = MergeView(kept=TraineeView.model_validate(kept), merged_id=duplicate.id, moved=moved)
    return json_response(view, etag=etag(kept.version))


@router.post(
    "/search",
    response_model=SearchResult,
    summary="Rechercher une personne, un dossier, un cas ou un virement (termes dans le corps)",
)
def search_everything(
    body: SearchQuery,
    ctx: Annotated[ServiceContext, Depends(require("search"))],
) -> SearchResult:
    allowed = {
        kind
        for kind, permission in _KIND_PERMISSION.items()
        if ctx.actor.role in PERMISSIONS[permission]
    }
    kinds = allowed & set(body.kinds) if body.kinds else allowed
    hits = search(ctx, body.q, kinds=frozenset(kinds), limit=body.limit)
    return SearchResult(
        items=[
            SearchHitView(
                kind=hit.kind,
                id=hit.id,
                label=hit.label,
                summary=hit.summary,
                matched=hit.matched,
                href=_HREF[hit.kind].format(hit.id),
            )
            for hit in hits
        ]
    )
