"""Letters to trainees, fetched one at a time: a dossier's decision letter or overpayment
notice, a transfer's payment notice. PDF attachments, never cached, every download audited."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from api.http.deps import require
from api.http.routers._common import PROBLEM_RESPONSES, problem_doc
from api.http.schemas.exports import DossierLetterKind
from exports.letters.produce import (
    LetterJob,
    RenderedLetter,
    dossier_letter_job,
    new_rib_request_job,
    payment_notice_job,
    render_job,
)
from exports.letters.sources import LetterSetup
from remuneration.services import dossiers
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext

__all__ = ["letter_response", "router"]

router = APIRouter(tags=["lettres"], responses=PROBLEM_RESPONSES)

_PDF: dict[int | str, dict[str, Any]] = {
    200: {"description": "La lettre (PDF, en pièce jointe)", "content": {"application/pdf": {}}},
    409: problem_doc("Lettre impossible en l'état (adresse, virement annulé, montants)"),
}


def letter_response(
    ctx: ServiceContext, letter: RenderedLetter, *, inline: bool = False
) -> Response:
    """A rendered letter as a PDF answer, its download audited (kind, template, digest): an
    attachment for the API, ``inline`` for the console (the browser's viewer)."""
    record_event(
        ctx,
        action="letter.downloaded",
        entity_type=letter.job.kind,
        entity_id=letter.job.subject_id,
        dossier_id=letter.dossier_id,
        after={
            "kind": letter.job.kind,
            "template_version": letter.template_version,
            "sha256": letter.sha256,
        },
    )
    disposition = "inline" if inline else "attachment"
    return Response(
        content=letter.data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'{disposition}; filename="{letter.job.file_name}"',
            "Cache-Control": "no-store",
            "X-Content-SHA256": letter.sha256,
        },
    )


def _rendered(ctx: ServiceContext, job: LetterJob) -> Response:
    letter = render_job(ctx, job, setup=LetterSetup.packaged(), letter_date=ctx.today)
    return letter_response(ctx, letter)


@router.get(
    "/v1/dossiers/{dossier_id}/letters/{kind}",
    response_class=Response,
    responses=_PDF,
    summary="Lettre au stagiaire : décision (la dernière) ou avis de trop-perçu (PDF)",
)
def dossier_letter(
    dossier_id: uuid.UUID,
    kind: DossierLetterKind,
    ctx: Annotated[ServiceContext, Depends(require("letters.read"))],
) -> Response:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    job = dossier_letter_job(ctx, dossier, kind.value)
    return letter_response(
        ctx, render_job(ctx, job, setup=LetterSetup.packaged(), letter_date=ctx.today)
    )


@router.get(
    "/v1/payments/{payment_id}/notice",
    response_class=Response,
    responses=_PDF,
    summary="Avis de paiement d'un virement : chaque ligne, son mois et son calcul (PDF)",
)
def payment_notice(
    payment_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("payment_notices.read"))],
) -> Response:
    job = payment_notice_job(ctx, payment_id)
    return letter_response(
        ctx, render_job(ctx, job, setup=LetterSetup.packaged(), letter_date=ctx.today)
    )


@router.get(
    "/v1/payments/{payment_id}/letters/new-rib",
    response_class=Response,
    responses=_PDF,
    summary="Lettre demandant un nouveau RIB après un virement refusé ou renvoyé (PDF)",
)
def new_rib_request(
    payment_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("letters.read"))],
) -> Response:
    job = new_rib_request_job(ctx, payment_id)
    return letter_response(
        ctx, render_job(ctx, job, setup=LetterSetup.packaged(), letter_date=ctx.today)
    )
