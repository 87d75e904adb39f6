"""Dossiers: create, read, search, change facts (If-Match), submit, exit, aid requests, close."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from api.http.deps import (
    Authorization,
    etag,
    expected_version,
    require,
    require_version,
)
from api.http.dossier_reads import read_dossier_view
from api.http.idempotency import run_idempotent
from api.http.routers._common import (
    PROBLEM_RESPONSES,
    VERSIONED_RESPONSES,
    IdempotencyKey,
    IfMatch,
    json_response,
)
from api.http.schemas.common import Text
from api.http.schemas.dossiers import (
    AidRequestCreate,
    DossierCreate,
    DossierFacts,
    DossierList,
    DossierPatch,
    DossierView,
    ExitCreate,
)
from api.http.views import dossier_list_item, dossier_view
from remuneration.db.models import Dossier
from remuneration.domain.states import DossierStatus
from remuneration.services import dossiers
from remuneration.services.context import ServiceContext
from remuneration.services.inputs import AidRequestInput, DossierInput, ExitInput

__all__ = ["router"]

router = APIRouter(prefix="/v1/dossiers", tags=["dossiers"], responses=PROBLEM_RESPONSES)

_VERSIONED = VERSIONED_RESPONSES


def _dossier_response(
    ctx: ServiceContext, dossier_id: uuid.UUID, *, status: int = 200, location: str | None = None
) -> Response:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    return json_response(
        dossier_view(ctx, dossier), status=status, location=location, etag=etag(dossier.version)
    )


def _change(
    ctx: ServiceContext,
    dossier_id: uuid.UUID,
    if_match: str | None,
    change: Callable[[Dossier], object],
    *,
    status: int = 200,
) -> Response:
    """A change made to the dossier at the version the caller read (If-Match, when given),
    answered with the dossier as it now stands."""
    dossier = dossiers.get_dossier(ctx, dossier_id)
    dossiers.check_version(dossier, expected_version(if_match))
    change(dossier)
    return _dossier_response(ctx, dossier_id, status=status)


def _keyed_addition(
    request: Request,
    ctx: ServiceContext,
    dossier_id: uuid.UUID,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    body: BaseModel,
    change: Callable[[Dossier], object],
) -> Response:
    """Something added to the dossier (an exit, an aid request): 201, once per Idempotency-Key."""

    def produce() -> Response:
        return _change(ctx, dossier_id, if_match, change, status=201)

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.post("", status_code=201, response_model=DossierView, summary="Ouvrir un dossier")
def create_dossier(
    *,
    request: Request,
    body: DossierCreate,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.create"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        facts = body.model_dump(include=set(DossierFacts.model_fields))
        dossier = dossiers.create_dossier(
            ctx, DossierInput(trainee_id=body.trainee_id, training_id=body.training_id, facts=facts)
        )
        return _dossier_response(ctx, dossier.id, status=201, location=f"/v1/dossiers/{dossier.id}")

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get("", response_model=DossierList, summary="Rechercher des dossiers")
def search_dossiers(
    *,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.read"))],
    status: DossierStatus | None = None,
    training: uuid.UUID | None = None,
    q: Annotated[Text | None, Query(description="Nom ou prénom (contient).")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DossierList:
    found = dossiers.list_dossiers(
        ctx, status=status, training_id=training, text=q, page=page, page_size=page_size
    )
    return DossierList(
        items=[dossier_list_item(d, t) for d, t in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.get(
    "/{dossier_id}",
    response_model=DossierView,
    response_model_exclude_unset=True,
    summary="Lire un dossier (ETag)",
)
async def read_dossier(
    request: Request, dossier_id: uuid.UUID, authorization: Authorization = None
) -> Response:
    return await read_dossier_view(request, dossier_id, authorization)


@router.patch(
    "/{dossier_id}",
    response_model=DossierView,
    responses=_VERSIONED,
    summary="Modifier les faits déclarés (If-Match obligatoire)",
)
def patch_dossier(
    dossier_id: uuid.UUID,
    body: DossierPatch,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.update"))],
    if_match: IfMatch = None,
) -> Response:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    require_version(if_match, dossier.version)
    dossiers.update_facts(ctx, dossier, body.model_dump(exclude_unset=True))
    return _dossier_response(ctx, dossier_id)


@router.post(
    "/{dossier_id}/submit",
    response_model=DossierView,
    responses=_VERSIONED,
    summary="Déposer le dossier (début de l'instruction)",
)
def submit_dossier(
    dossier_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.update"))],
    if_match: IfMatch = None,
) -> Response:
    return _change(ctx, dossier_id, if_match, lambda dossier: dossiers.submit_dossier(ctx, dossier))


@router.post(
    "/{dossier_id}/close",
    response_model=DossierView,
    responses=_VERSIONED,
    summary="Clore le dossier",
)
def close_dossier(
    dossier_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.update"))],
    if_match: IfMatch = None,
) -> Response:
    return _change(ctx, dossier_id, if_match, lambda dossier: dossiers.close_dossier(ctx, dossier))


@router.post(
    "/{dossier_id}/exit",
    status_code=201,
    response_model=DossierView,
    responses=_VERSIONED,
    summary="Enregistrer une sortie de formation",
)
def record_exit(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: ExitCreate,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.update"))],
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response:
    exit_ = ExitInput(exit_date=body.date, reason=body.reason)
    return _keyed_addition(
        request,
        ctx,
        dossier_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        body=body,
        change=lambda dossier: dossiers.record_exit(ctx, dossier, exit_),
    )


@router.post(
    "/{dossier_id}/aid-requests",
    status_code=201,
    response_model=DossierView,
    responses=_VERSIONED,
    summary="Demander une aide (équipement, permis)",
)
def request_aid(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: AidRequestCreate,
    ctx: Annotated[ServiceContext, Depends(require("dossiers.update"))],
    idempotency_key: IdempotencyKey = None,
    if_match: IfMatch = None,
) -> Response:
    data = body.model_dump()
    data["request_date"] = data.pop("date")
    aid = AidRequestInput(**data)
    return _keyed_addition(
        request,
        ctx,
        dossier_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        body=body,
        change=lambda dossier: dossiers.add_aid_request(ctx, dossier, aid),
    )
