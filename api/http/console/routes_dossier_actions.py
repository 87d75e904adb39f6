"""Instructors' actions on a dossier: take a decision, open the decision letter (PDF in the
browser's viewer, audited as the API does), record a new RIB (file and/or bank details).
Each form carries the dossier's version, as `If-Match` does for the API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.http.console.desk import Desk, desk
from api.http.console.forms import FormError, Problem, problems_of
from api.http.console.rendering import render
from api.http.console.routes_dossiers import dossier_page_response
from api.http.deps import get_state
from exports.letters.produce import dossier_letter_job, render_job
from exports.letters.sources import LetterSetup
from remuneration.db.models import Dossier
from remuneration.domain.errors import DomainError, NotFound
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import decisions
from remuneration.services.audit import record_event
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import RibInput, UploadedFile

__all__ = ["router"]

router = APIRouter(prefix="/dossiers", include_in_schema=False)
_STALE = (
    "Ce dossier a été modifié depuis votre lecture : le voici tel qu'il est maintenant. "
    "Vérifiez, puis recommencez."
)


def _stale(dossier: Dossier, version: str) -> list[Problem]:
    return [] if version == str(dossier.version) else [{"field": "version", "message": _STALE}]


@router.post("/{dossier_id}/decision")
def decide(
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("decisions.create"))],
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    dossier = agent.ctx.session.get(Dossier, dossier_id)
    if dossier is None:
        return dossier_page_response(request, agent, dossier_id, "calcul")
    stale = _stale(dossier, version)
    if stale:
        return dossier_page_response(request, agent, dossier_id, "calcul", errors=stale, status=409)
    try:
        decisions.take_decision(agent.ctx, dossier, as_of=None)
    except DomainError as error:
        agent.ctx.session.rollback()
        problems = problems_of(error, "decision")
        return dossier_page_response(
            request, agent, dossier_id, "calcul", errors=problems, status=422
        )
    return RedirectResponse(f"/dossiers/{dossier_id}?onglet=calcul&fait=decision", status_code=303)


@router.get("/{dossier_id}/lettre")
def decision_letter(
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("letters.read"))],
) -> Response:
    ctx = agent.ctx
    dossier = ctx.session.get(Dossier, dossier_id)
    try:
        if dossier is None:
            raise NotFound("Dossier introuvable.")
        job = dossier_letter_job(ctx, dossier, "decision")
        letter = render_job(ctx, job, setup=LetterSetup.packaged(), letter_date=ctx.today)
    except DomainError as error:
        ctx.session.rollback()
        context = {"desk": agent, "title": "Lettre indisponible", "message": error.message}
        status = 404 if isinstance(error, NotFound) else 409
        return render(request, "erreur.html", context, status=status)
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
    return Response(
        content=letter.data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{letter.job.file_name}"',
            "Cache-Control": "no-store",
            "X-Content-SHA256": letter.sha256,
        },
    )


@router.post("/{dossier_id}/pieces/rib")
def record_rib(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("documents.write"))],
    version: Annotated[str, Form(max_length=12)] = "",
    iban: Annotated[str, Form(max_length=50)] = "",
    bic: Annotated[str, Form(max_length=15)] = "",
    holder: Annotated[str, Form(max_length=140)] = "",
    change_reason: Annotated[str, Form(max_length=300)] = "",
    verified: Annotated[str, Form(max_length=5)] = "",
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    form = {"iban": iban, "bic": bic, "holder": holder, "change_reason": change_reason}
    dossier = agent.ctx.session.get(Dossier, dossier_id)
    if dossier is None:
        return dossier_page_response(request, agent, dossier_id, "pieces")
    stale = _stale(dossier, version)
    if stale:
        return dossier_page_response(request, agent, dossier_id, "pieces", errors=stale, status=409)
    settings = get_state(request).settings
    try:
        content = fichier.file.read(settings.max_upload_bytes + 1) if fichier else b""
        if not content and not iban.strip():
            raise FormError(
                [{"field": "iban", "message": "Joignez le RIB ou saisissez au moins l'IBAN."}]
            )
        document = DocumentRequest(
            kind=DocumentKind.RIB,
            verified=verified == "oui",
            rib=RibInput(
                iban=iban.strip() or None,
                bic=bic.strip() or None,
                holder=holder.strip() or None,
                change_reason=change_reason.strip() or None,
            ),
            upload=UploadedFile(content=content) if content else None,
        )
        put_document(
            agent.ctx,
            dossier,
            document,
            store=get_state(request).document_store,
            max_bytes=settings.max_upload_bytes,
        )
        agent.ctx.session.flush()
    except (FormError, DomainError) as error:
        agent.ctx.session.rollback()
        problems = error.problems if isinstance(error, FormError) else problems_of(error, "iban")
        return dossier_page_response(
            request, agent, dossier_id, "pieces", errors=problems, form=form, status=422
        )
    return RedirectResponse(f"/dossiers/{dossier_id}?onglet=pieces&fait=rib", status_code=303)
