"""Every error the API answers, as `application/problem+json`, from the problem catalogue.

The catalogue (`remuneration.problems`) gives each situation its stable `type` and `code`, a
French `title` and the status; a problem also carries a French `detail`, the field paths of
validation errors (`errors[]`, notation `months[0].hours`) and the request id; never a stack
trace. Unexpected errors are logged (masked) and answered 500 without details; a failed commit
therefore never reaches a client as a 2xx.
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

from remuneration.domain.errors import (
    DomainError,
    FieldProblem,
    Forbidden,
    PreconditionRequired,
    StaleVersion,
    Unauthenticated,
)
from remuneration.logs import REQUEST_ID
from remuneration.problems import PROBLEM_TYPE_BASE, SITUATIONS, Problem, problem_of
from rules import InputError, ParameterError

__all__ = [
    "PROBLEM_TYPE_BASE",
    "Forbidden",
    "PreconditionRequired",
    "StaleVersion",
    "Unauthenticated",
    "install_error_handlers",
    "problem_response",
    "situation_response",
    "validation_message",
]

_log = logging.getLogger("remu.api")


def problem_response(problem: Problem, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem+json response carrying the current request id."""
    status = problem.kind.status
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer", **(headers or {})}
    return JSONResponse(
        problem.body(REQUEST_ID.get()),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )


def situation_response(
    code: str,
    detail: str,
    *,
    errors: Sequence[FieldProblem] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The answer to one of the catalogue's situations (`remuneration.problems.SITUATIONS`)."""
    return problem_response(Problem(code, SITUATIONS[code], detail, tuple(errors)), headers=headers)


def _known_handler(_request: Request, error: Exception) -> JSONResponse:
    problem = problem_of(error)
    assert problem is not None
    if isinstance(error, ParameterError):
        _log.warning("no parameter in force: %s", error)
    return problem_response(problem)


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
    return path


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
        FieldProblem(
            _json_path(item.get("loc", ())),
            str(item.get("type", "invalid")),
            _message(item),
        )
        for item in error.errors()
    ]
    detail = "La requête contient des erreurs : " + ", ".join(e.path for e in errors) + "."
    return situation_response("validation_error", detail, errors=errors)


_HTTP_SITUATIONS = {
    404: ("route_not_found", "Rien à cette adresse."),
    405: ("method_not_allowed", "Cette méthode n'est pas acceptée à cette adresse."),
    413: ("request_too_large", "Le corps de la requête dépasse la taille autorisée."),
    415: ("unsupported_media_type", "Le corps de la requête doit être du JSON."),
}


def _http_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code, detail = _HTTP_SITUATIONS.get(error.status_code, ("validation_error", "Requête refusée."))
    return situation_response(code, detail, headers=dict(error.headers or {}))


def _concurrency_handler(_request: Request, _error: Exception) -> JSONResponse:
    return situation_response(
        "concurrent_update", "Une autre requête a modifié cet objet au même moment ; réessayez."
    )


def _data_error_handler(_request: Request, _error: Exception) -> JSONResponse:
    return situation_response(
        "invalid_value", "Une valeur dépasse ce que la base de données peut enregistrer."
    )


def _operational_handler(_request: Request, error: Exception) -> JSONResponse:
    _log.error("database unavailable: %s", type(error).__name__)
    return situation_response(
        "database_unavailable",
        "La base de données est momentanément indisponible ; réessayez.",
        headers={"Retry-After": "2"},
    )


def _unexpected_handler(_request: Request, error: Exception) -> JSONResponse:
    _log.error("unexpected error", exc_info=error)
    return situation_response(
        "internal_error", "Une erreur interne est survenue ; elle a été journalisée."
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the application."""
    app.add_exception_handler(DomainError, _known_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(InputError, _known_handler)
    app.add_exception_handler(ParameterError, _known_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(StaleDataError, _concurrency_handler)
    app.add_exception_handler(IntegrityError, _concurrency_handler)
    app.add_exception_handler(DataError, _data_error_handler)
    app.add_exception_handler(OperationalError, _operational_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
