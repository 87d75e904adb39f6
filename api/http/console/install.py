"""Wiring the console into the application built by `create_app`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.console import (
    routes_auth,
    routes_docs,
    routes_document_files,
    routes_dossier_actions,
    routes_dossiers,
    routes_finance,
    routes_finance_files,
    routes_finance_letters,
    routes_home,
    routes_overpayments,
    routes_queue,
    routes_queue_actions,
    routes_search,
    routes_supervision,
    routes_supervision_edit,
    routes_trainee,
)
from api.http.console.desk import CsrfRefused, DeskForbidden, SignInRequired
from api.http.console.headers import SecurityHeadersMiddleware
from api.http.console.rendering import render

__all__ = ["install_console"]

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    routes_auth.router,
    routes_home.router,
    routes_search.router,
    routes_docs.router,
    routes_finance.router,
    routes_finance_files.router,
    routes_finance_letters.router,
    routes_overpayments.router,
    routes_supervision.router,
    routes_supervision_edit.router,
    routes_queue.router,
    routes_queue_actions.router,
    routes_dossiers.router,
    routes_dossier_actions.router,
    routes_document_files.router,
    routes_trainee.router,
)


def _sign_in_required(request: Request, _error: Exception) -> Response:
    target = "/connexion"
    if request.method == "GET" and request.url.path not in ("/", "/connexion"):
        target = f"/connexion?suite={request.url.path}"
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _forbidden(request: Request, _error: Exception) -> HTMLResponse:
    return render(
        request,
        "erreur.html",
        {
            "title": "Accès refusé",
            "message": "Votre rôle ne donne pas accès à cette page.",
        },
        status=403,
    )


def _csrf_refused(request: Request, _error: Exception) -> HTMLResponse:
    return render(
        request,
        "erreur.html",
        {
            "title": "Formulaire expiré",
            "message": (
                "Ce formulaire n'est plus valable (jeton de sécurité absent ou périmé). "
                "Rechargez la page puis recommencez : rien n'a été enregistré."
            ),
        },
        status=403,
    )


Handler = Callable[[Request, Any], Response | Awaitable[Response]]
_API_PREFIXES = ("/v1/", "/openapi.json", "/static/")
_ADDRESS_REFUSED = (
    "Cette adresse ne mène à aucune page de la console (lien incomplet ou modifié). "
    "Revenez à l'accueil, ou retrouvez la personne ou le dossier avec la recherche."
)
_FORM_REFUSED = (
    "Le formulaire envoyé contient une valeur trop longue ou mal formée : rien n'a été "
    "enregistré. Revenez à la page précédente, corrigez, puis recommencez."
)


def _wants_a_page(request: Request) -> bool:
    """A person's browser asking for a console page (the API keeps its problem+json)."""
    return not request.url.path.startswith(_API_PREFIXES) and "text/html" in request.headers.get(
        "accept", ""
    )


def _refused_page(request: Request, status: int) -> HTMLResponse:
    """The console's page for an address it does not know or a request it cannot read."""
    if request.method == "GET" or status == 404:
        title, message, status = "Page introuvable", _ADDRESS_REFUSED, 404
    else:
        title, message = "Formulaire refusé", _FORM_REFUSED
    return render(request, "erreur.html", {"title": title, "message": message}, status=status)


def _page_for_browsers(original: Handler) -> Handler:
    """`original` (the API's problem+json) unless a browser asked for a console page."""

    async def handler(request: Request, error: Exception) -> Response:
        kept = isinstance(error, StarletteHTTPException) and error.status_code not in (404, 405)
        if kept or not _wants_a_page(request):
            answer = original(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        return _refused_page(request, 422 if isinstance(error, RequestValidationError) else 404)

    return handler


def install_console(app: FastAPI) -> None:
    """Add the console's routes, static files, error pages and security headers to `app`."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(DeskForbidden, _forbidden)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    for kind in (RequestValidationError, StarletteHTTPException):
        original = app.exception_handlers[kind]
        app.add_exception_handler(kind, _page_for_browsers(original))
    routes_docs.declare_bearer_scheme(app)
    app.add_middleware(SecurityHeadersMiddleware)
