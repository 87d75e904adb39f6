"""Liveness (no database) and readiness (database reachable) probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.http.deps import get_state

__all__ = ["router"]

router = APIRouter(prefix="/health", tags=["santé"])


_LIVE = b'{"status":"ok"}'  # what FastAPI would encode from {"status": "ok"}


@router.get("/live", summary="Le processus répond", response_model=dict[str, str])
async def live() -> Response:
    """Always answers while the process runs; touches nothing else."""
    # On the event loop (no trip to the thread pool), its JSON written once: the bare endpoint
    # of `bench/api.py`, the framework's own cost per request.
    return Response(_LIVE, media_type="application/json")


@router.get(
    "/ready",
    summary="La base de données répond",
    responses={503: {"description": "Base de données injoignable"}},
)
def ready(request: Request) -> JSONResponse:
    """Answers 200 when a trivial query succeeds, 503 otherwise."""
    session = get_state(request).read_sessions()
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    finally:
        session.close()
    return JSONResponse({"status": "ok"})
