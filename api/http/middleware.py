"""ASGI middleware: request id, access log, and the guards every body passes before any route.

Before authentication and before any route runs, the body is read here, chunk after chunk, and
refused as soon as the bytes actually received pass the route's limit (413), whatever the
transfer encoding (a chunked body has no `Content-Length` to trust). A body must be JSON
(415 otherwise) and JSON of bounded depth and number size (422 with the path,
`rules.json_input`). Every response gets `Cache-Control: no-store` (they may carry personal
data) and the request id, which is taken from `X-Request-ID` only when it is short, plain and
holds nothing that looks like personal data.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.errors import situation_response
from remuneration.domain.errors import FieldProblem
from remuneration.domain.masking import redact_text
from remuneration.logs import REQUEST_ID
from rules import InputError
from rules.json_input import bounded_loads

__all__ = ["API_PREFIX", "BodyLimits", "RequestContextMiddleware", "parsed_body"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_JSON_TYPE = re.compile(r"^application/(?:[a-z0-9.+-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)
API_PREFIX = "/v1/"
"""The JSON API; the console's pages (HTML forms) are guarded by size only."""
_access = logging.getLogger("remu.access")
_log = logging.getLogger("remu.api")


class BodyLimits:
    """The body limit of a request: uploads (documents and bank files of the API, the console's
    multipart forms) get the larger one."""

    _UPLOADS = re.compile(r"^/v1/(?:dossiers/[^/]+/documents(?:/|$)|bank-files(?:/|$))")

    def __init__(self, *, default_bytes: int, upload_bytes: int) -> None:
        self.default_bytes = default_bytes
        self.upload_bytes = upload_bytes

    def for_path(self, path: str, content_type: str | None = None) -> int:
        """The largest body accepted on `path` with this content type, in bytes."""
        if self._UPLOADS.match(path):
            return self.upload_bytes
        multipart = (content_type or "").lower().startswith("multipart/form-data")
        if multipart and not path.startswith(API_PREFIX):
            return self.upload_bytes
        return self.default_bytes


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _incoming_id(scope: Scope) -> str:
    """The caller's id when it is plain and holds no NIR, IBAN or token; a new one otherwise."""
    candidate = _header(scope, b"x-request-id")
    if candidate and _SAFE_ID.match(candidate) and redact_text(candidate) == candidate:
        return candidate
    return uuid.uuid4().hex


class _TooLarge(Exception):
    """The body passed its limit while it was being read."""


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body (at most `limit` bytes) and whether the client disconnected."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _body_refusal(scope: Scope, body: bytes) -> JSONResponse | None:
    """On the JSON API: 415 for a body that is not JSON, 422 for JSON too deep or with
    oversized numbers."""
    if not body or not str(scope.get("path", "")).startswith(API_PREFIX):
        return None
    content_type = _header(scope, b"content-type")
    if content_type is None or not _JSON_TYPE.match(content_type.strip()):
        return situation_response(
            "unsupported_media_type",
            "Le corps de la requête doit être du JSON (Content-Type: application/json).",
        )
    try:
        parsed = bounded_loads(body)
    except InputError as error:
        problems = [FieldProblem(p.path, p.code, p.message) for p in error.problems]
        return situation_response("validation_error", error.detail, errors=problems)
    scope.setdefault("state", {})[_PARSED] = parsed
    return None


_PARSED = "remu_json_body"


def parsed_body(request: Request, raw: bytes) -> Any:
    """The request's JSON body as ``rules.json_input.bounded_loads`` reads `raw`: parsed once by
    this middleware on the JSON API (the same bytes the route receives), else parsed here."""
    state = request.scope.get("state") or {}
    return state[_PARSED] if _PARSED in state else bounded_loads(raw)


def _with_headers(send: Send, request_id: str, on_status: Callable[[int], None]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            on_status(message["status"])
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if name.lower() != b"cache-control"
            ]
            headers += [(b"x-request-id", request_id.encode()), (b"cache-control", b"no-store")]
            message["headers"] = headers
        await send(message)

    return wrapped


class RequestContextMiddleware:
    """Give each request an id (echoed in `X-Request-ID`), log it once, guard its body."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.for_path(scope.get("path", ""), _header(scope, b"content-type"))
        try:
            body, disconnected = await _read_body(receive, limit)
        except _TooLarge:
            refusal: JSONResponse | None = situation_response(
                "request_too_large",
                f"Le corps de la requête dépasse la taille autorisée ({limit} octets).",
                headers={"Connection": "close"},
            )
        else:
            if disconnected:
                return
            refusal = _body_refusal(scope, body)
            receive = _replay(body, receive)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope)
        token = REQUEST_ID.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 0

        def on_status(value: int) -> None:
            nonlocal status
            status = value

        guarded_send = _with_headers(send, request_id, on_status)
        try:
            await self._guarded(scope, receive, guarded_send)
        except Exception as error:
            # answered here, inside the request's context: the problem keeps its request id
            if status:
                raise
            _log.error("unexpected error", exc_info=error)
            response = situation_response(
                "internal_error", "Une erreur interne est survenue ; elle a été journalisée."
            )
            await response(scope, receive, guarded_send)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            route = scope.get("route")
            template = getattr(route, "path", None) or redact_text(scope.get("path", ""))
            # the path comes last so that no mask of a value in it can swallow the status
            _access.info("%s %s %.1fms %s", scope.get("method"), status, elapsed, template)
            REQUEST_ID.reset(token)
