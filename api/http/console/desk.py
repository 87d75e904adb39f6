"""What every console route receives: the signed-in agent, the service context, the CSRF check.

`desk(permission)` is the dependency of every console route: it resumes the session from the
cookie (in a short transaction of its own, so that a page's read transaction never writes),
refuses a role that does not hold `permission` (the API's permission table), and on every
unsafe method checks the CSRF token sent in the form (`csrf_token`) or the `X-CSRF-Token`
header against the session's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.http.console.sessions import SESSION_COOKIE, ActiveSession, resume_session
from api.http.deps import SessionDep, get_state
from api.http.security import PERMISSIONS
from api.settings import parameter_store
from remuneration.db.models import User
from remuneration.logs import REQUEST_ID
from remuneration.services.context import Actor, Role, ServiceContext

__all__ = [
    "CONSOLE_ROLES",
    "CsrfRefused",
    "Desk",
    "DeskForbidden",
    "SignInRequired",
    "desk",
    "signed_in",
]

CONSOLE_ROLES = frozenset(Role) - {Role.ORGANISATION}
"""Organisations work through the API (their own systems); the console is for agents."""

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequired(Exception):
    """No valid session: the browser is sent to the sign-in page."""


class DeskForbidden(Exception):
    """The agent's role does not hold the page's permission."""


class CsrfRefused(Exception):
    """An unsafe request without the session's CSRF token."""


@dataclass(frozen=True, slots=True)
class Desk:
    """The signed-in agent at work: the service context, the user, the CSRF token."""

    ctx: ServiceContext
    user: User
    csrf_token: str

    @property
    def role(self) -> Role:
        return self.ctx.actor.role

    def can(self, permission: str) -> bool:
        """Whether the agent's role holds `permission` (menus show only what is allowed)."""
        return self.role in PERMISSIONS[permission]


def signed_in(request: Request) -> ActiveSession:
    """The valid session of the request (touched, committed), or SignInRequired."""
    state = get_state(request)
    with state.write_sessions.begin() as session:
        active = resume_session(
            session, state.settings, request.cookies.get(SESSION_COOKIE), state.clock()
        )
    if active is None or Role(active.user.role) not in CONSOLE_ROLES:
        raise SignInRequired
    return active


async def _csrf_checked(
    request: Request, active: Annotated[ActiveSession, Depends(signed_in)]
) -> ActiveSession:
    if request.method not in _UNSAFE:
        return active
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode(), active.csrf_token.encode()):
        raise CsrfRefused
    return active


def desk(permission: str | None = None) -> Callable[..., Desk]:
    """The dependency of a console route needing `permission` (None: any signed-in agent)."""
    roles = PERMISSIONS[permission] if permission is not None else CONSOLE_ROLES

    def dependency(
        request: Request,
        session: SessionDep,
        active: Annotated[ActiveSession, Depends(_csrf_checked)],
    ) -> Desk:
        user = active.user
        role = Role(user.role)
        if role not in roles:
            raise DeskForbidden
        state = get_state(request)
        actor = Actor(
            user_id=user.id, name=user.name, role=role, organisation_id=user.organisation_id
        )
        ctx = ServiceContext(
            session=session,
            actor=actor,
            now=state.clock(),
            protector=state.protector,
            request_id=REQUEST_ID.get(),
            parameters=parameter_store(),
        )
        return Desk(ctx=ctx, user=user, csrf_token=active.csrf_token)

    dependency.__name__ = f"desk_{(permission or 'signed_in').replace('.', '_')}"
    return dependency
