"""The pièces tab's files, shown inline beside their check results: the API's document file
view service (`GET /v1/dossiers/{id}/documents/{kind}/file`), decrypted on the fly, streamed
`inline` with `no-store`, every view audited (`document.file_viewed`).

The page frames PDFs (the browser's own viewer) and shows images scaled; this response alone
may therefore be framed, by the console itself (`frame-ancestors 'self'`), and runs nothing.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.http.console.desk import Desk, desk
from api.http.console.rendering import render
from api.http.deps import get_state
from remuneration.db.models import Dossier
from remuneration.domain.errors import DomainError, NotFound
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.documents import read_document_file

__all__ = ["DOCUMENT_SLUGS", "router"]

router = APIRouter(prefix="/dossiers", include_in_schema=False)

DOCUMENT_SLUGS = {
    "identite": DocumentKind.IDENTITY,
    "vitale": DocumentKind.VITALE,
    "rib": DocumentKind.RIB,
}
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_FILE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


@router.get("/{dossier_id}/pieces/{piece}/fichier")
def document_file(
    request: Request,
    dossier_id: uuid.UUID,
    piece: str,
    agent: Annotated[Desk, Depends(desk("documents.read_file"))],
) -> Response:
    ctx = agent.ctx
    try:
        kind = DOCUMENT_SLUGS.get(piece)
        dossier = ctx.session.get(Dossier, dossier_id)
        if kind is None or dossier is None:
            raise NotFound("Pièce introuvable.")
        document, content = read_document_file(
            ctx, dossier, kind, store=get_state(request).document_store
        )
    except DomainError as error:
        ctx.session.rollback()
        status = 404 if isinstance(error, NotFound) else 403
        context = {"desk": agent, "title": "Pièce indisponible", "message": error.message}
        return render(request, "erreur.html", context, status=status)
    media_type = document.content_type or "application/octet-stream"
    extension = _EXTENSIONS.get(media_type, "bin")
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="piece-{piece}.{extension}"',
            "Cache-Control": "no-store",
            "Content-Security-Policy": _FILE_POLICY,
            "X-Frame-Options": "SAMEORIGIN",
        },
    )
