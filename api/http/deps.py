"""Request dependencies: the session (committed or rolled back at the edge), the caller, the clock.

Endpoints are plain `def` functions run in the thread pool, with a synchronous session. The
session is opened and the caller authenticated by one dependency (`require`: one trip to the
thread pool for both); it has `scope="function"`: it commits after the endpoint returned and
its response was built, but before anything is sent, so a failed commit becomes an error
response. A route that touches no data (`caller_of`) gets the caller alone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.http.accounts import AccountReader
from api.http.errors import Forbidden, PreconditionRequired, StaleVersion, Unauthenticated
from api.http.security import PERMISSIONS, authenticate, bearer_credential
from api.settings import Settings, parameter_store
from remuneration.logs import REQUEST_ID
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector
from remuneration.services.users import API_KEY_PREFIX

_log = logging.getLogger("remu.api")
_T = TypeVar("_T")

__all__ = [
    "AppState",
    "Authorization",
    "Caller",
    "SessionDep",
    "caller_of",
    "check_role",
    "etag",
    "expected_version",
    "get_state",
    "require",
    "require_version",
    "service_context",
    "transaction",
]


@dataclass(frozen=True, slots=True)
class AppState:
    """What `create_app` wires once and every request uses."""

    settings: Settings
    write_sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    protector: FieldProtector
    document_store: DocumentStore
    clock: Callable[[], datetime]
    accounts: AccountReader


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling and when, for a route that touches no data."""

    actor: Actor
    now: datetime
    request_id: str | None


def get_state(request: Request) -> AppState:
    """The application's wiring."""
    state: AppState = request.app.state.remu
    return state


def _run_failure_callbacks(request: Request, session: Session) -> None:
    for callback in getattr(request.state, "remu_on_failure", []):
        try:
            callback(session)
        except Exception:
            session.rollback()
            _log.exception("cleanup after a failed request failed")


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; reads use a deferred transaction, writes an immediate one (the
    console's pages; the API's routes get theirs with the caller, from `require`)."""
    yield from _session_of(request, _factory_for(request))


def _factory_for(request: Request) -> sessionmaker[Session]:
    state = get_state(request)
    return state.read_sessions if request.method in ("GET", "HEAD") else state.write_sessions


@contextmanager
def _transaction(request: Request, factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed when the work is done, rolled back (and the request's cleanups run)
    when it fails, always closed."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        _run_failure_callbacks(request, session)
        raise
    finally:
        session.close()


def _session_of(request: Request, factory: sessionmaker[Session]) -> Iterator[Session]:
    with _transaction(request, factory) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
Authorization = Annotated[str | None, Header(include_in_schema=False)]


def _context(request: Request, authorization: Authorization = None) -> Iterator[ServiceContext]:
    """The request's session and its authenticated caller, in one trip to the thread pool (the
    session is opened and the account read together; committed or rolled back at the edge)."""
    for session in _session_of(request, _factory_for(request)):
        yield _service_context(request, session, authorization)


def _caller(request: Request, authorization: Authorization = None) -> Caller:
    """The authenticated caller of a route that touches no data: the account is read in a
    reading transaction closed at once (one trip to the thread pool, never the writer lock)."""
    with get_state(request).read_sessions() as session:
        ctx = _service_context(request, session, authorization)
        session.commit()
    return Caller(actor=ctx.actor, now=ctx.now, request_id=ctx.request_id)


def _service_context(
    request: Request, session: Session, authorization: str | None
) -> ServiceContext:
    state = get_state(request)
    now = state.clock()
    actor = authenticate(session, state.settings, authorization, now)
    if actor is None:
        raise Unauthenticated("Jeton d'accès manquant, invalide ou expiré.")
    return ServiceContext(
        session=session,
        actor=actor,
        now=now,
        protector=state.protector,
        request_id=REQUEST_ID.get(),
        parameters=parameter_store(),
    )


def _allowed(roles: frozenset[Role], actor: Actor) -> None:
    if actor.role not in roles:
        raise Forbidden("Votre rôle ne permet pas cette action.")


# For a route that runs its whole unit in one trip of its own (``api.http.dossier_reads``).
transaction = _transaction
service_context = _service_context
check_role = _allowed


def require(permission: str) -> Callable[..., Awaitable[ServiceContext]]:
    """A dependency giving the service context when the caller's role holds `permission`.

    The role check touches nothing but the context: it runs on the event loop (``async``), not
    in the thread pool, which saves one hop between threads on every request.
    """
    roles = PERMISSIONS[permission]

    async def dependency(
        ctx: Annotated[ServiceContext, Depends(_context, scope="function")],
    ) -> ServiceContext:
        _allowed(roles, ctx.actor)
        return ctx

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


async def caller_of(request: Request, authorization: str | None, permission: str) -> Caller:
    """The caller (actor, clock value) of a route that reads and writes no data (the stateless
    evaluation), when their role holds `permission`; no session is opened. A signed token's
    account is read by `accounts.AccountReader` (one prebuilt statement; on SQLite on the
    event loop, no trip to the thread pool); an API key or a missing header goes the usual way
    (`_caller`, one trip)."""
    state = get_state(request)
    credential = bearer_credential(authorization)
    if credential is None or credential.startswith(API_KEY_PREFIX):
        caller = await run_in_threadpool(_caller, request, authorization)
    else:
        now = state.clock()
        actor = await state.accounts.actor(state.settings, credential, now)
        if actor is None:
            raise Unauthenticated("Jeton d'accès manquant, invalide ou expiré.")
        caller = Caller(actor=actor, now=now, request_id=REQUEST_ID.get())
    _allowed(PERMISSIONS[permission], caller.actor)
    return caller


def _parse_etag(value: str) -> int | None:
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    return int(text) if text.isdigit() else None


def expected_version(if_match: str | None) -> int | None:
    """The version named by an optional `If-Match` (None when absent).

    A present header must name one concrete version: `*`, a list or garbage is refused (428),
    since `*` would skip the lost-update check it exists for.
    """
    if if_match is None:
        return None
    version = _parse_etag(if_match)
    if version is None:
        raise PreconditionRequired(
            "L'en-tête If-Match doit indiquer une version précise (la valeur de l'ETag lu), "
            "pas « * ».",
            field="If-Match",
        )
    return version


def require_version(if_match: str | None, current: int) -> None:
    """`If-Match` is mandatory (428) and must name the current version (412)."""
    if if_match is None:
        raise PreconditionRequired(
            "Indiquez la version lue dans l'en-tête If-Match (valeur de l'ETag).", field="If-Match"
        )
    if expected_version(if_match) != current:
        raise StaleVersion(
            "L'objet a été modifié depuis votre lecture ; relisez-le avant de recommencer.",
            field="If-Match",
        )


def etag(version: int) -> str:
    """The ETag of a versioned object."""
    return f'"{version}"'
