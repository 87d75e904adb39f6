"""Relation usagers: the actions on a case — claim, assign, change status, note, message,
macro (preview, then apply), merge. Each form carries the case's version (like `If-Match`): a
case changed by someone else since the page was read is refused with a French message and
shown again as it is now."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from api.http.console.desk import Desk, desk
from api.http.console.forms import FormError, problems_of
from api.http.console.routes_queue import case_page_response
from remuneration.cases.domain import CaseStatus, Channel, MessageDirection, ResolutionReason
from remuneration.cases.models import Case
from remuneration.cases.services import (
    CaseContext,
    add_note,
    apply_case_macro,
    assign_case,
    change_status,
    claim_case,
    find_case,
    merge_cases,
    preview_case_macro,
    record_message,
    refresh_sla,
)
from remuneration.domain.errors import DomainError, NotFound

__all__ = ["router"]

router = APIRouter(prefix="/file/demandes", include_in_schema=False)
CaseKey = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9 -]+$")]
Worker = Annotated[Desk, Depends(desk("cases.work"))]
Version = Annotated[str, Form(max_length=12)]
_STALE = (
    "Cette demande a été modifiée depuis votre lecture : la voici telle qu'elle est maintenant. "
    "Vérifiez, puis recommencez."
)
_MACRO_FIELD_PREFIX = "valeur_"


def _act(
    request: Request,
    agent: Desk,
    case_key: str,
    version: str | None,
    action: Callable[[CaseContext, Case], object],
    *,
    done: str,
    form: dict[str, str],
    field: str,
) -> Response:
    cctx = CaseContext.of(agent.ctx)
    try:
        case = find_case(cctx, case_key)
    except NotFound:
        return case_page_response(request, agent, case_key, status=404)
    reference = case.reference
    try:
        if version is not None and version != str(case.version):
            agent.ctx.session.rollback()
            problems = [{"field": field, "message": _STALE}]
            return case_page_response(request, agent, reference, errors=problems, status=409)
        action(cctx, case)
    except FormError as error:
        agent.ctx.session.rollback()
        return case_page_response(
            request, agent, reference, errors=error.problems, form=form, status=422
        )
    except DomainError as error:
        agent.ctx.session.rollback()
        problems = problems_of(error, field)
        return case_page_response(request, agent, reference, errors=problems, form=form, status=422)
    return RedirectResponse(f"/file/demandes/{reference}?fait={done}", status_code=303)


@router.post("/{case_key}/prise")
def claim(request: Request, case_key: CaseKey, agent: Worker) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        claim_case(cctx, case.id)

    return _act(request, agent, case_key, None, action, done="prise", form={}, field="prise")


@router.post("/{case_key}/attribution")
def assign(
    request: Request,
    case_key: CaseKey,
    agent: Annotated[Desk, Depends(desk("cases.assign"))],
    version: Version = "",
    assignee: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        try:
            assignee_id = uuid.UUID(assignee) if assignee else None
        except ValueError as error:
            raise FormError([{"field": "assignee", "message": "Agent inconnu."}]) from error
        assign_case(cctx, case, assignee_id)

    form = {"assignee": assignee}
    return _act(
        request, agent, case_key, version, action, done="attribution", form=form, field="assignee"
    )


@router.post("/{case_key}/statut")
def transition(
    *,
    request: Request,
    case_key: CaseKey,
    agent: Worker,
    version: Version = "",
    to: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        if to not in {status.value for status in CaseStatus}:
            raise FormError([{"field": "to", "message": "Choisissez le nouveau statut."}])
        if reason and reason not in {item.value for item in ResolutionReason}:
            raise FormError([{"field": "reason", "message": "Motif de résolution inconnu."}])
        change_status(
            cctx, case, CaseStatus(to), reason=ResolutionReason(reason) if reason else None
        )

    form = {"to": to, "reason": reason}
    return _act(request, agent, case_key, version, action, done="statut", form=form, field="to")


@router.post("/{case_key}/note")
def note(
    request: Request,
    case_key: CaseKey,
    agent: Worker,
    body: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        if not body.strip():
            raise FormError([{"field": "note_body", "message": "Écrivez la note."}])
        add_note(cctx, case, body.strip())
        refresh_sla(cctx, case, fire_alerts=False)

    form = {"note_body": body}
    return _act(request, agent, case_key, None, action, done="note", form=form, field="note_body")


@router.post("/{case_key}/message")
def message(
    *,
    request: Request,
    case_key: CaseKey,
    agent: Worker,
    body: Annotated[str, Form(max_length=5000)] = "",
    direction: Annotated[str, Form(max_length=10)] = "outbound",
    channel: Annotated[str, Form(max_length=10)] = "email",
) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        if not body.strip():
            raise FormError([{"field": "message_body", "message": "Écrivez le message."}])
        try:
            way, means = MessageDirection(direction), Channel(channel)
        except ValueError as error:
            problem = {"field": "channel", "message": "Choisissez le sens et le canal."}
            raise FormError([problem]) from error
        record_message(cctx, case, direction=way, channel=means, body=body.strip())

    form = {"message_body": body, "direction": direction, "channel": channel}
    return _act(
        request, agent, case_key, None, action, done="message", form=form, field="message_body"
    )


async def _macro_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {
        key.removeprefix(_MACRO_FIELD_PREFIX): str(value).strip()
        for key, value in form.items()
        if key.startswith(_MACRO_FIELD_PREFIX) and isinstance(value, str)
    }


@router.post("/{case_key}/macro")
def macro(
    *,
    request: Request,
    case_key: CaseKey,
    agent: Worker,
    values: Annotated[dict[str, str], Depends(_macro_values)],
    version: Version = "",
    key: Annotated[str, Form(max_length=40)] = "",
    action: Annotated[str, Form(max_length=12)] = "apercu",
) -> Response:
    form = {"macro": key, **{f"{_MACRO_FIELD_PREFIX}{k}": v for k, v in values.items()}}
    if action != "appliquer":
        return _preview(
            request=request, agent=agent, case_key=case_key, key=key, values=values, form=form
        )

    def apply(cctx: CaseContext, case: Case) -> None:
        apply_case_macro(cctx, case, key, values=values)

    return _act(request, agent, case_key, version, apply, done="macro", form=form, field="macro")


def _preview(
    *,
    request: Request,
    agent: Desk,
    case_key: str,
    key: str,
    values: dict[str, str],
    form: dict[str, str],
) -> Response:
    cctx = CaseContext.of(agent.ctx)
    try:
        plan = preview_case_macro(cctx, find_case(cctx, case_key), key, values=values)
    except DomainError as error:
        agent.ctx.session.rollback()
        problems = problems_of(error, "macro")
        return case_page_response(
            request, agent, case_key, errors=problems, form=form, status=422, block="apercu"
        )
    agent.ctx.session.rollback()  # a preview changes nothing
    return case_page_response(request, agent, case_key, form=form, preview=plan, block="apercu")


@router.post("/{case_key}/fusion")
def merge(
    *,
    request: Request,
    case_key: CaseKey,
    agent: Worker,
    version: Version = "",
    into: Annotated[str, Form(max_length=40)] = "",
    body: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def action(cctx: CaseContext, case: Case) -> None:
        try:
            target = find_case(cctx, into.strip())
        except NotFound as error:
            problem = {"field": "into", "message": "Aucune demande ne porte cette référence."}
            raise FormError([problem]) from error
        merge_cases(cctx, case, target, note=body.strip() or None)

    form = {"into": into, "merge_body": body}
    return _act(request, agent, case_key, version, action, done="fusion", form=form, field="into")
