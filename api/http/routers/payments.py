"""Payment runs and batches (finance): run, read, release (four eyes), download, cancel.

Approval of batches prepared by the system account, corrected batches after a bank reject and
the lists of runs and batches are in ``payments_batches``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from api.http.deps import get_state, require
from api.http.idempotency import run_idempotent
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey, json_response, problem_doc
from api.http.routers.payments_common import (
    batch_view,
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
from api.settings import payer_account
from payments import (
    RunKind,
    RunRequest,
    cancel_batch,
    downloadable_batch,
    file_chunks,
    get_batch,
    procedure_rules,
    release_batch,
    start_run,
)
from payments.batch_files import sepa_country_list
from payments.models import PaymentRun
from remuneration.domain.errors import NotFound
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(tags=["paiements"], responses=PROBLEM_RESPONSES)
_KEYED: dict[int | str, dict[str, Any]] = {400: problem_doc("En-tête Idempotency-Key manquant")}


@router.post(
    "/v1/payment-runs",
    status_code=201,
    response_model=RunView,
    responses={
        **_KEYED,
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
    responses=_KEYED,
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
    key = require_idempotency_key(idempotency_key)

    def produce() -> Response:
        batch = release_batch(
            ctx,
            batch_id,
            number_of_transactions=body.number_of_transactions,
            control_sum=body.control_sum,
        )
        return json_response(batch_view(ctx, batch))

    return run_idempotent(request, ctx, key, body, produce)


@router.post(
    "/v1/payment-batches/{batch_id}/cancellation",
    status_code=201,
    response_model=BatchView,
    responses=_KEYED,
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
    key = require_idempotency_key(idempotency_key)
    settings = get_state(request).settings

    def produce() -> Response:
        replacement = cancel_batch(
            ctx,
            batch_id,
            reason=body.reason,
            execution_date=body.execution_date,
            payer=payer_account(settings),
            countries=sepa_country_list(ctx, ctx.today),
            alert_days=procedure_rules(ctx.today).iban_change_alert_days,
        )
        return json_response(
            batch_view(ctx, replacement),
            status=201,
            location=f"/v1/payment-batches/{replacement.id}",
        )

    return run_idempotent(request, ctx, key, body, produce)


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
