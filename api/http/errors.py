"""Every error the API answers, as `application/problem+json`, mapped in one table.

A problem has a stable `type` and `code`, a French `title` and `detail`, the field paths of
validation errors, and the request id; never a stack trace. Unexpected errors are logged (masked)
and answered 500 without details; a failed commit therefore never reaches a client as a 2xx.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.logging import REQUEST_ID
from remuneration.domain.errors import (
    AlreadyExists,
    AttendanceAlreadyPaid,
    ConcurrentUpdate,
    DocumentRejected,
    DocumentTooLarge,
    DomainError,
    DuplicatePerson,
    IllegalTransition,
    InvalidFacts,
    NotAllowed,
    NotFound,
    StaleVersion,
)
from remuneration.services.idempotency import IdempotencyInProgress, IdempotencyKeyReused
from rules import InputError, ParameterError

__all__ = [
    "ERROR_TABLE",
    "PROBLEM_TYPE_BASE",
    "Forbidden",
    "PreconditionFailed",
    "PreconditionRequired",
    "Unauthenticated",
    "install_error_handlers",
    "problem_response",
    "validation_message",
]

PROBLEM_TYPE_BASE = "https://remu.region.example/problemes/"
_log = logging.getLogger("remu.api")


class Unauthenticated(DomainError):
    """No valid bearer token or API key."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller's role does not hold the route's permission."""

    code = "forbidden"


class PreconditionRequired(DomainError):
    """A change of a versioned object without `If-Match`."""

    code = "precondition_required"


class PreconditionFailed(DomainError):
    """`If-Match` names a version that is no longer current."""

    code = "precondition_failed"


ERROR_TABLE: dict[type[DomainError], tuple[int, str]] = {
    Unauthenticated: (401, "Authentification requise"),
    Forbidden: (403, "Accès refusé"),
    NotAllowed: (403, "Action non autorisée"),
    NotFound: (404, "Introuvable"),
    AlreadyExists: (409, "Déjà existant"),
    IllegalTransition: (409, "Transition impossible"),
    AttendanceAlreadyPaid: (409, "Mois déjà payé"),
    ConcurrentUpdate: (409, "Modification concurrente"),
    IdempotencyInProgress: (409, "Requête en cours"),
    StaleVersion: (412, "Version périmée"),
    PreconditionFailed: (412, "Version périmée"),
    DocumentTooLarge: (413, "Fichier trop volumineux"),
    DocumentRejected: (415, "Type de fichier refusé"),
    InvalidFacts: (422, "Données invalides"),
    IdempotencyKeyReused: (422, "Clé d'idempotence déjà utilisée"),
    PreconditionRequired: (428, "En-tête If-Match requis"),
}
"""Domain error class → (HTTP status, French title). Subclasses inherit their parent's entry."""


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[dict[str, str]] = (),
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response carrying the current request id."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "code": code,
        "detail": detail,
        "request_id": REQUEST_ID.get(),
    }
    if errors:
        body["errors"] = list(errors)
    body.update(extensions or {})
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def _lookup(error: DomainError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in ERROR_TABLE:
            return ERROR_TABLE[cls]
    return 400, "Requête refusée"


def _domain_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    status, title = _lookup(error)
    errors = [{"path": p.path, "code": p.code, "message": p.message} for p in error.problems]
    if not errors and error.field:
        errors = [{"path": error.field, "code": error.code, "message": error.message}]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    extensions = None
    if isinstance(error, DuplicatePerson):
        extensions = {"existing": [{"id": i, "href": f"/v1/trainees/{i}"} for i in error.existing]}
    return problem_response(
        status,
        error.code,
        title,
        error.message,
        errors=errors,
        headers=headers,
        extensions=extensions,
    )


_PYDANTIC_FR = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu ou non modifiable.",
    "enum": "Valeur non autorisée.",
    "literal_error": "Valeur non autorisée.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "string_pattern_mismatch": "Format invalide.",
    "greater_than_equal": "Valeur trop petite.",
    "greater_than": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "less_than": "Valeur trop grande.",
    "decimal_max_places": "Trop de décimales.",
    "decimal_max_digits": "Nombre trop grand.",
    "uuid_parsing": "Identifiant invalide.",
    "date_from_datetime_parsing": "Date invalide (AAAA-MM-JJ).",
    "date_parsing": "Date invalide (AAAA-MM-JJ).",
    "json_invalid": "JSON invalide.",
}


def _json_path(location: Sequence[int | str]) -> str:
    parts = list(location)
    if parts and parts[0] == "body":
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _message(item: Mapping[str, Any]) -> str:
    """French text of one validation error; our own validators already speak French."""
    if item.get("type") == "value_error":
        return str(item.get("msg", "")).removeprefix("Value error, ") or "Valeur invalide."
    return _PYDANTIC_FR.get(str(item.get("type")), "Valeur invalide.")


def validation_message(item: Mapping[str, Any]) -> str:
    """French text of one pydantic validation error (the console's forms use it too)."""
    return _message(item)


def _validation_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {
            "path": _json_path(item.get("loc", ())),
            "code": str(item.get("type", "invalid")),
            "message": _message(item),
        }
        for item in error.errors()
    ]
    detail = "La requête contient des erreurs : " + ", ".join(e["path"] for e in errors) + "."
    return problem_response(422, "validation_error", "Requête invalide", detail, errors=errors)


def _input_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InputError)
    errors = [{"path": p.path, "code": p.code, "message": p.message} for p in error.problems]
    return problem_response(
        422, "input_error", "Données du dossier invalides", error.detail, errors=errors
    )


def _parameter_handler(_request: Request, error: Exception) -> JSONResponse:
    _log.warning("no parameter in force: %s", error)
    return problem_response(
        422,
        "parameters_unavailable",
        "Paramètres indisponibles",
        f"Aucun paramètre des règles n'est en vigueur pour ces dates : {error}",
    )


def _http_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    titles = {404: "Introuvable", 405: "Méthode non autorisée", 413: "Requête trop volumineuse"}
    title = titles.get(error.status_code, "Requête refusée")
    return problem_response(
        error.status_code,
        f"http_{error.status_code}",
        title,
        title + ".",
        headers=dict(error.headers or {}),
    )


def _concurrency_handler(_request: Request, _error: Exception) -> JSONResponse:
    return problem_response(
        409,
        "concurrent_update",
        "Modification concurrente",
        "Une autre requête a modifié cet objet au même moment ; réessayez.",
    )


def _data_error_handler(_request: Request, _error: Exception) -> JSONResponse:
    return problem_response(
        422,
        "invalid_value",
        "Valeur refusée",
        "Une valeur dépasse ce que la base de données peut enregistrer.",
    )


def _operational_handler(_request: Request, error: Exception) -> JSONResponse:
    _log.error("database unavailable: %s", type(error).__name__)
    return problem_response(
        503,
        "database_unavailable",
        "Service indisponible",
        "La base de données est momentanément indisponible ; réessayez.",
        headers={"Retry-After": "2"},
    )


def _unexpected_handler(_request: Request, error: Exception) -> JSONResponse:
    _log.error("unexpected error", exc_info=error)
    return problem_response(
        500,
        "internal_error",
        "Erreur interne",
        "Une erreur interne est survenue ; elle a été journalisée.",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the application."""
    app.add_exception_handler(DomainError, _domain_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(InputError, _input_error_handler)
    app.add_exception_handler(ParameterError, _parameter_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(StaleDataError, _concurrency_handler)
    app.add_exception_handler(IntegrityError, _concurrency_handler)
    app.add_exception_handler(DataError, _data_error_handler)
    app.add_exception_handler(OperationalError, _operational_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
