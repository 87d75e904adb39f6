"""Small helpers shared by the routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path
from fastapi.responses import Response
from pydantic import BaseModel

from api.http.idempotency import IDEMPOTENCY_HEADER_DESCRIPTION
from remuneration.domain.errors import FieldProblem, InvalidFacts
from rules.periods import Month

__all__ = [
    "PROBLEM_RESPONSES",
    "IdempotencyKey",
    "IfMatch",
    "MonthPath",
    "json_response",
    "month_of_path",
]

MonthPath = Annotated[str, Path(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="AAAA-MM")]
"""A month in a URL; the handler reads it with ``month_of_path``."""


def month_of_path(text: str) -> Month:
    """The path's month as ``rules.Month``; a text the pattern lets through but no calendar has
    (year 0000) is a problem on ``month``, like any other malformed input."""
    try:
        return Month.parse(text)
    except ValueError:
        problem = FieldProblem("month", "invalid_month", "Le mois doit être au format AAAA-MM.")
        raise InvalidFacts("Le mois est invalide.", problems=[problem]) from None


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
) -> Response:
    """A JSON response from a model, leaving out the fields the role may not see (unset)."""
    headers: dict[str, str] = {}
    if location:
        headers["Location"] = location
    if etag:
        headers["ETag"] = etag
    # Serialised once by pydantic (same JSON as ``jsonable_encoder`` then ``json.dumps``,
    # without the intermediate tree of Python objects).
    return Response(
        model.model_dump_json(exclude_unset=True),
        status_code=status,
        headers=headers,
        media_type="application/json",
    )
