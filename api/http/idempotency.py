"""`Idempotency-Key` on creating POSTs: replay, refuse another body, refuse while running.

The key is claimed (and committed) before the work starts, in the request's own session; the
response is stored in the same transaction as the work. If the work or its commit fails, the
claim is released so that the client can retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from remuneration.services.context import ServiceContext
from remuneration.services.idempotency import (
    StoredResponse,
    claim_key,
    complete_key,
    release_key,
)

__all__ = ["IDEMPOTENCY_HEADER_DESCRIPTION", "add_failure_callback", "run_idempotent"]

IDEMPOTENCY_HEADER_DESCRIPTION = (
    "Clé unique choisie par le client (1 à 200 caractères). La même clé avec le même corps "
    "rejoue la réponse enregistrée ; avec un autre corps : 422 ; pendant le traitement : 409."
)
_KEPT_HEADERS = ("location", "etag", "content-type")


def add_failure_callback(request: Request, callback: Callable[[Session], None]) -> None:
    """Run `callback` with the request's session after a rollback (see `deps.get_session`)."""
    callbacks: list[Callable[[Session], None]] = getattr(request.state, "remu_on_failure", [])
    callbacks.append(callback)
    request.state.remu_on_failure = callbacks


def _request_hash(body: BaseModel | None) -> str:
    data: Any = body.model_dump(mode="json") if body is not None else None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replayed(stored: StoredResponse) -> Response:
    headers = {str(k): str(v) for k, v in stored.headers.items() if k != "content-type"}
    headers["Idempotent-Replayed"] = "true"
    media_type = str(stored.headers.get("content-type", "application/json"))
    return Response(stored.body, status_code=stored.status, headers=headers, media_type=media_type)


def run_idempotent(
    request: Request,
    ctx: ServiceContext,
    key: str | None,
    body: BaseModel | None,
    produce: Callable[[], Response],
) -> Response:
    """Run `produce` once per (caller, key); without a key, simply run it."""
    if key is None:
        return produce()
    scope = f"user:{ctx.actor.user_id}"
    stored = claim_key(
        ctx.session,
        scope=scope,
        key=key,
        method=request.method,
        path=request.url.path,
        request_hash=_request_hash(body),
        now=ctx.now,
    )
    if stored is not None:
        return _replayed(stored)
    add_failure_callback(request, lambda session: release_key(session, scope=scope, key=key))
    response = produce()
    headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
    complete_key(
        ctx.session,
        scope=scope,
        key=key,
        response=StoredResponse(response.status_code, headers, bytes(response.body)),
        now=ctx.now,
    )
    return response
