"""Wiring the console into the application built by `create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

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


def install_console(app: FastAPI) -> None:
    """Add the console's routes, static files, error pages and security headers to `app`."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(DeskForbidden, _forbidden)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    routes_docs.declare_bearer_scheme(app)
    app.add_middleware(SecurityHeadersMiddleware)
