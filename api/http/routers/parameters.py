"""The parameter set in force: every dated value with its source, and the set's digest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from api.http.deps import require
from api.http.routers._common import PROBLEM_RESPONSES
from api.settings import parameter_store
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["paramètres"], responses=PROBLEM_RESPONSES)


@router.get("/parameters", summary="Les paramètres datés et sourcés des règles")
def read_parameters(
    _ctx: Annotated[ServiceContext, Depends(require("parameters.read"))],
) -> dict[str, Any]:
    store = parameter_store()
    return {
        "name": store.name,
        "digest": store.digest,
        "parameters": [store.describe(parameter_id) for parameter_id in store.ids],
    }
