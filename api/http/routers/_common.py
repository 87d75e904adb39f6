"""Small helpers shared by the routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.http.idempotency import IDEMPOTENCY_HEADER_DESCRIPTION

__all__ = ["PROBLEM_RESPONSES", "IdempotencyKey", "IfMatch", "json_response"]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,200}$",
        description=IDEMPOTENCY_HEADER_DESCRIPTION,
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=100,
        description="ETag lu lors du GET (obligatoire pour modifier un dossier).",
    ),
]


def problem_doc(description: str) -> dict[str, Any]:
    """The OpenAPI description of a problem+json answer."""
    return {"description": description, "content": {"application/problem+json": {}}}


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem_doc("Authentification requise"),
    403: problem_doc("Rôle insuffisant"),
    404: problem_doc("Introuvable (ou hors de votre périmètre)"),
    409: problem_doc("Conflit"),
    422: problem_doc("Requête invalide (chemins des champs dans `errors`)"),
}
VERSIONED_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: problem_doc("If-Match périmé"),
    428: problem_doc("If-Match manquant"),
}


def json_response(
    model: BaseModel, *, status: int = 200, location: str | None = None, etag: str | None = None
) -> JSONResponse:
    """A JSON response from a model, leaving out the fields the role may not see (unset)."""
    headers: dict[str, str] = {}
    if location:
        headers["Location"] = location
    if etag:
        headers["ETag"] = etag
    return JSONResponse(
        jsonable_encoder(model, exclude_unset=True), status_code=status, headers=headers
    )
