"""Payment runs and batches (finance): run, read, release (four eyes), download, cancel.

Approval of batches prepared by the system account, corrected batches after a bank reject and
the lists of runs and batches are in ``payments_batches``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from api.http.deps import get_state, require
from api.http.idempotency import run_idempotent
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey, json_response, problem_doc
from api.http.routers.payments_common import (
    KEYED,
    answer_with_batch,
    batch_view,
    confirm_totals,
    require_idempotency_key,
    run_view,
)
from api.http.schemas.payments import (
    BatchCancellation,
    BatchRelease,
    BatchView,
    NoRunView,
    RunCreate,
    RunView,
)
from api.settings import new_batch_terms, payer_account, run_worker_from
from payments import (
    RunKind,
    RunRequest,
    cancel_batch,
    downloadable_batch,
    file_chunks,
    get_batch,
    release_batch,
    start_run,
)
from payments.models import PaymentRun
from remuneration.domain.errors import NotFound
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(tags=["paiements"], responses=PROBLEM_RESPONSES)


@router.post(
    "/v1/payment-runs",
    status_code=201,
    response_model=RunView,
    responses={
        **KEYED,
        200: {"description": "Paie déjà faite (la première) ; ou rien à payer (NoRunView)"},
    },
    summary="Lancer une paie (avances du jour ou mois échu) ; la relancer rend la première",
)
def create_run(
    *,
    request: Request,
    body: RunCreate,
    ctx: Annotated[ServiceContext, Depends(require("payment_runs.create"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    key = require_idempotency_key(idempotency_key)
    settings = get_state(request).settings

    def produce() -> Response:
        outcome = start_run(
            ctx,
            RunRequest(RunKind(body.kind), body.period, body.execution_date),
            payer=payer_account(settings),
            worker_from=run_worker_from(settings),
        )
        run = outcome.run
        if run is None:
            return json_response(
                NoRunView(
                    kind=body.kind.value,
                    period=body.period,
                    status="nothing_to_pay",
                    detail=f"Rien à payer : aucune avance due le {body.period} ; aucune paie "
                    "n'est enregistrée.",
                )
            )
        return json_response(
            run_view(ctx, run),
            status=201 if outcome.created else 200,
            location=f"/v1/payment-runs/{run.id}",
        )

    return run_idempotent(request, ctx, key, body, produce)


@router.get("/v1/payment-runs/{run_id}", response_model=RunView, summary="Lire une paie")
def read_run(
    run_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("payment_runs.read"))],
) -> RunView:
    run = ctx.session.get(PaymentRun, run_id)
    if run is None:
        raise NotFound("Paie introuvable.")
    return run_view(ctx, run)


@router.get(
    "/v1/payment-batches/{batch_id}",
    response_model=BatchView,
    summary="Lire un lot : totaux de l'en-tête du fichier, virements vers un IBAN modifié",
)
def read_batch(
    batch_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.read"))],
) -> BatchView:
    return batch_view(ctx, get_batch(ctx, batch_id))


@router.post(
    "/v1/payment-batches/{batch_id}/release",
    response_model=BatchView,
    responses=KEYED,
    summary="Libérer un lot (une autre personne que celle qui l'a préparé)",
)
def release(
    *,
    request: Request,
    batch_id: uuid.UUID,
    body: BatchRelease,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.release"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return confirm_totals(
        request, ctx, batch_id, body, idempotency_key=idempotency_key, act=release_batch
    )


@router.post(
    "/v1/payment-batches/{batch_id}/cancellation",
    status_code=201,
    response_model=BatchView,
    responses=KEYED,
    summary="Annuler un lot non libéré (motif) ; ses virements passent dans un nouveau lot",
)
def cancel(
    *,
    request: Request,
    batch_id: uuid.UUID,
    body: BatchCancellation,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.cancel"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    settings = get_state(request).settings
    return answer_with_batch(
        request,
        ctx,
        idempotency_key=idempotency_key,
        body=body,
        act=lambda: cancel_batch(
            ctx,
            batch_id,
            reason=body.reason,
            execution_date=body.execution_date,
            **new_batch_terms(settings, ctx),
        ),
        new=True,
    )


def _stream(request: Request, batch_id: uuid.UUID) -> Iterator[bytes]:
    """The stored chunks, read in a session of their own once the request's is committed."""
    session: Session = get_state(request).read_sessions()
    try:
        yield from file_chunks(session, batch_id, get_state(request).protector)
    finally:
        session.close()


@router.get(
    "/v1/payment-batches/{batch_id}/file",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/xml": {}}}, 409: problem_doc("Lot non libéré")},
    summary="Télécharger le fichier pain.001 d'un lot libéré (mêmes octets ; journalisé)",
)
def download(
    request: Request,
    batch_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("payment_batches.download"))],
) -> StreamingResponse:
    batch = downloadable_batch(ctx, batch_id, to="api")
    headers = {
        "Content-Disposition": f'attachment; filename="{batch.message_id}.xml"',
        "Cache-Control": "no-store",
        "Content-Length": str(batch.file_size),
        "X-Content-SHA256": batch.file_sha256,
    }
    return StreamingResponse(
        _stream(request, batch.id), media_type="application/xml", headers=headers
    )
