"""The API documentation at `/docs`, from the vendored Swagger UI (no CDN), and the bearer
scheme declared in the OpenAPI document so that « Authorize » sends the token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse

from api.http.console.rendering import render

__all__ = ["declare_bearer_scheme", "router"]

router = APIRouter(include_in_schema=False)
_PUBLIC_PREFIXES = ("/health",)
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "Jeton signé (`remu tokens create`) ou clé d'API d'un organisme (`remu api-keys "
        "create`), sans le préfixe « Bearer »."
    ),
}


@router.get("/docs")
def api_documentation(request: Request) -> HTMLResponse:
    return render(request, "docs.html", {"title": "Documentation de l'API"})


def _secured(schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearer"] = BEARER
    for path, operations in schema.get("paths", {}).items():
        if path.startswith(_PUBLIC_PREFIXES):
            continue
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.setdefault("security", [{"bearer": []}])
    return schema


def declare_bearer_scheme(app: FastAPI) -> None:
    """Make `app.openapi()` declare the bearer scheme on every non-public operation."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _secured(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
