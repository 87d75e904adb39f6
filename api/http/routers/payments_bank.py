"""Bank files (finance), payments (agents, masked bank details), overpayments and waivers."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from api.http.deps import require
from api.http.idempotency import run_idempotent
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey, json_response, problem_doc
from api.http.routers.payments_common import (
    bank_file_view,
    overpayment_view,
    payment_view,
    require_idempotency_key,
)
from api.http.schemas.payments import (
    BankFileUpload,
    BankFileView,
    OverpaymentList,
    OverpaymentView,
    PaymentList,
    Waiver,
)
from payments import OverpaymentStatus, PaymentStatus, import_bank_file, waive_overpayment
from payments.errors import BankFileRefused
from payments.queries import list_overpayments, list_payments, payment_periods
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(tags=["paiements"], responses=PROBLEM_RESPONSES)


def _content(body: BankFileUpload) -> bytes:
    try:
        return base64.b64decode("".join(body.content_base64.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise BankFileRefused(
            "Le contenu du fichier n'est pas un base64 valide.", field="content_base64"
        ) from error


@router.post(
    "/v1/bank-files",
    status_code=201,
    response_model=BankFileView,
    responses={400: problem_doc("En-tête Idempotency-Key manquant")},
    summary="Importer un fichier de la banque (pain.002 rejets, camt.054 retours), une seule fois",
)
def import_file(
    *,
    request: Request,
    body: BankFileUpload,
    ctx: Annotated[ServiceContext, Depends(require("bank_files.import"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    key = require_idempotency_key(idempotency_key)

    def produce() -> Response:
        outcome = import_bank_file(ctx, _content(body), file_name=body.file_name)
        view = bank_file_view(ctx, outcome.bank_file, created=outcome.created)
        return json_response(view, status=201 if outcome.created else 200)

    return run_idempotent(request, ctx, key, body, produce)


@router.get(
    "/v1/payments",
    response_model=PaymentList,
    response_model_exclude_unset=True,
    summary="Virements par dossier et par état (IBAN complet : finance seulement)",
)
def search_payments(
    *,
    ctx: Annotated[ServiceContext, Depends(require("payments.read"))],
    dossier: uuid.UUID | None = None,
    status: PaymentStatus | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    found = list_payments(
        ctx.session,
        dossier_id=dossier,
        status=status.value if status else None,
        page=page,
        page_size=page_size,
    )
    periods = payment_periods(ctx.session, [p.id for p in found.items])
    items = [payment_view(ctx, p, periods.get(p.id, [])) for p in found.items]
    return json_response(
        PaymentList(items=items, total=found.total, page=found.page, page_size=found.page_size)
    )


@router.get("/v1/overpayments", response_model=OverpaymentList, summary="Trop-perçus")
def search_overpayments(
    *,
    ctx: Annotated[ServiceContext, Depends(require("overpayments.read"))],
    status: OverpaymentStatus | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OverpaymentList:
    found = list_overpayments(
        ctx.session, status=status.value if status else None, page=page, page_size=page_size
    )
    return OverpaymentList(
        items=[overpayment_view(overpayment) for overpayment in found.items],
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


@router.post(
    "/v1/overpayments/{overpayment_id}/waiver",
    response_model=OverpaymentView,
    summary="Remise gracieuse d'un trop-perçu (encadrant : qui, quand, pourquoi)",
)
def waive(
    *,
    request: Request,
    overpayment_id: uuid.UUID,
    body: Waiver,
    ctx: Annotated[ServiceContext, Depends(require("overpayments.waive"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        return json_response(
            overpayment_view(waive_overpayment(ctx, overpayment_id, reason=body.reason))
        )

    return run_idempotent(request, ctx, idempotency_key, body, produce)
