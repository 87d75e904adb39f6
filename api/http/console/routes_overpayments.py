"""Finance: the overpayments (whose they are, how much is still due) and their waiver.

A waiver gives up money the Region is owed: the supervisor writes why, sees the amount and the
trainee on the button, and ticks a confirmation naming them; a refused form keeps what was typed.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.http.console.desk import Desk, desk
from api.http.console.forms import Problem
from api.http.console.labels import OVERPAYMENT_STATES
from api.http.console.rendering import euros, render
from api.http.console.routes_finance import not_found
from payments import waive_overpayment
from payments.models import Overpayment
from payments.queries import list_overpayments
from remuneration.db.models import Trainee
from remuneration.domain.errors import DomainError

__all__ = ["router"]

router = APIRouter(prefix="/finance", include_in_schema=False)

_CONFIRMED = "oui"


def _names(agent: Desk, overpayments: list[Overpayment]) -> dict[uuid.UUID, str]:
    """Each trainee's name (`LAST First`), read once for the page."""
    wanted = {item.trainee_id for item in overpayments}
    rows = agent.ctx.session.execute(
        select(Trainee.id, Trainee.last_name, Trainee.first_names).where(Trainee.id.in_(wanted))
    )
    return {row.id: f"{row.last_name.upper()} {row.first_names}" for row in rows}


def _overpayments_page(
    request: Request,
    agent: Desk,
    status: str | None,
    *,
    errors: list[Problem] | None = None,
    form: dict[str, Any] | None = None,
    code: int = 200,
) -> HTMLResponse:
    wanted = status if status in OVERPAYMENT_STATES else None
    found = list_overpayments(agent.ctx.session, status=wanted, page=1, page_size=200)
    return render(
        request,
        "finance/indus.html",
        {
            "desk": agent,
            "title": "Trop-perçus",
            "current": "indus",
            "overpayments": found.items,
            "names": _names(agent, list(found.items)),
            "total": found.total,
            "states": OVERPAYMENT_STATES,
            "status": wanted,
            "errors": errors or [],
            "form": form or {},
            "waived": request.query_params.get("remise") == "1",
        },
        status=code,
    )


@router.get("/indus")
def overpayments(
    request: Request,
    agent: Annotated[Desk, Depends(desk("overpayments.read"))],
    statut: str | None = None,
) -> Response:
    return _overpayments_page(request, agent, statut)


def _refusal(overpayment: Overpayment, name: str, reason: str, confirmed: bool) -> str | None:
    if not reason:
        return "Indiquez le motif de la remise gracieuse."
    if not confirmed:
        return (
            f"Cochez la case de confirmation : la remise renonce définitivement à "
            f"{euros(overpayment.remaining)} dus par {name}."
        )
    return None


@router.post("/indus/{overpayment_id}/remise")
def waive(
    request: Request,
    overpayment_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("overpayments.waive"))],
    reason: Annotated[str, Form(max_length=500)] = "",
    confirmation: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    overpayment = agent.ctx.session.get(Overpayment, overpayment_id)
    if overpayment is None:
        return not_found(request, agent, "Trop-perçu")
    field = f"reason-{overpayment_id}"
    form = {field: reason}
    name = _names(agent, [overpayment]).get(overpayment.trainee_id, "le stagiaire")
    refused = _refusal(overpayment, name, reason.strip(), confirmation == _CONFIRMED)
    if refused is not None:
        problems: list[Problem] = [{"field": field, "message": refused}]
        return _overpayments_page(request, agent, None, errors=problems, form=form, code=422)
    try:
        waive_overpayment(agent.ctx, overpayment_id, reason=reason.strip())
    except DomainError as error:
        agent.ctx.session.rollback()
        problems = [{"field": field, "message": error.message}]
        return _overpayments_page(request, agent, None, errors=problems, form=form, code=422)
    return RedirectResponse("/finance/indus?remise=1", status_code=303)
