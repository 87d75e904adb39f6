"""Instructors' actions on a dossier: take a decision, open the decision letter (PDF in the
browser's viewer, audited as the API does), record or replace a document (identity, Vitale,
RIB: file and/or data, verified or refused with a reason).
Each form carries the dossier's version, as `If-Match` does for the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.http.console.desk import Desk, desk
from api.http.console.forms import FormError, parse_day, problems_of
from api.http.console.labels import IDENTITY_TYPES
from api.http.console.rendering import render
from api.http.console.routes_dossiers import dossier_at_version, dossier_page_response
from api.http.deps import get_state
from api.http.routers.letters import letter_response
from exports.letters.produce import dossier_letter_job, render_job
from exports.letters.sources import LetterSetup
from remuneration.db.models import Dossier
from remuneration.domain.errors import DomainError, NotFound
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import decisions
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import IdentityInput, RibInput, UploadedFile, VitaleInput

__all__ = ["router"]

router = APIRouter(prefix="/dossiers", include_in_schema=False)
_STALE = (
    "Ce dossier a été modifié depuis votre lecture : le voici tel qu'il est maintenant. "
    "Vérifiez, puis recommencez."
)


def _at_version(
    request: Request, agent: Desk, dossier_id: uuid.UUID, tab: str, version: str
) -> Dossier | Response:
    return dossier_at_version(
        request,
        agent,
        dossier_id,
        tab,
        typed=version,
        version_of=lambda dossier: dossier.version,
        stale=_STALE,
    )


@router.post("/{dossier_id}/decision")
def decide(
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("decisions.create"))],
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    dossier = _at_version(request, agent, dossier_id, "calcul", version)
    if not isinstance(dossier, Dossier):
        return dossier
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
    return letter_response(ctx, letter, inline=True)


def _store_document(
    request: Request,
    agent: Desk,
    dossier_id: uuid.UUID,
    version: str,
    build: Callable[[bytes], DocumentRequest],
    *,
    fichier: UploadFile | None,
    done: str,
    form: dict[str, str] | None = None,
) -> Response:
    """Record one document (file and/or data) through the same service as the API; ``done``
    names it in the confirmation and in the file field of a refusal."""
    dossier = _at_version(request, agent, dossier_id, "pieces", version)
    if not isinstance(dossier, Dossier):
        return dossier
    state = get_state(request)
    try:
        content = fichier.file.read(state.settings.max_upload_bytes + 1) if fichier else b""
        put_document(
            agent.ctx,
            dossier,
            build(content),
            store=state.document_store,
            max_bytes=state.settings.max_upload_bytes,
        )
        agent.ctx.session.flush()
    except (FormError, DomainError) as error:
        agent.ctx.session.rollback()
        file_field = f"fichier-{done}"
        problems = (
            error.problems if isinstance(error, FormError) else problems_of(error, file_field)
        )
        for problem in problems:
            if problem["field"] in _FILE_FIELDS:
                problem["field"] = file_field
        typed = {**(form or {}), "_done": done}  # the refused form is the one left open
        return dossier_page_response(
            request, agent, dossier_id, "pieces", errors=problems, form=typed, status=422
        )
    return RedirectResponse(f"/dossiers/{dossier_id}?onglet=pieces&fait={done}", status_code=303)


_FILE_FIELDS = frozenset({"file", "file_base64", "upload", "content", "fichier"})


def _document(
    kind: DocumentKind,
    content: bytes,
    *,
    verified: str,
    refusal_reason: str,
    identity: IdentityInput | None = None,
    vitale: VitaleInput | None = None,
    rib: RibInput | None = None,
) -> DocumentRequest:
    """What every kind carries (the file, verified or refused), then the kind's own data."""
    return DocumentRequest(
        kind=kind,
        verified=verified == "oui",
        refusal_reason=refusal_reason.strip() or None,
        identity=identity,
        vitale=vitale,
        rib=rib,
        upload=UploadedFile(content=content) if content else None,
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
    refusal_reason: Annotated[str, Form(max_length=300)] = "",
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    def build(content: bytes) -> DocumentRequest:
        if not content and not iban.strip() and not refusal_reason.strip():
            raise FormError(
                [{"field": "iban", "message": "Joignez le RIB ou saisissez au moins l'IBAN."}]
            )
        rib = RibInput(
            iban=iban.strip() or None,
            bic=bic.strip() or None,
            holder=holder.strip() or None,
            change_reason=change_reason.strip() or None,
        )
        return _document(
            DocumentKind.RIB, content, verified=verified, refusal_reason=refusal_reason, rib=rib
        )

    form = {"iban": iban, "bic": bic, "holder": holder, "change_reason": change_reason}
    return _store_document(
        request, agent, dossier_id, version, build, fichier=fichier, done="rib", form=form
    )


@router.post("/{dossier_id}/pieces/identite")
def record_identity(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("documents.write"))],
    version: Annotated[str, Form(max_length=12)] = "",
    identity_type: Annotated[str, Form(max_length=20)] = "",
    expiry_date: Annotated[str, Form(max_length=20)] = "",
    number: Annotated[str, Form(max_length=40)] = "",
    verified: Annotated[str, Form(max_length=5)] = "",
    refusal_reason: Annotated[str, Form(max_length=300)] = "",
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    def build(content: bytes) -> DocumentRequest:
        if identity_type and identity_type not in IDENTITY_TYPES:
            raise FormError([{"field": "identity_type", "message": "Type de pièce inconnu."}])
        day = parse_day(expiry_date, "expiry_date") if expiry_date.strip() else None
        identity = IdentityInput(
            identity_type=identity_type or None, expiry_date=day, number=number.strip() or None
        )
        return _document(
            DocumentKind.IDENTITY,
            content,
            verified=verified,
            refusal_reason=refusal_reason,
            identity=identity,
        )

    form = {"identity_type": identity_type, "expiry_date": expiry_date, "number": number}
    return _store_document(
        request, agent, dossier_id, version, build, fichier=fichier, done="identite", form=form
    )


@router.post("/{dossier_id}/pieces/vitale")
def record_vitale(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("documents.write"))],
    version: Annotated[str, Form(max_length=12)] = "",
    nir: Annotated[str, Form(max_length=30)] = "",
    verified: Annotated[str, Form(max_length=5)] = "",
    refusal_reason: Annotated[str, Form(max_length=300)] = "",
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    def build(content: bytes) -> DocumentRequest:
        vitale = VitaleInput(nir=nir.replace(" ", "") or None)
        return _document(
            DocumentKind.VITALE,
            content,
            verified=verified,
            refusal_reason=refusal_reason,
            vitale=vitale,
        )

    # the NIR typed is never shown again: no form to fill back
    return _store_document(
        request, agent, dossier_id, version, build, fichier=fichier, done="vitale"
    )
