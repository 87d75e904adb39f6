"""The three documents of a dossier (If-Match obligatoire), and the audited NIR reveal."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse

from api.http.deps import etag, get_state, require, require_version
from api.http.routers._common import (
    PROBLEM_RESPONSES,
    VERSIONED_RESPONSES,
    IfMatch,
    json_response,
    problem_doc,
)
from api.http.schemas.dossiers import (
    DocumentPut,
    DocumentView,
    IdentityDocumentPut,
    RibDocumentPut,
    VitaleDocumentPut,
)
from api.http.views import document_view
from payments.outstanding import money_owed
from remuneration.domain.errors import FieldProblem, InvalidFacts, NotAllowed, NotFound
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import documents as documents_service
from remuneration.services import dossiers
from remuneration.services.audit import record_event
from remuneration.services.context import Role, ServiceContext
from remuneration.services.document_checks import check_documents
from remuneration.services.documents import (
    DocumentRequest,
    get_documents,
    put_document,
    revealed_nir,
)
from remuneration.services.inputs import IdentityInput, RibInput, UploadedFile, VitaleInput

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/dossiers/{dossier_id}/documents", tags=["pièces"], responses=PROBLEM_RESPONSES
)

_VERSIONED: dict[int | str, dict[str, Any]] = {
    **VERSIONED_RESPONSES,
    413: problem_doc("Fichier trop volumineux"),
    415: problem_doc("Type de fichier refusé"),
}


def _upload(file_base64: str | None) -> UploadedFile | None:
    if file_base64 is None:
        return None
    try:
        content = base64.b64decode("".join(file_base64.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidFacts(
            "Le fichier n'est pas un base64 valide.",
            problems=[FieldProblem("file_base64", "invalid_base64", "Base64 invalide.")],
        ) from error
    return UploadedFile(content=content)


def _store(
    request: Request,
    ctx: ServiceContext,
    dossier_id: uuid.UUID,
    if_match: str | None,
    body: DocumentPut,
    *,
    kind: DocumentKind,
    identity: IdentityInput | None = None,
    vitale: VitaleInput | None = None,
    rib: RibInput | None = None,
) -> Response:
    """Store one document of the dossier read at ``if_match``: what every kind carries (the
    file, verified or refused) from ``body``, the kind's own data from the keywords."""
    document = DocumentRequest(
        kind=kind,
        verified=body.verified,
        identity=identity,
        vitale=vitale,
        rib=rib,
        refusal_reason=body.refusal_reason,
        upload=_upload(body.file_base64),
    )
    if ctx.actor.role is Role.RELATION_USAGERS and document.kind is not DocumentKind.RIB:
        raise NotAllowed("La relation usagers ne peut enregistrer qu'un nouveau RIB.")
    dossier = dossiers.get_dossier(ctx, dossier_id)
    require_version(if_match, dossier.version)
    state = get_state(request)
    stored = put_document(
        ctx,
        dossier,
        document,
        store=state.document_store,
        max_bytes=state.settings.max_upload_bytes,
        money_owed=money_owed(ctx.session, dossier.id),
    )
    ctx.session.flush()
    checks = check_documents(ctx, dossier, [stored])
    return json_response(
        document_view(ctx, stored, checks[stored.kind]), etag=etag(dossier.version)
    )


@router.put(
    "/identity",
    response_model=DocumentView,
    responses=_VERSIONED,
    summary="Pièce d'identité : fichier et/ou données vérifiées",
)
def put_identity(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: IdentityDocumentPut,
    ctx: Annotated[ServiceContext, Depends(require("documents.write"))],
    if_match: IfMatch = None,
) -> Response:
    identity = IdentityInput(
        identity_type=body.identity_type, expiry_date=body.expiry_date, number=body.number
    )
    return _store(
        request, ctx, dossier_id, if_match, body, kind=DocumentKind.IDENTITY, identity=identity
    )


@router.put(
    "/vitale",
    response_model=DocumentView,
    responses=_VERSIONED,
    summary="Attestation de carte Vitale : fichier et/ou NIR vérifié",
)
def put_vitale(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: VitaleDocumentPut,
    ctx: Annotated[ServiceContext, Depends(require("documents.write"))],
    if_match: IfMatch = None,
) -> Response:
    vitale = VitaleInput(nir=body.nir)
    return _store(request, ctx, dossier_id, if_match, body, kind=DocumentKind.VITALE, vitale=vitale)


@router.put(
    "/rib",
    response_model=DocumentView,
    responses=_VERSIONED,
    summary="RIB : fichier et/ou IBAN, BIC, titulaire",
)
def put_rib(
    *,
    request: Request,
    dossier_id: uuid.UUID,
    body: RibDocumentPut,
    ctx: Annotated[ServiceContext, Depends(require("documents.write"))],
    if_match: IfMatch = None,
) -> Response:
    rib = RibInput(
        iban=body.iban, bic=body.bic, holder=body.holder, change_reason=body.change_reason
    )
    return _store(request, ctx, dossier_id, if_match, body, kind=DocumentKind.RIB, rib=rib)


@router.post(
    "/vitale/nir-reveal",
    summary="Afficher le NIR en clair (action tracée)",
    response_model=dict[str, str],
)
def reveal_nir(
    dossier_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("nir.reveal"))],
) -> dict[str, str]:
    """A separate, authorised and audited action (docs/security.md)."""
    dossier = dossiers.get_dossier(ctx, dossier_id)
    vitale = [d for d in get_documents(ctx, dossier) if d.kind == DocumentKind.VITALE]
    nir = revealed_nir(ctx, vitale[0]) if vitale else None
    if nir is None:
        raise NotFound("Aucun NIR enregistré pour ce dossier.")
    record_event(
        ctx,
        action="nir.revealed",
        entity_type="document",
        entity_id=vitale[0].id,
        dossier_id=dossier.id,
    )
    return {"nir": nir}


_MEDIA_NAMES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_CHUNK = 64 * 1024


@router.get(
    "/{kind}/file",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}},
    summary="Voir le fichier d'une pièce (déchiffré à la volée, consultation tracée)",
)
def read_document_file(
    request: Request,
    dossier_id: uuid.UUID,
    kind: DocumentKind,
    ctx: Annotated[ServiceContext, Depends(require("documents.read_file"))],
) -> StreamingResponse:
    dossier = dossiers.get_dossier(ctx, dossier_id)
    document, content = documents_service.read_document_file(
        ctx, dossier, kind, store=get_state(request).document_store
    )
    media_type = document.content_type or "application/octet-stream"
    extension = _MEDIA_NAMES.get(media_type, "bin")

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(content), _CHUNK):
            yield content[start : start + _CHUNK]

    return StreamingResponse(
        chunks(),
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="piece-{kind.value}.{extension}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Length": str(len(content)),
        },
    )
