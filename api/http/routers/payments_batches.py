"""Finance's view of runs and batches (lists), the first pair of eyes on a batch the system
prepared (approval), and the corrected batch after a file-level or technical bank reject."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.http.deps import get_state, require
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey
from api.http.routers.payments_common import (
    KEYED,
    answer_with_batch,
    batch_summary_view,
    confirm_totals,
    run_view,
)
from api.http.schemas.payments import BatchCorrection, BatchList, BatchRelease, BatchView, RunList
from api.settings import new_batch_terms
from payments import (
    BatchStatus,
    RunKind,
    approve_batch,
    list_batches,
    list_runs,
    prepare_corrected_batch,
)
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(tags=["paiements"], responses=PROBLEM_RESPONSES)


@router.get("/v1/payment-runs", response_model=RunList, summary="Paies, la plus récente d'abord")
def search_runs(
    *,
    ctx: Annotated[ServiceContext, Depends(require("payment_runs.read"))],
    kind: RunKind | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RunList:
    found = list_runs(
        ctx.session, kind=kind.value if kind else None, page=page, page_size=page_size
    )
    return RunList(
        items=[run_view(ctx, run) for run in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.get(
    "/v1/payment-batches",
    response_model=BatchList,
    summary="Lots : statut, totaux, qui a préparé, approuvé, libéré",
)
def search_batches(
    *,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.read"))],
    status: BatchStatus | None = None,
    run_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> BatchList:
    found = list_batches(
        ctx.session,
        status=status.value if status else None,
        run_id=run_id,
        page=page,
        page_size=page_size,
    )
    return BatchList(
        items=[batch_summary_view(ctx, batch) for batch in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.post(
    "/v1/payment-batches/{batch_id}/approval",
    response_model=BatchView,
    responses=KEYED,
    summary="Approuver un lot préparé par le compte système (une autre personne le libère)",
)
def approve(
    *,
    request: Request,
    batch_id: uuid.UUID,
    body: BatchRelease,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.release"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return confirm_totals(
        request, ctx, batch_id, body, idempotency_key=idempotency_key, act=approve_batch
    )


@router.post(
    "/v1/payment-batches/{batch_id}/correction",
    status_code=201,
    response_model=BatchView,
    responses=KEYED,
    summary="Préparer le lot corrigé d'un lot rejeté par la banque (nouveau MsgId, EndToEndId)",
)
def correct(
    *,
    request: Request,
    batch_id: uuid.UUID,
    body: BatchCorrection,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.cancel"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    settings = get_state(request).settings
    return answer_with_batch(
        request,
        ctx,
        idempotency_key=idempotency_key,
        body=body,
        act=lambda: prepare_corrected_batch(
            ctx,
            batch_id,
            execution_date=body.execution_date,
            **new_batch_terms(settings, ctx),
        ),
        new=True,
    )
