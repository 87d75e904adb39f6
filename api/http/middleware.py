"""ASGI middleware: request id, access log, and a cap on the request body size."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logging import REQUEST_ID

__all__ = ["RequestContextMiddleware"]

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_access = logging.getLogger("remu.access")


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = bytes(value).decode("latin-1")
            if _SAFE_ID.match(candidate):
                return candidate
    return uuid.uuid4().hex


def _too_large(scope: Scope, limit: int) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return value.isdigit() and int(value) > limit
    return False


async def _refuse_large(send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "type": "https://remu.region.example/problemes/request_too_large",
            "title": "Requête trop volumineuse",
            "status": 413,
            "code": "request_too_large",
            "detail": "Le corps de la requête dépasse la taille autorisée.",
            "request_id": request_id,
        },
        ensure_ascii=False,
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Give each request an id (echoed in `X-Request-ID`), log it once, cap its body."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope)
        token = REQUEST_ID.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            if _too_large(scope, self.max_body_bytes):
                status = 413
                await _refuse_large(send, request_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            route = scope.get("route")
            template = getattr(route, "path", scope.get("path", ""))
            _access.info("%s %s %s %.1fms", scope.get("method"), template, status, elapsed)
            REQUEST_ID.reset(token)
