"""Signing in and out of the console (`/connexion`, `/deconnexion`).

The sign-in form is protected against login CSRF by a double-submit token (a `__Host-` cookie
and the same value in the form). Success, refusal and sign-out are audited; the name typed is
never written to the log (it may be a password typed in the wrong field).
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.http.console.desk import CONSOLE_ROLES, Desk, desk
from api.http.console.rendering import render
from api.http.console.sessions import LOGIN_COOKIE, SESSION_COOKIE, end_session, open_session
from api.http.deps import SessionDep, get_state
from remuneration.db.models import AuditEvent, User
from remuneration.logs import REQUEST_ID
from remuneration.services.context import Role
from remuneration.services.passwords import SignInOutcome, check_sign_in

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_SAFE_TARGET = re.compile(r"^/[A-Za-z0-9/_\-]*$")
_REFUSED = (
    "Identifiant ou mot de passe incorrect, ou compte verrouillé pendant 15 minutes après "
    "5 échecs. Vérifiez votre saisie."
)


def _target(suite: str | None) -> str:
    if suite and _SAFE_TARGET.match(suite) and not suite.startswith("//"):
        return suite
    return "/"


def _cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )


def _form(
    request: Request,
    *,
    suite: str | None,
    name: str = "",
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "connexion.html",
        {
            "login_token": token,
            "suite": _target(suite),
            "name": name,
            "errors": errors or [],
            "notice": notice,
            "title": "Connexion",
        },
        status=status,
    )
    _cookie(response, LOGIN_COOKIE, token, max_age=1800)
    return response


@router.get("/connexion")
def sign_in_page(request: Request, suite: str | None = None, fin: str | None = None) -> Response:
    notice = "Vous êtes déconnecté." if fin == "1" else None
    return _form(request, suite=suite, notice=notice)


def _audit(
    request: Request, session: SessionDep, action: str, user: User | None, reason: str | None
) -> None:
    session.add(
        AuditEvent(
            occurred_at=get_state(request).clock(),
            actor_id=user.id if user is not None else None,
            actor_role=user.role if user is not None else None,
            action=action,
            entity_type="user",
            entity_id=str(user.id) if user is not None else "inconnu",
            request_id=REQUEST_ID.get(),
            after={"door": "console", **({"reason": reason} if reason else {})},
        )
    )


@router.post("/connexion")
def sign_in(
    *,
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    login_token: Annotated[str, Form(max_length=100)] = "",
    suite: Annotated[str | None, Form(max_length=300)] = None,
) -> Response:
    state = get_state(request)
    now = state.clock()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), login_token.encode()):
        problem = {"field": "name", "message": "Le formulaire a expiré : saisissez à nouveau."}
        return _form(request, suite=suite, name=name, errors=[problem], status=400)
    missing = [
        {"field": field, "message": message}
        for field, value, message in (
            ("name", name, "Indiquez votre identifiant."),
            ("password", password, "Indiquez votre mot de passe."),
        )
        if not value.strip()
    ]
    if missing:
        return _form(request, suite=suite, name=name, errors=missing, status=400)
    result = check_sign_in(session, name=name, password=password, now=now)
    user = result.user
    if result.outcome is SignInOutcome.ACCEPTED and user is not None:
        if Role(user.role) not in CONSOLE_ROLES:
            _audit(request, session, "console.sign_in_refused", user, "role")
            problem = {
                "field": "name",
                "message": "Les organismes de formation utilisent l'API, pas la console.",
            }
            return _form(request, suite=suite, errors=[problem], status=403)
        end_session(session, request.cookies.get(SESSION_COOKIE), now, "replaced")
        identifier, _ = open_session(session, state.settings, user=user, now=now)
        _audit(request, session, "console.signed_in", user, None)
        response = RedirectResponse(_target(suite), status_code=303)
        _cookie(response, SESSION_COOKIE, identifier)
        response.delete_cookie(LOGIN_COOKIE, path="/", secure=True, httponly=True)
        return response
    _audit(request, session, "console.sign_in_refused", user, result.outcome.value)
    problem = {"field": "name", "message": _REFUSED}
    return _form(request, suite=suite, name=name, errors=[problem], status=401)


@router.post("/deconnexion")
def sign_out(
    request: Request, agent: Annotated[Desk, Depends(desk())], session: SessionDep
) -> Response:
    now = agent.ctx.now
    end_session(session, request.cookies.get(SESSION_COOKIE), now, "signed_out")
    _audit(request, session, "console.signed_out", agent.user, None)
    response = RedirectResponse("/connexion?fin=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
