"""`GET /v1/dossiers/{id}` from the stored view while it is fresh (``remuneration.services.
stored_views``), built live and stored after a miss.

One trip to the thread pool: the reading transaction authenticates the caller, checks the role
and finds the dossier with its stored view in one query. A fresh view is answered as stored for
every role but finance, whose full IBAN is decrypted live from the encrypted column and put back
in each document (the stored view never holds it). On a miss the view is built as before
(`dossier_view`), answered, and stored role-neutral in a short writing transaction of its own,
after the reading one has ended, with a bounded wait for the writer lock: a read never queues
behind a long write, it only leaves the view unstored.

Shadow mode (``REMU_DOSSIER_VIEW_SHADOW``, on in the test suite): every read also builds the
view live and fails loudly when the answer from the stored view would differ by one byte.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import anyio
import anyio.to_thread
from fastapi import Request, Response
from sqlalchemy import Engine, bindparam, select

from api.http.deps import AppState, check_role, etag, get_state, service_context, transaction
from api.http.schemas.dossiers import DossierView
from api.http.security import PERMISSIONS
from api.http.views import FULL_IBAN_ROLES, dossier_view
from remuneration.db.models import Document
from remuneration.db.session import bounded_write
from remuneration.services.context import ServiceContext
from remuneration.services.documents import revealed_iban
from remuneration.services.dossiers import get_dossier
from remuneration.services.stored_views import Found, store_view, stored_view

__all__ = ["StoredViewMismatch", "read_dossier_view"]

_log = logging.getLogger("remu.api.dossier_views")
_ROLES = PERMISSIONS["dossiers.read"]
_NEUTRAL = {"documents": {"__all__": {"iban"}}}  # what no stored view holds
_STORE_WAIT_MS = 100
_IBANS_OF = select(Document).where(Document.dossier_id == bindparam("dossier_id"))


class StoredViewMismatch(RuntimeError):
    """Shadow mode: the stored view's answer differs from the live one."""


def _json(body: str | bytes, version: int) -> Response:
    return Response(
        body, status_code=200, headers={"ETag": etag(version)}, media_type="application/json"
    )


def for_role(ctx: ServiceContext, dossier_id: uuid.UUID, neutral: str) -> str:
    """The stored (role-neutral) view as the caller's role sees it: the finance role gets each
    document's full IBAN, decrypted now (``null`` where there is none), as `document_view`
    gives it."""
    if ctx.actor.role not in FULL_IBAN_ROLES:
        return neutral
    view = DossierView.model_validate_json(neutral)
    documents = {d.kind: d for d in ctx.session.scalars(_IBANS_OF, {"dossier_id": dossier_id})}
    for document in view.documents:
        stored = documents.get(document.kind)
        document.iban = revealed_iban(ctx, stored) if stored is not None else None
    return view.model_dump_json(exclude_unset=True)


def _live(ctx: ServiceContext, dossier_id: uuid.UUID) -> tuple[str, str, int]:
    """The view built now: the caller's answer, the role-neutral body, the version."""
    dossier = get_dossier(ctx, dossier_id)
    view = dossier_view(ctx, dossier)
    answer = view.model_dump_json(exclude_unset=True)
    neutral = view.model_dump_json(exclude_unset=True, exclude=_NEUTRAL)
    return answer, neutral, dossier.version


def _shadow_check(ctx: ServiceContext, dossier_id: uuid.UUID, answer: str, served: str) -> None:
    if answer != served:
        _log.error(
            "stored dossier view differs from the live one (dossier %s, role %s)",
            dossier_id,
            ctx.actor.role.value,
        )
        raise StoredViewMismatch(f"stored view of dossier {dossier_id} differs from the live one")


def _read(
    request: Request, authorization: str | None, dossier_id: uuid.UUID
) -> tuple[Response, tuple[Found, str, datetime] | None]:
    state = get_state(request)
    with transaction(request, state.read_sessions) as session:
        ctx = service_context(request, session, authorization)
        check_role(_ROLES, ctx.actor)
        found = stored_view(ctx, dossier_id)
        shadow = state.settings.dossier_view_shadow
        if found.body is not None:
            served = for_role(ctx, dossier_id, found.body)
            if shadow:
                _shadow_check(ctx, dossier_id, _live(ctx, dossier_id)[0], served)
            return _json(served, found.version), None
        answer, neutral, version = _live(ctx, dossier_id)
        if shadow:  # what a later hit will answer from this body
            _shadow_check(ctx, dossier_id, answer, for_role(ctx, dossier_id, neutral))
        return _json(answer, version), (found, neutral, ctx.now)


def _store(state: AppState, found: Found, body: str, now: datetime) -> None:
    """Store a view built on a miss; a failure or a busy writer lock only leaves it unstored."""
    engine = state.write_sessions.kw["bind"]
    assert isinstance(engine, Engine)
    try:
        with bounded_write(engine, _STORE_WAIT_MS) as connection:
            store_view(connection, found, body, now)
    except Exception:  # a cache left cold, never a failed read
        _log.warning("dossier view of %s not stored", found.dossier_id, exc_info=True)


def _read_and_store(request: Request, authorization: str | None, dossier_id: uuid.UUID) -> Response:
    response, to_store = _read(request, authorization, dossier_id)
    if to_store is not None:
        _store(get_state(request), *to_store)
    return response


def _limiter(request: Request) -> anyio.CapacityLimiter | None:
    """The dossier reads' own thread limit (``REMU_DOSSIER_READ_THREADS``; 0: anyio's shared
    pool), made on the first read (a limiter belongs to the running event loop)."""
    threads = get_state(request).settings.dossier_read_threads
    if not threads:
        return None
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "remu_dossier_read_limiter", None)
    if limiter is None:
        limiter = state.remu_dossier_read_limiter = anyio.CapacityLimiter(threads)
    return limiter


async def read_dossier_view(
    request: Request, dossier_id: uuid.UUID, authorization: str | None
) -> Response:
    """The dossier for the caller's role (one trip to the thread pool, among at most
    ``dossier_read_threads`` at once: twenty threads contending for the GIL cost more CPU per
    read than they overlap)."""
    return await anyio.to_thread.run_sync(
        _read_and_store, request, authorization, dossier_id, limiter=_limiter(request)
    )
