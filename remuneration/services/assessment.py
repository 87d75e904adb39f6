"""Asking the engine whether a dossier under instruction is complete, without deciding."""

from __future__ import annotations

from remuneration.db.models import Dossier
from remuneration.services.context import ServiceContext
from remuneration.services.evaluation_input import build_request
from rules import InputError, evaluate

__all__ = ["assess"]


def assess(ctx: ServiceContext, dossier: Dossier) -> str | None:
    """The engine's remuneration decision on today's facts, or None when the stored facts do not
    form a valid request yet (a decision will then report every problem with its path)."""
    try:
        result = evaluate(
            build_request(ctx, dossier, as_of=ctx.today), today=ctx.today, parameters=ctx.parameters
        )
    except InputError:
        return None
    return result.decision.value
